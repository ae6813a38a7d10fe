#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// swift-log to stderr in a form journald and people both read: under journald each line starts with a syslog
/// priority (`<6>`), which the journal turns into the entry's level, and carries no timestamp (the journal adds
/// one); on a terminal it gets a timestamp and a coloured level; elsewhere plain text. Metadata is `key=value`,
/// quoted when it holds spaces.
public struct JournalLogHandler: LogHandler {
    public enum Style: Sendable { case journal, terminal, plain }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let style: Style
    let label: String

    public init(label: String, level: Logger.Level, style: Style = JournalLogHandler.detectStyle()) {
        self.label = label
        self.logLevel = level
        self.style = style
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// journald sets `$JOURNAL_STREAM` to the device and inode of the stream it reads; stderr is that stream when they match.
    public static func detectStyle(environment: [String: String] = ProcessInfo.processInfo.environment) -> Style {
        if let stream = environment["JOURNAL_STREAM"] {
            var info = stat()
            if fstat(STDERR_FILENO, &info) == 0, stream == "\(info.st_dev):\(info.st_ino)" { return .journal }
        }
        return isatty(STDERR_FILENO) == 1 ? .terminal : .plain
    }

    public func log(event: LogEvent) {
        let line = format(level: event.level, message: event.message, metadata: event.metadata)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public func format(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?) -> String {
        var all = metadata
        if let extra { all.merge(extra) { _, new in new } }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted("\($0.value)"))" }
        let body = ([message.description.replacingOccurrences(of: "\n", with: " ")] + fields).joined(separator: " ")
        switch style {
        case .journal:
            return "<\(Self.priority(level))>\(level.rawValue): \(body)"
        case .terminal:
            return "\(Self.timestamp()) \(Self.colour(level))\(level.rawValue)\u{1B}[0m: \(body)"
        case .plain:
            return "\(Self.timestamp()) \(level.rawValue): \(body)"
        }
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// syslog(3) priorities, as sd-daemon(3) prefixes expect.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    static func colour(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "\u{1B}[2m"
        case .info: return "\u{1B}[36m"
        case .notice: return "\u{1B}[32m"
        case .warning: return "\u{1B}[33m"
        case .error, .critical: return "\u{1B}[31m"
        }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

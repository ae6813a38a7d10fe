import Foundation
import Logging
import ModelwardenCore
import ModelwardenStore
import ModelwardenYAML

/// What the daemon watches, where it records, and how it serves: read from `modelwarden.yaml`, then overridden by flags.
public struct DaemonConfiguration: Sendable, Equatable {
    public static let defaultPath = "/etc/modelwarden/modelwarden.yaml"
    public static let defaultDatabase = "/var/lib/modelwarden/modelwarden.sqlite"

    public var watch: [String] = []
    /// nil: `$MODELWARDEN_POLICIES`, the installed policies, or `./Policies` (see `PolicyLocator`).
    public var policies: String?
    public var database: String = DaemonConfiguration.defaultDatabase
    /// The source the daemon's scans belong to; nil: the host name and the watched roots.
    public var source: String?
    public var interval: Duration = .seconds(15 * 60)
    /// Quiet time after a filesystem change before the rescan, so an editor's save or a `git pull` is one scan.
    public var debounce: Duration = .seconds(2)
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9464)
    public var tokenFile: String?
    /// Tokens that may push scans from elsewhere (`PushTokens`); nil: the daemon takes no pushes.
    public var pushTokensFile: String?
    public var logLevel: Logger.Level = .info
    /// Follow symbolic links that lead outside the watched folders (`follow_symlinks: true`); off by default.
    public var followSymlinks = false
    /// Folders (users' homes, `/etc/codex`) whose MCP client files are read for servers only, recorded with scope `user`
    /// (`user_tool_configs:`). Only the clients' known paths under each are read; empty: no user-scope files.
    public var userToolConfigs: [String] = []

    public init() {}

    static let keys = ["watch", "policies", "database", "source", "interval", "debounce", "listen", "token_file", "push_tokens", "log_level",
                       "follow_symlinks", "user_tool_configs"]

    /// Reads a configuration file; every problem is a located diagnostic and the result is nil when there is any.
    public static func load(path: String) -> (configuration: DaemonConfiguration?, diagnostics: [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (nil, [Diagnostic(SourceLocation(file: path, line: 1, column: 1), "cannot read the configuration file")])
        }
        let (parsed, diagnostics) = parse(Array(data), file: path)
        guard var configuration = parsed else { return (nil, diagnostics) }
        // Relative paths in the file mean relative to the file, whatever folder the daemon starts in (systemd: /).
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func anchored(_ value: String) -> String {
            value.hasPrefix("/") ? value : folder.appendingPathComponent(value).standardizedFileURL.path
        }
        configuration.watch = configuration.watch.map(anchored)
        configuration.userToolConfigs = configuration.userToolConfigs.map(anchored)
        configuration.policies = configuration.policies.map(anchored)
        // A PostgreSQL URL is not a path.
        if !configuration.database.contains("://") { configuration.database = anchored(configuration.database) }
        configuration.tokenFile = configuration.tokenFile.map(anchored)
        configuration.pushTokensFile = configuration.pushTokensFile.map(anchored)
        return (configuration, diagnostics)
    }

    public static func parse(_ bytes: [UInt8], file: String) -> (configuration: DaemonConfiguration?, diagnostics: [Diagnostic]) {
        let stream = YAMLParser.parse(bytes)
        if let error = stream.error {
            return (nil, [Diagnostic(SourceLocation(file: file, line: error.mark.line, column: error.mark.column), error.message)])
        }
        var configuration = DaemonConfiguration()
        guard let root = stream.documents.first, !root.isNull else { return (configuration, []) }
        let problems = PolicyProblems()
        guard let reader = FieldReader(root, file: file, path: "", problems: problems, allowed: keys) else {
            return (nil, problems.diagnostics)
        }
        if let node = reader.node["watch"], let single = node.scalar, !node.isNull {
            configuration.watch = [single]
        } else {
            configuration.watch = reader.strings("watch")
        }
        configuration.policies = reader.string("policies")
        if let database = reader.string("database") { configuration.database = database }
        if let source = reader.string("source") {
            if let problem = SourceName.problem(source) {
                problems.error(file, reader.node["source"]!.mark, "source", problem)
            } else {
                configuration.source = source
            }
        }
        for (key, keyPath) in [("interval", \DaemonConfiguration.interval), ("debounce", \DaemonConfiguration.debounce)] {
            guard let text = reader.string(key) else { continue }
            if let duration = DurationText.parse(text) {
                configuration[keyPath: keyPath] = duration
            } else {
                problems.error(file, reader.node[key]!.mark, key, "'\(text)' is not a duration (examples: 30s, 15m, 1h30m)")
            }
        }
        if let text = reader.string("listen") {
            if let address = ListenAddress(text) {
                configuration.listen = address
            } else {
                problems.error(file, reader.node["listen"]!.mark, "listen", "'\(text)' is not HOST:PORT (examples: 127.0.0.1:9464, [::1]:9464)")
            }
        }
        configuration.tokenFile = reader.string("token_file")
        configuration.pushTokensFile = reader.string("push_tokens")
        configuration.followSymlinks = reader.bool("follow_symlinks") ?? false
        configuration.userToolConfigs = userToolConfigs(reader, file: file, problems: problems)
        if let level = reader.oneOf("log_level", Logger.Level.allCases.map(\.rawValue)) {
            configuration.logLevel = Logger.Level(rawValue: level) ?? .info
        }
        let errors = problems.diagnostics.filter { $0.level == .error }
        return (errors.isEmpty ? configuration : nil, problems.diagnostics)
    }

    /// `user_tool_configs:`, a folder or a list of folders; an empty entry is a mistake, not "the current folder".
    static func userToolConfigs(_ reader: FieldReader, file: String, problems: PolicyProblems) -> [String] {
        guard let node = reader.node["user_tool_configs"], !node.isNull else { return [] }
        if let single = node.scalar {
            guard !single.isEmpty else {
                problems.error(file, node.mark, "user_tool_configs", "expected a folder, found an empty string")
                return []
            }
            return [single]
        }
        let folders = reader.strings("user_tool_configs")
        for (index, item) in (node.sequence ?? []).enumerated() where item.scalar?.isEmpty == true {
            problems.error(file, item.mark, "user_tool_configs[\(index)]", "expected a folder, found an empty string")
        }
        return folders.filter { !$0.isEmpty }
    }

    /// Problems no single key shows: nothing to watch, a bad interval, an exposed API without a token.
    public func validate() -> [String] {
        var problems: [String] = []
        if watch.isEmpty { problems.append("nothing to watch: set `watch:` in the configuration or pass --watch DIR") }
        if interval < .seconds(1) { problems.append("the scan interval must be at least 1s") }
        if debounce < .zero { problems.append("the debounce must not be negative") }
        if !listen.isLoopback && tokenFile == nil {
            problems.append("listening on \(listen) (not a loopback address) requires a token: set `token_file:` or pass --token-file FILE")
        }
        return problems
    }
}

/// `HOST:PORT` for the HTTP API; IPv6 hosts in brackets.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let number = Int(port), (0...65535).contains(number) else { return nil }
        self.host = String(host)
        self.port = number
    }

    /// Only loopback addresses may serve without a token.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Durations as people write them in configs: `500ms`, `30s`, `15m`, `1h30m`, `1d`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        var total = Duration.zero
        var digits = ""
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        while let character = rest.first {
            if character.isASCII && character.isNumber {
                digits.append(character)
                rest = rest.dropFirst()
                continue
            }
            guard let value = Int64(digits) else { return nil }
            digits = ""
            let unit: Duration
            if rest.hasPrefix("ms") {
                unit = .milliseconds(1)
                rest = rest.dropFirst(2)
            } else {
                switch character {
                case "s": unit = .seconds(1)
                case "m": unit = .seconds(60)
                case "h": unit = .seconds(3600)
                case "d": unit = .seconds(86400)
                default: return nil
                }
                rest = rest.dropFirst()
            }
            total += unit * value
        }
        // A bare number is a unit-less mistake, not seconds.
        return digits.isEmpty ? total : nil
    }

    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        var seconds = milliseconds / 1000
        var text = ""
        for (unit, size) in [("h", Int64(3600)), ("m", 60)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return seconds > 0 || text.isEmpty ? text + "\(seconds)s" : text
    }
}

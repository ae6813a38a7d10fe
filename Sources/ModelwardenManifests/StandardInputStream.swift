import Foundation
import ModelwardenCore

/// Manifests piped to `modelwarden check -` (`helm template .`, `kubectl get deploy -A -o yaml`), split into the
/// virtual files the auditor reads. Every virtual file is YAML or JSON, whatever its name.
public struct StandardInputStream: Sendable {
    /// The path argument that means standard input.
    public static let argument = "-"
    /// The name of the stream when none is given.
    public static let defaultName = "stdin"

    /// The name findings use for the stream itself (text outside any helm `# Source:` section).
    public let name: String
    /// The virtual files in stream order: helm Source paths, then the stream-named file when it holds anything.
    public let files: [(path: String, text: String)]
    /// Problems with the stream as a whole (empty, over the size limit, not UTF-8); then `files` is empty.
    public let diagnostics: [Diagnostic]

    /// Whether the stream could be read at all; a scan of an unreadable stream must not record its usages as gone.
    public var isReadable: Bool { !diagnostics.contains { $0.level == .error } }

    public init(bytes: [UInt8], name: String = defaultName, limits: ScanLimits = ScanLimits()) {
        self.name = name
        let start = SourceLocation(file: name, line: 1, column: 1)
        if bytes.count > limits.maxFileBytes {
            (files, diagnostics) = ([], [Diagnostic(start, "standard input is over the \(limits.maxFileBytes)-byte limit; not scanned")])
        } else if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            // An empty pipe usually means the command before it failed; passing would hide that.
            (files, diagnostics) = ([], [Diagnostic(start, "standard input is empty: nothing to scan (did the command before the pipe fail?)")])
        } else if bytes.prefix(8192).contains(0) {
            (files, diagnostics) = ([], [Diagnostic(start, "standard input is binary (contains NUL bytes); not scanned")])
        } else if let text = String(validating: bytes, as: UTF8.self) {
            (files, diagnostics) = (Self.split(text, name: name), [])
        } else {
            let location = Auditor.invalidUTF8Location(bytes, file: name)
            (files, diagnostics) = ([], [Diagnostic(location, "invalid UTF-8 in standard input; not scanned")])
        }
    }

    /// Reads standard input to its end, or to one byte over the size limit (the rest is never held in memory).
    public static func read(name: String = defaultName, limits: ScanLimits = ScanLimits(), descriptor: Int32 = STDIN_FILENO) -> StandardInputStream {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count <= limits.maxFileBytes {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return StandardInputStream(bytes: bytes, name: name, limits: limits)
    }

    /// Splits a stream into virtual files. A helm document (`---`, then `# Source: chart/templates/x.yaml`) goes to the
    /// file of its Source path, starting at the line after the comment, so lines match the rendered template; documents
    /// of one Source share its file, separated by `---`. Everything else stays in the stream-named file at its stream
    /// line, since a kubectl `List` or a plain multi-document stream has no better name.
    public static func split(_ text: String, name: String) -> [(path: String, text: String)] {
        // By bytes, not Characters: "\r\n" is one Character and would hide the line break.
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
        var order: [String] = []
        var sourced: [String: [Substring]] = [:]
        var rest = lines
        for document in documents(in: lines) {
            guard let comment = document.first(where: { !lines[$0].allSatisfy(\.isWhitespace) }),
                  let path = sourcePath(lines[comment]) else { continue }
            if sourced[path] == nil {
                order.append(path)
                sourced[path] = []
            } else {
                sourced[path]!.append("---")
            }
            sourced[path]! += lines[(comment + 1)..<document.upperBound]
            // Blank, not removed: the stream-named file keeps its stream line numbers.
            for index in document { rest[index] = "" }
        }
        var files = order.map { (path: $0, text: sourced[$0]!.joined(separator: "\n")) }
        if rest.contains(where: { !isSeparator($0) && !isBlankOrComment($0) }) {
            files.append((path: name, text: rest.joined(separator: "\n")))
        }
        return files
    }

    /// Line ranges of the documents between `---` separators.
    static func documents(in lines: [Substring]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for (index, line) in lines.enumerated() where isSeparator(line) {
            if index > start { result.append(start..<index) }
            start = index + 1
        }
        if start < lines.count { result.append(start..<lines.count) }
        return result
    }

    /// `---` alone on its line (helm writes nothing after it).
    static func isSeparator(_ line: Substring) -> Bool {
        line.hasPrefix("---") && line.dropFirst(3).allSatisfy(\.isWhitespace)
    }

    static func isBlankOrComment(_ line: Substring) -> Bool {
        let trimmed = line.drop { $0.isWhitespace }
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }

    /// The path of helm's `# Source: chart/templates/x.yaml` comment.
    static func sourcePath(_ line: Substring) -> String? {
        guard line.hasPrefix("# Source:") else { return nil }
        let path = line.dropFirst("# Source:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }
}

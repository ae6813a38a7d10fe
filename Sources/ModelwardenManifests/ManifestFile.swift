#if canImport(Glibc)
import Glibc
#endif
import ModelwardenCore
import ModelwardenYAML

/// A string read from a manifest with the position where its text starts.
public struct Located: Sendable, Hashable, Codable {
    public var text: String
    public var line: Int
    public var column: Int
    /// The file the text is written in, when it is not the file being analysed (a ConfigMap, an env file).
    public var file: String?

    public init(_ text: String, line: Int, column: Int, file: String? = nil) {
        self.text = text
        self.line = line
        self.column = column
        self.file = file
    }

    /// A scalar node's text; quoted scalars start one column after the quote.
    public init?(_ node: YAMLNode?) {
        guard let node, case .scalar(let text, let style) = node.content, node.string != nil else { return nil }
        let shift = (style == .singleQuoted || style == .doubleQuoted) ? 1 : 0
        self.init(text, line: node.mark.line, column: node.mark.column + shift)
    }
}

/// One file to scan, its text, and its lines for locating tokens inside block scalars.
public struct ManifestFile: Sendable {
    /// The path relative to the scanned folder, as reported.
    public var path: String
    /// The path on disk.
    public var absolutePath: String
    public var text: String
    /// Named on the command line: if it does not parse, the run fails.
    public var isNamed = false

    /// The file's lines, split on demand: most files never need them.
    public var lines: [Substring] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// One line (1-based), found without splitting the whole file.
    public func line(_ number: Int) -> Substring? {
        guard number >= 1 else { return nil }
        let utf8 = text.utf8
        // Native text is searched with memchr: every model found on a command line looks its line up.
        if let found = utf8.withContiguousStorageIfAvailable({ ManifestFile.lineBounds(number, in: $0) }) {
            guard let (start, end) = found else { return nil }
            return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
        }
        return lineByIndex(number)
    }

    /// The byte offsets of a line (1-based, without its newline) in contiguous text.
    static func lineBounds(_ number: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (start: Int, end: Int)? {
        guard let base = bytes.baseAddress else { return number == 1 ? (0, 0) : nil }
        func newline(from start: Int) -> Int? {
            memchr(base + start, 0x0A, bytes.count - start).map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) }
        }
        var start = 0
        for _ in 1..<number {
            guard let found = newline(from: start) else { return nil }
            start = found + 1
        }
        return (start, newline(from: start) ?? bytes.count)
    }

    /// `line` walking the text's indices, for text that is not contiguous.
    func lineByIndex(_ number: Int) -> Substring? {
        guard number >= 1 else { return nil }
        let utf8 = text.utf8
        var start = utf8.startIndex
        var current = 1
        while current < number {
            guard let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            start = utf8.index(after: newline)
            current += 1
        }
        let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
        return Substring(utf8[start..<end])
    }

    public init(path: String, absolutePath: String, text: String) {
        self.path = path
        self.absolutePath = absolutePath
        self.text = text
    }

    /// The last path component; scanners ask for it often, so it is found from the end, not by splitting the path.
    public var name: String {
        let utf8 = path.utf8
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: "/") { end = utf8.index(before: end) }
        guard let slash = utf8[..<end].lastIndex(of: UInt8(ascii: "/")) else { return String(path[..<end]) }
        return String(path[utf8.index(after: slash)..<end])
    }

    public func location(_ located: Located) -> SourceLocation {
        SourceLocation(file: located.file ?? path, line: located.line, column: located.column)
    }

    public func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: path, line: mark.line, column: mark.column)
    }

    /// Finds a token written inside a larger string (a shell command, a block scalar) at or after a line,
    /// so the evidence points at the token itself.
    public func find(_ token: String, from line: Int, fallback: Located) -> Located {
        guard !token.isEmpty, line >= 1 else { return fallback }
        let lines = self.lines
        let last = min(lines.count, line + 400)
        var index = line
        while index <= last {
            let text = lines[index - 1]
            if let range = text.range(of: token) {
                let column = text.utf8.distance(from: text.startIndex, to: range.lowerBound) + 1
                return Located(token, line: index, column: column, file: path)
            }
            index += 1
        }
        return Located(token, line: fallback.line, column: fallback.column, file: fallback.file)
    }
}

/// Limits that keep hostile or huge input from hurting a scan; each breach is a diagnostic.
public struct ScanLimits: Sendable {
    public var maxFileBytes: Int
    public var yaml: YAMLLimits

    public init(maxFileBytes: Int = 8 * 1024 * 1024, yaml: YAMLLimits = YAMLLimits()) {
        self.maxFileBytes = maxFileBytes
        self.yaml = yaml
    }
}

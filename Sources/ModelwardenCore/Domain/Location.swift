/// Where something was found: a file (relative to the scanned folder) and a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A problem with an input file or a policy file, with its location.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `error` fails the run (exit 2); `warning` and `info` (a template not rendered) do not.
    public enum Level: String, Sendable, Codable { case error, warning, info }

    public var location: SourceLocation
    public var level: Level
    public var message: String

    public init(_ location: SourceLocation, _ message: String, level: Level = .error) {
        self.location = location
        self.level = level
        self.message = message
    }

    public var description: String { "\(location): \(level.rawValue): \(message)" }
}

import Foundation

/// A gitignore-style glob relative to a folder: a line of a `.gitignore`, or an `ignore:` entry of a
/// repository configuration (whose folder is the configuration's).
public struct IgnorePattern: Sendable, Hashable {
    /// The absolute folder the pattern is relative to.
    public var base: String
    /// The glob, with gitignore(5) semantics: `*`, `?`, `[a-z]`, `**`, a leading `/` anchors, a trailing `/` only
    /// matches folders, a leading `!` re-includes.
    public var pattern: String

    public init(base: String, pattern: String) {
        self.base = base
        self.pattern = pattern
    }
}

/// One compiled gitignore line. Matching works on path components, so `*` never crosses a `/`.
struct IgnoreRule: Sendable {
    /// Where the rule was written, for "why was this skipped" (`.gitignore:3`).
    let source: String
    /// The line as written, trimmed.
    let text: String
    /// The components of the folder the rule is relative to.
    let base: [String]
    /// `!pattern`: a match re-includes the path.
    let negated: Bool
    /// `pattern/`: only folders match.
    let directoryOnly: Bool
    /// A pattern with a `/` before its end is relative to its folder; without one it matches a name at any depth.
    let anchored: Bool
    let segments: [[UInt8]]

    /// Compiles one line; nil for blank lines and comments.
    init?(line: String, base: String, source: String) {
        var text = line.hasSuffix("\r") ? String(line.dropLast()) : line
        text = IgnoreRule.trimmingUnescapedTrailingSpaces(text)
        guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
        self.text = text
        var body = Substring(text)
        negated = body.hasPrefix("!")
        if negated { body = body.dropFirst() }
        // `\#` and `\!` start a pattern with a literal `#` or `!`; the glob matcher reads the escape.
        directoryOnly = body.hasSuffix("/")
        while body.hasSuffix("/") { body = body.dropLast() }
        guard !body.isEmpty else { return nil }
        anchored = body.contains("/")
        while body.hasPrefix("/") { body = body.dropFirst() }
        segments = body.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
        guard !segments.isEmpty else { return nil }
        self.base = IgnoreRule.components(base)
        self.source = source
    }

    /// Every non-comment line of an ignore file.
    static func rules(in text: String, base: String, source: String) -> [IgnoreRule] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            IgnoreRule(line: String(line), base: base, source: "\(source):\(index + 1)")
        }
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    private static func trimmingUnescapedTrailingSpaces(_ line: String) -> String {
        var scalars = Array(line.unicodeScalars)
        while let last = scalars.last, last == " " || last == "\t" {
            if scalars.count >= 2, scalars[scalars.count - 2] == "\\" { break }
            scalars.removeLast()
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Whether the rule matches a path, given as absolute components; paths outside the rule's folder never match.
    func matches(_ path: [String], isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        guard path.count > base.count, path.starts(with: base) else { return false }
        // An unanchored pattern reads only the last component: the walk asks every rule about every file.
        if !anchored { return Glob.matchesSegment(segments[0], Array(path[path.count - 1].utf8)) }
        let relative = path[base.count...].map { Array($0.utf8) }
        return Glob.matchesPath(segments[...], relative[...])
    }
}

/// fnmatch for one path component, and `**` across components.
enum Glob {
    static let star = UInt8(ascii: "*"), question = UInt8(ascii: "?"), open = UInt8(ascii: "["), close = UInt8(ascii: "]")
    static let backslash = UInt8(ascii: "\\"), bang = UInt8(ascii: "!"), caret = UInt8(ascii: "^"), dash = UInt8(ascii: "-")
    static let doubleStar: [UInt8] = [star, star]

    /// Pattern segments against path components; a `**` segment matches zero or more components, except at the
    /// end where it matches one or more (`logs/**` is what is inside `logs`, not `logs` itself).
    static func matchesPath(_ pattern: ArraySlice<[UInt8]>, _ path: ArraySlice<[UInt8]>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == doubleStar {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return !path.isEmpty }
            var remaining = path
            while true {
                if matchesPath(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let component = path.first, matchesSegment(first, component) else { return false }
        return matchesPath(pattern.dropFirst(), path.dropFirst())
    }

    /// `*`, `?`, `[...]` and `\x` within one component.
    static func matchesSegment(_ pattern: [UInt8], _ name: [UInt8]) -> Bool {
        var p = 0, n = 0
        // The position after the last `*` and the name position it was tried at: backtrack there on a mismatch.
        var starP = -1, starN = 0
        while n < name.count {
            if p < pattern.count {
                switch pattern[p] {
                case star:
                    while p < pattern.count && pattern[p] == star { p += 1 }
                    starP = p
                    starN = n
                    continue
                case question:
                    p += 1
                    n += 1
                    continue
                case open:
                    if let (matched, next) = matchClass(pattern, from: p, name[n]) {
                        if matched {
                            p = next
                            n += 1
                            continue
                        }
                    } else if name[n] == open {
                        // An unterminated `[` is a literal.
                        p += 1
                        n += 1
                        continue
                    }
                default:
                    var literal = pattern[p], width = 1
                    if literal == backslash, p + 1 < pattern.count {
                        literal = pattern[p + 1]
                        width = 2
                    }
                    if literal == name[n] {
                        p += width
                        n += 1
                        continue
                    }
                }
            }
            guard starP >= 0 else { return false }
            starN += 1
            n = starN
            p = starP
        }
        while p < pattern.count && pattern[p] == star { p += 1 }
        return p == pattern.count
    }

    /// A bracket expression at `start`: whether `byte` is in it and the index after `]`; nil when it is not closed.
    private static func matchClass(_ pattern: [UInt8], from start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.count, pattern[index] == bang || pattern[index] == caret {
            negate = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.count {
            var low = pattern[index]
            if low == close && !first { return (matched != negate, index + 1) }
            first = false
            if low == backslash, index + 1 < pattern.count {
                index += 1
                low = pattern[index]
            }
            var high = low
            if index + 2 < pattern.count, pattern[index + 1] == dash, pattern[index + 2] != close {
                high = pattern[index + 2]
                index += 2
            }
            if low <= byte && byte <= high { matched = true }
            index += 1
        }
        return nil
    }
}

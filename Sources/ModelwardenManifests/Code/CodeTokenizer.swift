/// The languages whose string literals the code reader looks at, grouped by how they write strings and comments.
public enum CodeLanguage: Sendable {
    /// `#` comments, `'`/`"` strings with prefixes (`r`, `f`, `b`), triple-quoted strings (docstrings, prose).
    case python
    /// `//` and `/* */` comments; `'`, `"` and backquoted strings (JavaScript and TypeScript template
    /// literals, Go raw strings), Java text blocks; JavaScript regular-expression literals.
    case cFamily

    /// The language of a file name, if the code reader reads it. Asked several times for every file (its scanner,
    /// its role), so an ASCII name is read on its bytes: only the extension after the last dot is lowered.
    public static func of(fileName name: String) -> CodeLanguage? {
        let answer = name.utf8.withContiguousStorageIfAvailable { bytes -> CodeLanguage?? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")) else { return .some(nil) }
            let suffix = bytes[(dot + 1)...]
            guard suffix.count <= 4 else { return .some(nil) }
            // ASCII lowering changes only A-Z.
            var ext = ""
            for byte in suffix { ext.unicodeScalars.append(Unicode.Scalar(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)) }
            return .some(language(ofExtension: ext))
        }
        if let answer = answer ?? nil { return answer }
        return ofLowering(fileName: name)
    }

    static func language(ofExtension ext: String) -> CodeLanguage? {
        switch ext {
        case "py": return .python
        case "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "go", "java": return .cFamily
        default: return nil
        }
    }

    /// `of(fileName:)` for any name: the whole name lowered, then the text after its last dot.
    static func ofLowering(fileName name: String) -> CodeLanguage? {
        let lower = name.lowercased()
        guard let dot = lower.lastIndex(of: ".") else { return nil }
        switch lower[lower.index(after: dot)...] {
        case "py": return .python
        case "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "go", "java": return .cFamily
        default: return nil
        }
    }
}

/// One token of source code: what the model-context reader needs and nothing more.
struct CodeToken: Equatable {
    enum Kind: Equatable {
        /// A string literal's content; `prose` for triple-quoted and text-block strings, `interpolated` when it holds
        /// `${...}` or an f-string field: neither is a model id as written.
        case string(String, prose: Bool, interpolated: Bool)
        case identifier(String)
        /// Punctuation and operators, as written (`(`, `=`, `==`, `??`, `:=`, `=>`).
        case symbol(String)
        /// A line break outside brackets ends a Python statement.
        case newline
        case number
    }

    var kind: Kind
    /// 1-based line and column (in characters) of the token; for strings, of the first character inside the quote.
    var line: Int
    var column: Int
    /// Python: the indentation of the line the token starts.
    var indent: Int = 0

    var identifier: String? { if case .identifier(let name) = kind { return name } else { return nil } }
    var symbol: String? { if case .symbol(let text) = kind { return text } else { return nil } }
}

/// Splits source text into tokens, skipping comments; knows each language family's strings.
struct CodeTokenizer {
    let language: CodeLanguage
    /// Unicode scalars rather than Characters: grapheme breaking would cost more than the whole scan.
    private let chars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    private var lineIndent = 0
    private var atLineStart = true

    init(_ text: String, language: CodeLanguage) {
        self.language = language
        self.chars = Array(text.unicodeScalars)
    }

    /// Multi-character operators, longest first, so `??` and `:=` stay one token.
    private static let operators = ["...", "===", "!==", "**=", "??=", "==", "!=", "<=", ">=", "=>", "->", "::", ":=", "??", "||", "&&", "?.", "+=", "-=", "|=", "**"]
        .map { Array($0.unicodeScalars) }
    /// The characters an operator above starts with: any other symbol is one character.
    private static let operatorStarts = Set(operators.map { $0[0] })

    mutating func tokens() -> [CodeToken] {
        var result: [CodeToken] = []
        while index < chars.count {
            let c = chars[index]
            if c == "\n" {
                result.append(CodeToken(kind: .newline, line: line, column: column, indent: lineIndent))
                advance()
                continue
            }
            if c == " " || c == "\t" || c == "\r" {
                if atLineStart { lineIndent += 1 }
                advance()
                continue
            }
            atLineStart = false
            if skipComment() { continue }
            if let token = string(previous: result.last) {
                result.append(token)
                continue
            }
            let start = (line, column)
            if c.isLetterLike || c == "_" || c == "$" {
                var name = ""
                while index < chars.count, chars[index].isLetterLike || chars[index].isDigit || chars[index] == "_" || chars[index] == "$" {
                    name.unicodeScalars.append(chars[index])
                    advance()
                }
                result.append(CodeToken(kind: .identifier(name), line: start.0, column: start.1, indent: lineIndent))
                continue
            }
            if c.isDigit {
                while index < chars.count, chars[index].isDigit || chars[index].isLetterLike || chars[index] == "." || chars[index] == "_" { advance() }
                result.append(CodeToken(kind: .number, line: start.0, column: start.1, indent: lineIndent))
                continue
            }
            let op = CodeTokenizer.operatorStarts.contains(c) ? CodeTokenizer.operators.first { matches($0) } ?? [c] : [c]
            for _ in 0..<op.count { advance() }
            result.append(CodeToken(kind: .symbol(String(String.UnicodeScalarView(op))), line: start.0, column: start.1, indent: lineIndent))
        }
        return result
    }

    private func matches(_ text: String) -> Bool {
        matches(Array(text.unicodeScalars))
    }

    private func matches(_ scalars: [Unicode.Scalar]) -> Bool {
        guard index + scalars.count <= chars.count else { return false }
        for offset in scalars.indices where chars[index + offset] != scalars[offset] { return false }
        return true
    }

    private mutating func advance() {
        guard index < chars.count else { return }
        if chars[index] == "\n" {
            line += 1
            column = 1
            lineIndent = 0
            atLineStart = true
        } else {
            column += 1
        }
        index += 1
    }

    /// Skips a comment at the cursor; comments never hold a usage.
    private mutating func skipComment() -> Bool {
        switch language {
        case .python:
            guard chars[index] == "#" else { return false }
            while index < chars.count, chars[index] != "\n" { advance() }
            return true
        case .cFamily:
            guard chars[index] == "/" else { return false }
            if matches("//") {
                while index < chars.count, chars[index] != "\n" { advance() }
                return true
            }
            if matches("/*") {
                advance(); advance()
                while index < chars.count, !(chars[index] == "*" && matches("*/")) { advance() }
                advance(); advance()
                return true
            }
            return false
        }
    }

    /// A string literal at the cursor, or nil.
    private mutating func string(previous: CodeToken?) -> CodeToken? {
        switch language {
        case .python: return pythonString()
        case .cFamily:
            if chars[index] == "/", startsRegularExpression(after: previous) {
                skipRegularExpression()
                return CodeToken(kind: .string("", prose: true, interpolated: false), line: line, column: column, indent: lineIndent)
            }
            return cFamilyString()
        }
    }

    private mutating func pythonString() -> CodeToken? {
        // Prefixes: r, b, u, f and their pairs, in either case.
        var prefixLength = 0
        while prefixLength < 2, index + prefixLength < chars.count, "rRbBuUfF".unicodeScalars.contains(chars[index + prefixLength]) { prefixLength += 1 }
        guard index + prefixLength < chars.count, chars[index + prefixLength] == "\"" || chars[index + prefixLength] == "'" else { return nil }
        if prefixLength > 0, index > 0, chars[index - 1].isLetterLike || chars[index - 1].isDigit || chars[index - 1] == "_" { return nil }
        let prefix = String(String.UnicodeScalarView(chars[index..<index + prefixLength])).lowercased()
        for _ in 0..<prefixLength { advance() }
        let quote = chars[index]
        let triple = matches(String(repeating: Character(quote), count: 3))
        let raw = prefix.contains("r")
        return readString(quote: quote, triple: triple, escapes: !raw, interpolation: prefix.contains("f") ? "{" : nil, multiline: triple)
    }

    private mutating func cFamilyString() -> CodeToken? {
        let c = chars[index]
        if chars[index] == "\"", matches("\"\"\"") { return readString(quote: "\"", triple: true, escapes: true, interpolation: nil, multiline: true) }
        guard c == "\"" || c == "'" || c == "`" else { return nil }
        return readString(quote: c, triple: false, escapes: true, interpolation: c == "`" ? "${" : nil, multiline: c == "`")
    }

    /// Reads a literal from its opening quote; the token's position is the first character inside it.
    private mutating func readString(quote: Unicode.Scalar, triple: Bool, escapes: Bool, interpolation: String?, multiline: Bool) -> CodeToken {
        let quoteLength = triple ? 3 : 1
        for _ in 0..<quoteLength { advance() }
        let start = (line, column, lineIndent)
        var scalars = String.UnicodeScalarView()
        let closing = Array(repeating: quote, count: quoteLength)
        while index < chars.count {
            if escapes && chars[index] == "\\" && index + 1 < chars.count {
                scalars.append(chars[index + 1])
                advance(); advance()
                continue
            }
            if chars[index] == quote && matches(closing) {
                for _ in 0..<quoteLength { advance() }
                break
            }
            // An unterminated single-line string ends at the line break (and so does the damage).
            if chars[index] == "\n" && !multiline { break }
            scalars.append(chars[index])
            advance()
        }
        let text = String(scalars)
        let interpolated = interpolation.map { text.contains($0) } ?? false
        return CodeToken(kind: .string(text, prose: triple, interpolated: interpolated), line: start.0, column: start.1, indent: start.2)
    }

    /// JavaScript: a `/` where an operand is expected starts a regular expression, not a division.
    private func startsRegularExpression(after previous: CodeToken?) -> Bool {
        guard let previous else { return true }
        switch previous.kind {
        case .symbol(let op): return op != ")" && op != "]" && op != "}"
        case .identifier(let word): return ["return", "typeof", "case", "in", "of", "delete", "void", "throw", "new"].contains(word)
        default: return false
        }
    }

    private mutating func skipRegularExpression() {
        advance()
        var inClass = false
        while index < chars.count, chars[index] != "\n" {
            let c = chars[index]
            if c == "\\" { advance(); advance(); continue }
            if c == "[" { inClass = true } else if c == "]" { inClass = false } else if c == "/" && !inClass { advance(); break }
            advance()
        }
        while index < chars.count, chars[index].isLetterLike { advance() }
    }
}

extension Unicode.Scalar {
    var isLetterLike: Bool { properties.isAlphabetic }
    var isDigit: Bool { ("0"..."9").contains(self) }
}

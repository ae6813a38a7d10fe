import ModelwardenCore

/// Logical lines of shell-like text (Dockerfiles, scripts): `\` continuations joined, comments and blank lines
/// dropped. Each logical line keeps where it starts, so tokens are found again on their physical line.
struct ShellText {
    struct Line {
        /// The physical lines joined with a space; continuation backslashes removed.
        var text: String
        /// 1-based physical line where the logical line starts.
        var line: Int
        /// 1-based column of the first non-blank character.
        var column: Int
    }

    static func logicalLines(of file: ManifestFile) -> [Line] {
        var result: [Line] = []
        var pending: Line?
        for (index, raw) in file.lines.enumerated() {
            var physical = String(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            let trimmed = physical.drop { $0 == " " || $0 == "\t" }
            // A comment line inside a continued instruction does not end it (Docker skips it).
            if trimmed.hasPrefix("#") { continue }
            let column = physical.utf8.count - trimmed.utf8.count + 1
            let continues = physical.hasSuffix("\\")
            if continues { physical.removeLast() }
            if var open = pending {
                open.text += " " + physical
                pending = open
            } else if !trimmed.isEmpty {
                pending = Line(text: String(physical.drop { $0 == " " || $0 == "\t" }), line: index + 1, column: column)
            }
            if !continues, let done = pending {
                result.append(done)
                pending = nil
            }
        }
        if let done = pending { result.append(done) }
        return result
    }

    /// `NAME=value` (optionally after `export`), the value unquoted, with its position; nil for other lines.
    static func assignment(_ line: Line, file: ManifestFile) -> EnvVar? {
        var text = Substring(line.text)
        var offset = 0
        if text.hasPrefix("export ") {
            text = text.dropFirst(7)
            offset = 7
            while text.first == " " { text = text.dropFirst(); offset += 1 }
        }
        guard let eq = text.firstIndex(of: "="), eq > text.startIndex else { return nil }
        let name = String(text[..<eq])
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(name.first?.isNumber ?? true) else { return nil }
        var value = text[text.index(after: eq)...]
        var valueOffset = offset + name.utf8.count + 1
        if let quote = value.first, quote == "\"" || quote == "'" {
            value = value.dropFirst()
            valueOffset += 1
            if let end = value.firstIndex(of: quote) { value = value[..<end] }
        } else if let space = value.firstIndex(of: " ") {
            value = value[..<space]
        }
        let nameLocation = Located(name, line: line.line, column: line.column + offset, file: file.path)
        guard !value.isEmpty else { return EnvVar(name: name, nameLocation: nameLocation, value: nil) }
        let located = Located(String(value), line: line.line, column: line.column + valueOffset, file: file.path)
        return EnvVar(name: name, nameLocation: nameLocation, value: located)
    }

    /// Whether a command line starts or feeds a model server (or pulls weights for one).
    static func launchesModel(_ text: String) -> Bool {
        let lower = text.lowercased()
        return RuntimeDetector.commandHints.contains { lower.includes($0.needle) } || downloadsWeights(lower)
    }

    /// `huggingface-cli download X`, `hf download X`.
    static func downloadsWeights(_ lower: String) -> Bool {
        lower.includes("huggingface-cli download") || lower.includes("hf download ")
    }

    /// Words of a command line as a POSIX shell splits them: blanks separate, quotes group, `\` escapes.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped { current.append(character); escaped = false; continue }
            if let open = quote {
                if character == open { quote = nil } else if character == "\\" && open == "\"" { escaped = true } else { current.append(character) }
                continue
            }
            switch character {
            case "\\": escaped = true; inWord = true
            case "\"", "'": quote = character; inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(character); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

/// JSON with comments (VS Code's JSONC: `devcontainer.json`, `.vscode/*.json`, editor and MCP client configs)
/// and JSON5's basics, turned into text the YAML parser reads, with every value at its original line and column:
/// comments become spaces (newlines kept), trailing commas become spaces, and `\'` inside a single-quoted string
/// becomes YAML's `''`. Strings are copied as they are, so `"https://host/v1"` keeps its `//`.
public enum JSONWithComments {
    public static func isJSONFileName(_ lowercasedName: String) -> Bool {
        lowercasedName.hasSuffix(".json") || lowercasedName.hasSuffix(".jsonc") || lowercasedName.hasSuffix(".json5")
    }

    /// Whether the text can hold anything to rewrite; most JSON files have no comment and no trailing comma.
    public static func needsNormalising(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: "/")) || text.utf8.contains(UInt8(ascii: "'")) || text.utf8.contains(UInt8(ascii: ","))
    }

    private enum State { case code, doubleQuoted, singleQuoted, lineComment, blockComment }

    /// The same text with comments and trailing commas blanked; it has the same lines, and every character
    /// outside a comment keeps its column (columns count characters, as libyaml's marks do).
    public static func normalised(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var commas: [Int] = []
        var state = State.code
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch state {
            case .code:
                switch scalar {
                case "\"": state = .doubleQuoted
                case "'": state = .singleQuoted
                case ",": commas.append(index)
                case "/" where next == "/":
                    state = .lineComment
                    scalars[index] = " "
                case "/" where next == "*":
                    state = .blockComment
                    scalars[index] = " "
                    scalars[index + 1] = " "
                    index += 1
                default: break
                }
            case .doubleQuoted:
                if scalar == "\\" { index += 1 } else if scalar == "\"" || scalar == "\n" { state = .code }
            case .singleQuoted:
                if scalar == "\\" && next == "'" { scalars[index] = "'"; index += 1 }
                else if scalar == "\\" { index += 1 }
                else if scalar == "'" || scalar == "\n" { state = .code }
            case .lineComment:
                if scalar == "\n" { state = .code } else if scalar != "\r" { scalars[index] = " " }
            case .blockComment:
                if scalar == "*" && next == "/" { scalars[index] = " "; scalars[index + 1] = " "; index += 1; state = .code }
                else if scalar != "\n" && scalar != "\r" { scalars[index] = " " }
            }
            index += 1
        }
        blankTrailingCommas(commas, in: &scalars)
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// A comma followed (after blanks, comments already gone) by `}` or `]` is a trailing comma.
    private static func blankTrailingCommas(_ commas: [Int], in scalars: inout [Unicode.Scalar]) {
        for comma in commas {
            var index = comma + 1
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\n" || scalars[index] == "\r" || scalars[index] == "\t" {
                index += 1
            }
            if index < scalars.count, scalars[index] == "}" || scalars[index] == "]" { scalars[comma] = " " }
        }
    }
}

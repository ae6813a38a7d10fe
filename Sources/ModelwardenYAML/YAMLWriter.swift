/// Writes a node back as block-style YAML, for showing parsed snippets to people (rule documentation).
/// Scalars keep their quoting when they were quoted, or when plain text would read as something else.
public enum YAMLWriter {
    public static func write(_ node: YAMLNode) -> String {
        var lines: [String] = []
        emit(node, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func emit(_ node: YAMLNode, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        switch node.content {
        case .scalar:
            lines.append(pad + inline(node))
        case .sequence(let items):
            for item in items {
                if isCollection(item) && !isEmptyCollection(item) {
                    var nested: [String] = []
                    emit(item, indent: indent + 2, into: &nested)
                    // The first line of a nested block sits after the dash.
                    lines.append(pad + "- " + nested[0].dropFirst(indent + 2))
                    lines += nested.dropFirst()
                } else {
                    lines.append(pad + "- " + inline(item))
                }
            }
        case .mapping(let pairs):
            for pair in pairs {
                let key = inline(pair.key)
                if isCollection(pair.value) && !isEmptyCollection(pair.value) {
                    lines.append(pad + key + ":")
                    // Block sequences under a key are indented too, which reads more easily.
                    emit(pair.value, indent: indent + 2, into: &lines)
                } else {
                    lines.append(pad + key + ": " + inline(pair.value))
                }
            }
        }
    }

    private static func isCollection(_ node: YAMLNode) -> Bool {
        node.sequence != nil || node.pairs != nil
    }

    private static func isEmptyCollection(_ node: YAMLNode) -> Bool {
        node.sequence?.isEmpty == true || node.pairs?.isEmpty == true
    }

    /// A scalar, or an empty collection, on one line.
    private static func inline(_ node: YAMLNode) -> String {
        switch node.content {
        case .sequence: return "[]"
        case .mapping: return "{}"
        case .scalar(let text, let style):
            switch style {
            case .singleQuoted, .doubleQuoted: return quoted(text)
            case .plain, .literal, .folded: return isSafePlain(text) && !text.contains("\n") ? text : quoted(text)
            }
        }
    }

    private static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.first, !"!&*-?{}[],#|>@`\"'%:".contains(first), !text.hasSuffix(" "), !text.hasSuffix(":") else {
            return text.isEmpty ? false : (text.first == "-" && text.count > 1 && text.dropFirst().allSatisfy(\.isNumber))
        }
        return !text.contains(": ") && !text.contains(" #")
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}

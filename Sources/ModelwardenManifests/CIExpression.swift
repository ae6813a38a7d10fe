import Foundation
import ModelwardenCore

/// CI expressions that fall back to a literal: `${{ inputs.model || 'gemini-2.5-flash' }}`. The literal is the model
/// in use unless the input is given; the expression stays the usage's evidence.
enum CIExpression {
    static let fallback = try! NSRegularExpression(pattern: #"^\s*\$\{\{[^}]*\|\|\s*['"]([^'"]+)['"]\s*\}\}\s*$"#)

    /// The literal a whole-value expression falls back to.
    static func fallbackLiteral(_ text: String) -> String? {
        guard text.includes("${{"), let match = fallback.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    /// Where the fallback literal is written, for an expression located at its start.
    static func literalLocation(_ value: Located) -> Located? {
        guard let literal = fallbackLiteral(value.text), let range = value.text.range(of: literal, options: .backwards) else { return nil }
        let offset = value.text.utf8.distance(from: value.text.startIndex, to: range.lowerBound)
        return Located(literal, line: value.line, column: value.column + offset, file: value.file)
    }
}

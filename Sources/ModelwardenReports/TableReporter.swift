/// Rows read back from the store (inventory, findings, history), in text, JSON or CSV.
public struct ReportTable: Sendable {
    public var columns: [String]
    public var rows: [[JSONValue]]

    public init(columns: [String], rows: [[JSONValue]]) {
        self.columns = columns
        self.rows = rows
    }

    public enum Format: String, CaseIterable, Sendable { case text, json, csv }

    public func render(_ format: Format) -> String {
        switch format {
        case .json:
            return JSONValue.array(rows.map { row in .object(Array(zip(columns, row))) }).serialized() + "\n"
        case .csv:
            return ([columns] + rows.map { $0.map(ReportTable.plain) }).map { $0.map(ReportTable.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        case .text:
            let cells = [columns] + rows.map { $0.map(ReportTable.plain) }
            let widths = columns.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
            return cells.map { row in
                row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
                }.joined(separator: "  ")
            }.joined(separator: "\n") + "\n"
        }
    }

    static func plain(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        default: return value.serialized(indent: nil)
        }
    }

    /// RFC 4180: quote fields with commas, quotes or line breaks; a leading `=`, `+`, `-` or `@` is prefixed so
    /// spreadsheets do not run it as a formula.
    static func csvField(_ text: String) -> String {
        // Byte checks: this runs for every field of reports with millions of rows.
        let utf8 = text.utf8
        guard let first = utf8.first else { return text }
        let formula = first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@")
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if !formula && !needsQuotes { return text }
        let field = formula ? "'" + text : text
        guard needsQuotes else { return field }
        return "\"" + field.replacingAll("\"", "\"\"") + "\""
    }
}

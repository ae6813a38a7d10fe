import ArgumentParser
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct Inventory: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The models in use, as the last scan recorded them.")

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "text, json or csv.")
        var format: ReportTable.Format = .text

        func run() throws {
            let rows = try database.open().inventory()
            let table = ReportTable(
                columns: ["deployment", "model", "vendor", "family", "license", "hosting", "runtime", "api", "file", "line", "first_seen", "last_seen"],
                rows: rows.map { row in
                    [.string(row.deployment), .optional(row.model), .string(row.vendor), .string(row.family), .string(row.license),
                     .string(row.hosting), .optional(row.runtime), .optional(row.api), .string(row.file), .int(row.line),
                     .string(row.firstSeen), .string(row.lastSeen)]
                })
            print(table.render(format), terminator: "")
        }
    }
}

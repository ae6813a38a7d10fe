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
            let table = ReportTable.inventory(rows)
            print(table.render(format), terminator: "")
        }
    }
}

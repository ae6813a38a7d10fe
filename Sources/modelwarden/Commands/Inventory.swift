import ArgumentParser
import Logging
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct Inventory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "inventory", abstract: "The models in use, as the last scan of each source recorded them.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var sources: SourceFilterOptions

        @Option(name: .long, help: "text, json or csv.")
        var format: ReportTable.Format = .text

        func run() async throws {
            let rows = try await database.withStore(logger: Logger(label: "modelwarden")) { store in try await store.inventory(sources: sources.selection) }
            let table = ReportTable.inventory(rows)
            print(table.render(format), terminator: "")
        }
    }
}

import ArgumentParser
import Logging
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct Inventory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The models in use, as the last scan of each source recorded them.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var sources: SourceFilterOptions
        @OptionGroup var stale: StaleOptions

        @Option(name: .long, help: "text, json or csv.")
        var format: ReportTable.Format = .text

        func run() async throws {
            let selection = sources.selection, staleAfter = stale.staleAfter
            let (rows, staleSources) = try await database.withStore(logger: Logger(label: "modelwarden")) { store -> ([InventoryRow], Set<String>?) in
                let rows = try await store.inventory(sources: selection)
                guard let staleAfter else { return (rows, nil) }
                return (rows, Staleness(days: staleAfter).staleSources(try await store.sources()))
            }
            let table = ReportTable.inventory(rows, staleSources: staleSources)
            print(table.render(format), terminator: "")
        }
    }
}

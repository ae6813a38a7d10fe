import ArgumentParser
import Logging
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct Inventory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inventory",
            abstract: "The models in use (or, with --kind tools, the MCP servers agents are given), as the last scan of each source recorded them.")

        enum Kind: String, ExpressibleByArgument, CaseIterable { case models, tools }

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var sources: SourceFilterOptions
        @OptionGroup var stale: StaleOptions

        @Option(name: .long, help: "models (model usages) or tools (MCP servers).")
        var kind: Kind = .models

        @Option(name: .long, help: "text, json or csv.")
        var format: ReportTable.Format = .text

        func run() async throws {
            let selection = sources.selection, staleAfter = stale.staleAfter
            let kind = self.kind
            let table = try await database.withStore(logger: Logger(label: "modelwarden")) { store in
                switch kind {
                case .models:
                    let rows = try await store.inventory(sources: selection)
                    var staleSources: Set<String>?
                    if let staleAfter { staleSources = Staleness(days: staleAfter).staleSources(try await store.sources()) }
                    return ReportTable.inventory(rows, staleSources: staleSources)
                case .tools:
                    return ReportTable.tools(try await store.tools(sources: selection))
                }
            }
            print(table.render(format), terminator: "")
        }
    }
}

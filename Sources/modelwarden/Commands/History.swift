import ArgumentParser
import Logging
import ModelwardenCore
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "What changed, scan by scan: usages that appeared, disappeared or changed model; findings opened, resolved, waived.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var sources: SourceFilterOptions

        @Option(name: .long, help: "Only events about this model (a substring).")
        var model: String?

        @Option(name: .long, help: "Only events about this deployment (a substring: 'support/chatbot').")
        var deployment: String?

        @Option(name: .long, help: "Only events since this date (YYYY-MM-DD).")
        var since: String?

        @Option(name: .long, help: "text, json or csv.")
        var format: ReportTable.Format = .text

        func validate() throws {
            if let since, PolicyDate(since) == nil { throw ValidationError("--since takes a date: YYYY-MM-DD.") }
        }

        func run() async throws {
            let rows = try await database.withStore(logger: Logger(label: "modelwarden")) { store in try await store.history(model: model, deployment: deployment, since: since, sources: sources.selection) }
            let table = ReportTable.history(rows)
            print(table.render(format), terminator: "")
        }
    }
}

import ArgumentParser
import Logging
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct Findings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "findings", abstract: "Findings recorded by scans, open, resolved or waived.")

        enum Status: String, ExpressibleByArgument, CaseIterable { case open, resolved, waived }

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var sources: SourceFilterOptions

        @Option(name: .long, help: "open, resolved or waived (default: all).")
        var status: Status?

        @Option(name: .long, help: "text, json or csv.")
        var format: ReportTable.Format = .text

        func run() async throws {
            let rows = try await database.withStore(logger: Logger(label: "modelwarden")) { store in try await store.findings(status: status?.rawValue, sources: sources.selection) }
            let table = ReportTable.findings(rows)
            print(table.render(format), terminator: "")
        }
    }
}

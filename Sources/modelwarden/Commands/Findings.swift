import ArgumentParser
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct Findings: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Findings recorded by scans, open, resolved or waived.")

        enum Status: String, ExpressibleByArgument, CaseIterable { case open, resolved, waived }

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "open, resolved or waived (default: all).")
        var status: Status?

        @Option(name: .long, help: "text, json or csv.")
        var format: ReportTable.Format = .text

        func run() throws {
            let rows = try database.open().findings(status: status?.rawValue)
            let table = ReportTable.findings(rows)
            print(table.render(format), terminator: "")
        }
    }
}

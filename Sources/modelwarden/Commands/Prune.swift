import ArgumentParser
import Foundation
import Logging
import ModelwardenReports
import ModelwardenStore

extension Modelwarden {
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Delete scans and their events older than --keep-days, except the latest scan of each source.",
            discussion: """
                One transaction on SQLite or PostgreSQL. Usages that disappeared, findings that were resolved, and \
                deployments and files that went away before the cutoff are deleted with the scans that last saw them; \
                what is in use now is never touched. Each run is recorded in the store (prune_run).
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: ArgumentHelp("Keep the scans of the last N days (at least 1).", valueName: "N"))
        var keepDays: Int

        @Option(name: .long, help: "text or json.")
        var format: OutputFormat = .text

        enum OutputFormat: String, ExpressibleByArgument {
            case text, json
        }

        func validate() throws {
            if keepDays < 1 { throw ValidationError("--keep-days takes a number of days, at least 1.") }
        }

        func run() async throws {
            let keepDays = self.keepDays
            let summary = try await database.withStore(logger: Logger(label: "modelwarden")) { store in try await store.prune(keepDays: keepDays, now: Date()) }
            switch format {
            case .text: print(text(summary), terminator: "")
            case .json: print(Self.json(summary).serialized())
            }
        }

        func text(_ summary: PruneSummary) -> String {
            var lines = ["pruned \(database.location): \(summary.scans) scans and \(summary.events) events that finished before \(summary.cutoff) (the latest scan of each source is kept)"]
            for source in summary.sources { lines.append("  \(source.source): \(source.scans) scans") }
            if summary.usages + summary.findings + summary.deployments + summary.files > 0 {
                lines.append("  gone before the cutoff, deleted with them: \(summary.usages) usages, \(summary.findings) resolved findings, \(summary.deployments) deployments, \(summary.files) files")
            }
            return lines.joined(separator: "\n") + "\n"
        }

        static func json(_ summary: PruneSummary) -> JSONValue {
            .object([
                ("cutoff", .string(summary.cutoff)), ("keep_days", .int(summary.keepDays)), ("scans", .int(summary.scans)),
                ("events", .int(summary.events)), ("usages", .int(summary.usages)), ("findings", .int(summary.findings)),
                ("deployments", .int(summary.deployments)), ("files", .int(summary.files)),
                ("sources", .array(summary.sources.map { .object([("source", .string($0.source)), ("scans", .int($0.scans))]) })),
            ])
        }
    }
}

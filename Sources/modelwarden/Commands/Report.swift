import ArgumentParser
import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports
import ModelwardenStore

extension ReportFormat: ExpressibleByArgument {}
extension ComplianceReport.Language: ExpressibleByArgument {}

/// Writes a report to a file or standard output in 64 KiB pieces, so a long report never sits whole in memory.
struct FileSink: ReportSink {
    let handle: FileHandle
    var buffer = ""

    init(handle: FileHandle) { self.handle = handle }

    mutating func write(_ text: String) throws {
        buffer += text
        if buffer.utf8.count >= 65_536 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer = ""
    }
}

extension Modelwarden {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Export a compliance report from the recorded history, or from a one-off scan of PATH...",
            discussion: "With PATH... and no --db, the report covers a scan made now, without history.")

        @Argument(help: "Files or folders to scan for a one-off report (without --db), or '-' for manifests on standard input.")
        var paths: [String] = []

        @OptionGroup var input: StandardInputOptions

        @OptionGroup var walk: WalkOptions

        @Option(name: .long, help: "The store with the history: a SQLite file (default: ./modelwarden.sqlite when no PATH is given) or a postgres:// URL.")
        var db: String?

        @OptionGroup var sources: SourceFilterOptions
        @OptionGroup var stale: StaleOptions

        @Option(name: .long, help: "Start of the period (YYYY-MM-DD).")
        var since: String?

        @Option(name: .long, help: "End of the period (YYYY-MM-DD).")
        var until: String?

        @Option(name: .long, help: "Format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        var format: ReportFormat

        @Option(name: .long, help: "Language of the human-facing text: en or ko.")
        var lang: ComplianceReport.Language = .en

        @Option(name: .long, help: "Write the report to this file instead of standard output.")
        var output: String?

        @OptionGroup var options: PolicyOptions

        func validate() throws {
            for (name, value) in [("--since", since), ("--until", until)] {
                if let value, PolicyDate(value) == nil { throw ValidationError("\(name) takes a date: YYYY-MM-DD.") }
            }
            if !paths.isEmpty && db != nil { throw ValidationError("Give either PATH... (a one-off scan) or --db (the history), not both.") }
            if !paths.isEmpty && stale.staleAfter != nil { throw ValidationError("--stale-after marks sources of a history (--db); a one-off scan has none.") }
            if !paths.isEmpty && !sources.sources.isEmpty { throw ValidationError("--source selects sources of a history (--db); a one-off scan has none.") }
            try input.validate(paths: paths)
        }

        func run() async throws {
            let logger = options.makeLogger()
            let policy = try options.loadPolicy(scanning: paths, logger: logger)
            let formatter = ISO8601DateFormatter()
            let builder = ReportBuilder(policy: policy, toolVersion: Modelwarden.version, generatedAt: formatter.string(from: Date()))
            let report: ComplianceReport
            if paths.isEmpty {
                let path = db ?? "modelwarden.sqlite"
                let isFile = (try? StoreLocation(path)).map { if case .sqlite = $0 { true } else { false } } ?? true
                guard !isFile || FileManager.default.fileExists(atPath: path) else {
                    printError("modelwarden: no history at \(path): record one with `modelwarden scan PATH... --db \(path)`, or report a one-off scan with `modelwarden report PATH...`")
                    throw ExitCode(2)
                }
                report = try await DatabaseOptions(db: path).withStore(logger: logger) { store in
                    try await builder.report(from: store, since: since, until: until, sources: sources.selection, staleAfterDays: stale.staleAfter)
                }
            } else {
                let auditor = Auditor(policy: policy, discovery: walk.discovery)
                let result = input.readsStandardInput(paths)
                    ? auditor.audit(stream: try input.readOrExit(limits: auditor.limits, nothingDone: "no report was written"))
                    : auditor.audit(paths: paths, logger: logger)
                report = builder.report(from: result)
            }
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                    printError("modelwarden: cannot write \(output)")
                    throw ExitCode(2)
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            var sink = FileSink(handle: handle)
            do {
                try format.writer.write(report, language: lang, to: &sink)
                try sink.flush()
            } catch {
                printError("modelwarden: cannot write the report: \(error)")
                throw ExitCode(2)
            }
        }
    }
}

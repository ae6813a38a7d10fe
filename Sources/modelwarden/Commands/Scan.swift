import ArgumentParser
import Foundation
import GRDB
import Logging
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports
import ModelwardenStore

extension ReportTable.Format: ExpressibleByArgument {}

/// `--db`, shared by the commands that use the store.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The store: a SQLite file (default: ./modelwarden.sqlite).")
    var db: String = "modelwarden.sqlite"

    init() {}

    init(db: String) { self.db = db }

    /// The store as messages name it.
    var location: String { db }

    /// Opens the store or exits 2 with the reason.
    func open() throws -> AuditDatabase {
        do {
            return try AuditDatabase.open(path: db)
        } catch {
            printError("modelwarden: \(error)")
            throw ExitCode(2)
        }
    }

    /// Runs `body` with the store open, or exits 2 with the reason it cannot be opened.
    func withStore<T>(logger: Logger, _ body: (any AuditStore) async throws -> T) async throws -> T {
        try await body(try open())
    }
}

/// `--source NAME` on the readers: which sources to show (all by default).
struct SourceFilterOptions: ParsableArguments {
    @Option(name: .customLong("source"), help: ArgumentHelp(
        "Only this source (repeatable; a glob such as 'ci-*' or 'web-01:*'). Default: every source.", valueName: "name"))
    var sources: [String] = []

    var selection: SourceSelection { SourceSelection(sources) }
}

extension Modelwarden {
    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan, evaluate and record in the store: usages and findings with their history, under a source.",
            discussion: """
                Each scan is one transaction: a scan that is killed leaves the previous one intact. Files whose size and \
                modification time are unchanged are not parsed again. Exit 0 when the scan is recorded (input problems \
                included, and listed); 2 when it could not be (invalid policies, unusable database).
                """)

        @Argument(help: "Files or folders to scan, or '-' for manifests on standard input (recorded under the root '-').")
        var paths: [String]

        @OptionGroup var input: StandardInputOptions

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: PolicyOptions

        @Option(name: .long, help: ArgumentHelp(
            "The source this scan belongs to: a server, a CI job, a repository. A scan replaces its source's state only. Default: the host name and the scanned roots.",
            valueName: "name"))
        var source: String?

        func validate() throws {
            try input.validate(paths: paths)
            if let source, let problem = SourceName.problem(source) { throw ValidationError("--source: \(problem).") }
        }

        func run() async throws {
            let logger = options.makeLogger()
            let policy = try options.loadPolicy(scanning: paths, logger: logger)
            let auditor = Auditor(policy: policy)
            let stream = input.readsStandardInput(paths)
                ? try input.readOrExit(limits: auditor.limits, nothingDone: "nothing was recorded in \(database.location)") : nil
            let summary = try await database.withStore(logger: logger) { store in
                try await record(Recorder(store: store, auditor: auditor, source: source), stream: stream, location: store.location)
            }
            for diagnostic in summary.diagnostics { printError(diagnostic.description) }
            let parsed = summary.status == "unchanged" ? "nothing changed" : "\(summary.filesParsed) parsed"
            print("scan \(summary.scanID) recorded in \(database.location) (source \(summary.source)): \(summary.files) files (\(parsed)), \(summary.deployments) deployments, \(summary.usages) model usages, \(summary.openFindings) open findings, \(summary.waivedFindings) waived, \(summary.events) events")
        }

        /// Records the scan, or exits 2 saying why it could not be recorded (nothing is changed then).
        private func record(_ recorder: Recorder, stream: StandardInputStream?, location: String) async throws -> ScanSummary {
            do {
                if let stream { return try await recorder.scan(stream: stream) }
                return try await recorder.scan(paths: paths)
            } catch let error as DatabaseError {
                printError("modelwarden: could not record the scan in \(location): \(error.message ?? "\(error.resultCode)") (nothing was changed)")
                throw ExitCode(2)
            } catch {
                printError("modelwarden: could not record the scan in \(location): \(error) (nothing was changed)")
                throw ExitCode(2)
            }
        }
    }
}

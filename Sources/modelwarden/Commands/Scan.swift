import ArgumentParser
import Foundation
import GRDB
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports
import ModelwardenStore

extension ReportTable.Format: ExpressibleByArgument {}

/// `--db FILE`, shared by the commands that use the store.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database (default: ./modelwarden.sqlite).")
    var db: String = "modelwarden.sqlite"

    init() {}

    init(db: String) { self.db = db }

    /// Opens the store or exits 2 with the reason.
    func open() throws -> AuditDatabase {
        do {
            return try AuditDatabase.open(path: db)
        } catch {
            printError("modelwarden: \(error)")
            throw ExitCode(2)
        }
    }
}

extension Modelwarden {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan, evaluate and record in SQLite: usages and findings with their history.",
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
        @OptionGroup var walk: WalkOptions

        func validate() throws {
            try input.validate(paths: paths)
        }

        func run() throws {
            let logger = options.makeLogger()
            let policy = try options.loadPolicy(scanning: paths, logger: logger)
            let store = try database.open()
            let recorder = Recorder(database: store, auditor: Auditor(policy: policy, discovery: walk.discovery))
            let stream = input.readsStandardInput(paths)
                ? try input.readOrExit(limits: recorder.auditor.limits, nothingDone: "nothing was recorded in \(database.db)") : nil
            let summary: ScanSummary
            do {
                summary = try stream.map { try recorder.scan(stream: $0) } ?? recorder.scan(paths: paths)
            } catch let error as DatabaseError {
                printError("modelwarden: could not record the scan in \(database.db): \(error.message ?? "\(error.resultCode)") (nothing was changed)")
                throw ExitCode(2)
            } catch {
                printError("modelwarden: could not record the scan in \(database.db): \(error) (nothing was changed)")
                throw ExitCode(2)
            }
            for diagnostic in summary.diagnostics { printError(diagnostic.description) }
            let parsed = summary.status == "unchanged" ? "nothing changed" : "\(summary.filesParsed) parsed"
            print("scan \(summary.scanID) recorded in \(database.db): \(summary.files) files (\(parsed)), \(summary.deployments) deployments, \(summary.usages) model usages, \(summary.openFindings) open findings, \(summary.waivedFindings) waived, \(summary.events) events")
        }
    }
}

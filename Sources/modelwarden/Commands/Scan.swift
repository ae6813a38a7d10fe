import ArgumentParser
import Foundation
import GRDB
import Logging
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports
import ModelwardenStore

extension ReportTable.Format: ExpressibleByArgument {}

/// `--db`, shared by the commands that use the store: a SQLite file or a PostgreSQL URL.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store: a SQLite file (default: ./modelwarden.sqlite) or postgres://USER@HOST:PORT/DB?sslmode=MODE (host=/socket/dir for a Unix socket; password from the URL, $PGPASSWORD or ~/.pgpass).",
        valueName: "file-or-url"))
    var db: String = DatabaseOptions.defaultPath

    static let defaultPath = "modelwarden.sqlite"

    init() {}

    init(db: String) { self.db = db }

    func validate() throws {
        // The message never repeats the argument: it may hold a password.
        do { _ = try StoreLocation(db) } catch { throw ValidationError("\(error)") }
    }

    /// Where the store is, as messages name it: a URL without its password.
    var location: String { (try? StoreLocation(db).description) ?? "the --db store" }

    /// Runs `body` with the store open; exits 2 with the reason when it cannot be opened or used (a PostgreSQL
    /// error says what the server said, never the password).
    func withStore<T: Sendable>(logger: Logger, _ body: @Sendable (any AuditStore) async throws -> T) async throws -> T {
        let store: StoreLocation
        do {
            store = try StoreLocation(db)
        } catch {
            printError("modelwarden: \(error)")
            throw ExitCode(2)
        }
        do {
            return try await store.withStore(logger: logger, body)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            // SQLite's errors name the file already; PostgreSQL's get the URL without its password.
            if case .sqlite = store {
                printError("modelwarden: \(StoreLocation.describe(error))")
            } else {
                printError("modelwarden: \(store): \(StoreLocation.describe(error))")
            }
            throw ExitCode(2)
        }
    }
}

/// `--source NAME` on the readers: which sources to show (all by default).
struct SourceFilterOptions: ParsableArguments {
    @Option(name: .customLong("source"), help: ArgumentHelp(
        "Only this source (repeatable; a glob such as 'ci-*' or 'web-01:*'). Default: every source.", valueName: "name"))
    var sources: [String] = []

    var selection: SourceSelection { SourceSelection(sources) }
}

/// `--stale-after DAYS` on `inventory` and `report`: sources with no scan for that long are marked stale.
struct StaleOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Mark sources whose last scan is older than this many days as stale.", valueName: "days"))
    var staleAfter: Int?

    func validate() throws {
        if let staleAfter, staleAfter < 1 { throw ValidationError("--stale-after takes a number of days, at least 1.") }
    }
}

extension Modelwarden {
    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
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
        @OptionGroup var walk: WalkOptions

        @Option(name: .long, help: ArgumentHelp(
            "The source this scan belongs to: a server, a CI job, a repository. A scan replaces its source's state only. Default: the host name and the scanned roots.",
            valueName: "name"))
        var source: String?

        @Option(name: .long, help: ArgumentHelp(
            "Send the scan to the daemon at this URL (http(s)://HOST:PORT) instead of a database: it records it under --source with its own store. Needs --token-file and --source.",
            valueName: "url"))
        var push: String?

        @Option(name: .long, help: ArgumentHelp("With --push: the file holding a push token the daemon accepts for this source.", valueName: "file"))
        var tokenFile: String?

        func validate() throws {
            try input.validate(paths: paths)
            if let source, let problem = SourceName.problem(source) { throw ValidationError("--source: \(problem).") }
            if let push {
                if PushClient.baseURL(push) == nil {
                    throw ValidationError("--push takes the daemon's base URL, http(s)://HOST:PORT, without a user, password or query.")
                }
                if tokenFile == nil { throw ValidationError("--push needs --token-file FILE: the daemon accepts only scans with a push token.") }
                if source == nil { throw ValidationError("--push needs --source NAME: the daemon records the scan under it.") }
                if database.db != DatabaseOptions.defaultPath { throw ValidationError("--push sends the scan to a daemon; --db is not used with it.") }
            } else if tokenFile != nil {
                throw ValidationError("--token-file goes with --push.")
            }
        }

        func run() async throws {
            let logger = options.makeLogger()
            let policy = try options.loadPolicy(scanning: paths, logger: logger)
            let auditor = Auditor(policy: policy, discovery: walk.discovery)
            let stream = input.readsStandardInput(paths)
                ? try input.readOrExit(limits: auditor.limits, nothingDone: "nothing was recorded in \(database.location)") : nil
            if let push, let tokenFile, let source {
                return try await pushScan(auditor: auditor, stream: stream, url: push, tokenFile: tokenFile, source: source)
            }
            let summary = try await database.withStore(logger: logger) { store in
                try await record(Recorder(store: store, auditor: auditor, source: source, logger: logger), stream: stream, location: store.location)
            }
            for diagnostic in summary.diagnostics { printError(diagnostic.description) }
            let parsed = summary.status == "unchanged" ? "nothing changed" : "\(summary.filesParsed) parsed"
            print("scan \(summary.scanID) recorded in \(database.location) (source \(summary.source)): \(summary.files) files (\(parsed)), \(summary.deployments) deployments, \(summary.usages) model usages, \(summary.openFindings) open findings, \(summary.waivedFindings) waived, \(summary.events) events")
        }

        /// Scans into a capture and sends the result to the daemon; exits 2 with the reason when it is not recorded.
        private func pushScan(auditor: Auditor, stream: StandardInputStream?, url: String, tokenFile: String, source: String) async throws {
            let capture = ScanCapture()
            let recorder = Recorder(store: capture, auditor: auditor, source: source)
            let summary: ScanSummary
            if let stream { summary = try await recorder.scan(stream: stream) } else { summary = try await recorder.scan(paths: paths) }
            for diagnostic in summary.diagnostics { printError(diagnostic.description) }
            do {
                let client = PushClient(base: PushClient.baseURL(url)!, token: try PushClient.readToken(tokenFile))
                let answer = try await client.push(try PushedScan(capture.recording!), source: source)
                let number = { (key: String) in answer[key] as? Int ?? 0 }
                print("scan \(number("scan")) recorded by \(url) (source \(source)): \(summary.files) files, \(number("deployments")) deployments, \(number("usages")) model usages, \(number("findings_open")) open findings, \(number("findings_waived")) waived, \(number("events")) events")
            } catch {
                printError("modelwarden: \(error) (nothing was recorded)")
                throw ExitCode(2)
            }
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
                printError("modelwarden: could not record the scan in \(location): \(StoreLocation.describe(error)) (nothing was changed)")
                throw ExitCode(2)
            }
        }
    }
}

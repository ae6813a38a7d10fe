import Foundation
import Glibc
import Testing

/// Secrets by construction: every planted secret, in every input format, is absent from every output format, the
/// daemon's API answers and log, and the raw bytes of the SQLite database (main file, WAL and shared memory).
@Suite("Planted secrets", .serialized)
struct PlantedSecretTests {
    /// Named outputs, searched byte by byte.
    final class Outputs {
        var items: [(name: String, bytes: Data)] = []
        func add(_ name: String, _ text: String) { items.append((name, Data(text.utf8))) }
        func add(_ name: String, _ result: ProcessResult) {
            add(name + " stdout", result.stdout)
            add(name + " stderr", result.stderr)
        }
        func addFile(_ name: String, _ path: String) {
            if let data = FileManager.default.contents(atPath: path) { items.append((name, data)) }
        }
        /// Every database file SQLite may have written: main, WAL, shared memory, rollback journal.
        func addDatabase(_ name: String, _ path: String) {
            for suffix in ["", "-wal", "-shm", "-journal"] { addFile(name + suffix, path + suffix) }
        }
        /// Each output that holds a marker, with the bytes around it (planted values are fake; the context says where).
        var leaks: [String] {
            items.flatMap { item in
                PlantedSecrets.markers.compactMap { marker -> String? in
                    guard let found = item.bytes.range(of: Data(marker.utf8)) else { return nil }
                    let context = item.bytes[max(item.bytes.startIndex, found.lowerBound - 80)..<min(item.bytes.endIndex, found.upperBound + 40)]
                    return "\(item.name) contains \(marker): …\(String(decoding: context, as: UTF8.self).replacingOccurrences(of: "\u{0}", with: "·"))…"
                }
            }
        }
        func contains(_ text: String, in name: String) -> Bool {
            items.contains { $0.name.hasPrefix(name) && $0.bytes.range(of: Data(text.utf8)) != nil }
        }
    }

    static let checkFormats = ["text", "json", "sarif", "junit", "github", "markdown"]
    static let reportFormats = ["html", "csv", "json", "markdown", "cyclonedx", "notice"]

    func checkEveryFormat(_ arguments: [String], input: Data? = nil, into outputs: Outputs, label: String, folder: TempFolder) throws {
        var all = arguments + ["--fail-on", "never"]
        for format in Self.checkFormats { all += ["--format", format, "--output", folder.path + "/out/\(label).\(format)"] }
        let result = try input.map { try run(Paths.binary, all, input: $0) } ?? run(Paths.binary, all)
        #expect(result.status == 0, "\(label): \(result.stderr)")
        outputs.add(label, result)
        for format in Self.checkFormats { outputs.addFile("\(label) --format \(format)", folder.path + "/out/\(label).\(format)") }
        // Standard output too, one format at a time.
        for format in Self.checkFormats {
            let single = try input.map { try run(Paths.binary, arguments + ["--fail-on", "never", "--format", format], input: $0) }
                ?? run(Paths.binary, arguments + ["--fail-on", "never", "--format", format])
            outputs.add("\(label) --format \(format) (stdout)", single)
        }
    }

    @Test("no planted secret reaches check, report, the store's readers or the database bytes")
    func commandLineOutputsAndDatabase() throws {
        let folder = try TempFolder()
        try PlantedSecretEstate.write(into: folder)
        try FileManager.default.createDirectory(atPath: folder.path + "/out", withIntermediateDirectories: true)
        let estate = folder.path
        let outputs = Outputs()
        try checkEveryFormat(["check", estate], into: outputs, label: "check", folder: folder)
        let stream = Data(PlantedSecretEstate.stream.utf8)
        try checkEveryFormat(["check", "-", "--stdin-name", "cluster/app.yaml"], input: stream, into: outputs, label: "check-stdin", folder: folder)
        for format in Self.reportFormats {
            outputs.add("report \(format)", try run(Paths.binary, ["report", estate, "--format", format]))
            outputs.add("report - \(format)", try run(Paths.binary, ["report", "-", "--format", format], input: stream))
        }
        let db = folder.path + "/out/audit.sqlite", streamDB = folder.path + "/out/stream.sqlite"
        let scan = try run(Paths.binary, ["scan", estate, "--db", db])
        #expect(scan.status == 0, "\(scan.stderr)")
        outputs.add("scan", scan)
        // A second scan reads the cache instead of the files.
        outputs.add("rescan", try run(Paths.binary, ["scan", estate, "--db", db]))
        outputs.add("scan -", try run(Paths.binary, ["scan", "-", "--db", streamDB], input: stream))
        for reader in ["inventory", "findings", "history"] {
            for format in ["text", "json", "csv"] { outputs.add("\(reader) \(format)", try run(Paths.binary, [reader, "--db", db, "--format", format])) }
        }
        for format in Self.reportFormats { outputs.add("report --db \(format)", try run(Paths.binary, ["report", "--db", db, "--format", format])) }
        outputs.addDatabase("audit.sqlite", db)
        outputs.addDatabase("stream.sqlite", streamDB)

        #expect(outputs.leaks.isEmpty, "\(outputs.leaks.joined(separator: "\n"))")
        // Not vacuous: the usages are found, and the cache keeps the hosts with the password masked.
        #expect(outputs.contains("gpt-4o", in: "check --format json"))
        #expect(outputs.contains("llama3.1:8b", in: "check --format json"))
        #expect(outputs.contains("app:***@db:5432", in: "audit.sqlite"))
        #expect(outputs.contains("user:***@gw.example.com", in: "audit.sqlite"))
        #expect(outputs.items.count > 100)
    }

    @Test("no planted secret reaches the daemon's API answers, its log or its database, across a rescan")
    func daemon() throws {
        let folder = try TempFolder()
        try PlantedSecretEstate.write(into: folder)
        let database = folder.path + "/../" + folder.url.lastPathComponent + "-daemon.sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) } }
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path, "--db", database, "--listen", "127.0.0.1:0", "--interval", "1h",
                                                   "--debounce", "100ms", "--log-level", "debug"])
        let api = try #require(daemon.apiAddress(), "no API address; stderr:\n\(daemon.stderr)")
        let outputs = Outputs()
        func queryEverything(_ label: String) {
            for path in ["/healthz", "/readyz", "/metrics", "/v1/inventory", "/v1/findings", "/v1/findings?status=open", "/v1/history", "/v1/scans"] {
                let reply = httpRequest("GET", port: api.port, path: path)
                outputs.add("\(label) GET \(path)", (reply?.headers ?? "") + (reply?.body ?? ""))
            }
            let posted = httpRequest("POST", port: api.port, path: "/v1/scans")
            outputs.add("\(label) POST /v1/scans", (posted?.headers ?? "") + (posted?.body ?? ""))
        }
        #expect(daemon.waitForLog("scan recorded"), "\(daemon.stderr)")
        queryEverything("first")
        // A changed file with a new planted value, seen by the watcher.
        try folder.write("apps/app/.env", PlantedSecrets.assignments.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
                         + "\nEXTRA_SECRET=PLANTED-extra-\(UUID().uuidString)\n")
        Thread.sleep(forTimeInterval: 1.5)
        queryEverything("after change")
        outputs.addDatabase("daemon.sqlite (running)", database)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0, "\(daemon.stderr.suffix(3000))")
        outputs.add("daemon log", daemon.stderr)
        outputs.addDatabase("daemon.sqlite (stopped)", database)
        #expect(outputs.leaks.isEmpty, "\(outputs.leaks.joined(separator: "\n"))")
        #expect(outputs.contains("gpt-4o", in: "first GET /v1/inventory"), "\(outputs.items.filter { $0.name.hasPrefix("first") }.map { "\($0.name): \(String(decoding: $0.bytes.prefix(300), as: UTF8.self))" })")
    }
}

/// The same promise on the fleet store: after scans, a rescan from the cache and every reader, no planted secret is
/// in any PostgreSQL table, including the cached scans kept as `bytea` (decoded from the dump's hex before searching).
@Suite("Planted secrets: PostgreSQL", .serialized, .enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")))
struct PlantedSecretPostgresTests {
    @Test("no planted secret reaches the PostgreSQL tables or the readers on them")
    func postgresTables() async throws {
        // The server must not inherit the pipes of the other suite's `check -` runs, or they wait for end of input forever.
        #expect(PostgresTestServer.closeFrom != nil)
        let folder = try TempFolder()
        try PlantedSecretEstate.write(into: folder)
        let url = try await PostgresTestServer.freshDatabaseURL()
        let outputs = PlantedSecretTests.Outputs()
        let scan = try run(Paths.binary, ["scan", folder.path, "--db", url, "--source", "planted"])
        #expect(scan.status == 0, "\(scan.stderr)")
        outputs.add("scan", scan)
        outputs.add("rescan", try run(Paths.binary, ["scan", folder.path, "--db", url, "--source", "planted"]))
        outputs.add("scan -", try run(Paths.binary, ["scan", "-", "--db", url, "--source", "stream"], input: Data(PlantedSecretEstate.stream.utf8)))
        for reader in ["inventory", "findings", "history"] {
            for format in ["text", "json", "csv"] { outputs.add("\(reader) \(format)", try run(Paths.binary, [reader, "--db", url, "--format", format])) }
        }
        for format in PlantedSecretTests.reportFormats { outputs.add("report --db \(format)", try run(Paths.binary, ["report", "--db", url, "--format", format])) }
        let dump = try PostgresTestServer.dumpAll(url)
        outputs.add("pg_dump", dump)
        let blobs = Self.byteaValues(in: dump)
        for (index, blob) in blobs.enumerated() { outputs.items.append(("pg_dump bytea #\(index)", blob)) }

        #expect(outputs.leaks.isEmpty, "\(outputs.leaks.joined(separator: "\n"))")
        // Not vacuous: the cached scans were decoded, and they keep the hosts with the password masked.
        #expect(blobs.count >= 5)
        #expect(outputs.contains("app:***@db:5432", in: "pg_dump bytea"))
        #expect(outputs.contains("llama3.1:8b", in: "pg_dump"))
    }

    /// `bytea` values as `pg_dump` writes them in COPY text: `\\x` and hex digits.
    static func byteaValues(in dump: String) -> [Data] {
        let pattern = try! NSRegularExpression(pattern: #"\\\\x([0-9a-f]{16,})"#)
        let text = dump as NSString
        return pattern.matches(in: dump, range: NSRange(location: 0, length: text.length)).map { match in
            let hex = Array(text.substring(with: match.range(at: 1)).utf8)
            func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
            return Data(stride(from: 0, to: hex.count - 1, by: 2).map { nibble(hex[$0]) << 4 | nibble(hex[$0 + 1]) })
        }
    }
}

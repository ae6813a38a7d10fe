import Foundation
import Glibc
import Logging
@testable import ModelwardenStore
import Testing

/// A PostgreSQL server of the test's own, apart from the shared one, so that it can be stopped and started again
/// while a daemon uses it: same set-up as `PostgresTestServer` (Unix socket only, password authentication).
final class OwnPostgresServer {
    let folder: String
    var data: String { folder + "/data" }
    var socket: String { folder + "/socket" }
    let password = "own-pw-\(UUID().uuidString.prefix(10))-Zq"
    var url: String { "postgres://postgres:\(password)@/postgres?host=\(socket)" }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("modelwarden-own-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder + "/socket", withIntermediateDirectories: true)
        try Data(password.utf8).write(to: URL(fileURLWithPath: folder + "/pwfile"))
        _ = try run("/bin/chown", ["-R", "postgres:postgres", folder])
        _ = try run("/bin/chmod", ["700", folder])
        let initdb = try run(PostgresTestServer.runuser!, ["-u", "postgres", "--", PostgresTestServer.binaries! + "/initdb", "-D", data, "-U", "postgres",
                                                           "--pwfile", folder + "/pwfile", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-locale"])
        guard initdb.status == 0 else { throw PostgresTestServer.Failure("initdb failed: \(initdb.stderr)") }
        try start()
    }

    func start() throws {
        let status = try PostgresTestServer.spawnAndWait(PostgresTestServer.runuser!, [
            "-u", "postgres", "--", PostgresTestServer.binaries! + "/pg_ctl", "-D", data, "-l", folder + "/server.log", "-w",
            "-o", "-k \(socket) -c listen_addresses='' -c fsync=off", "start",
        ])
        guard status == 0 else { throw PostgresTestServer.Failure("pg_ctl start failed (\(status))") }
    }

    /// `pg_ctl stop -m fast`: the server ends every session and stops, as when the database host goes away.
    func stop() throws {
        let status = try PostgresTestServer.spawnAndWait(PostgresTestServer.runuser!, [
            "-u", "postgres", "--", PostgresTestServer.binaries! + "/pg_ctl", "-D", data, "-m", "fast", "-w", "stop",
        ])
        guard status == 0 else { throw PostgresTestServer.Failure("pg_ctl stop failed (\(status))") }
    }

    deinit {
        _ = try? PostgresTestServer.spawnAndWait(PostgresTestServer.runuser!, [
            "-u", "postgres", "--", PostgresTestServer.binaries! + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop",
        ])
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Whether this machine can run a server of the test's own (the shared one may be someone else's).
    static var isAvailable: Bool {
        PostgresTestServer.binaries != nil && PostgresTestServer.runuser != nil && geteuid() == 0 && getpwnam("postgres") != nil
    }
}

@Suite("PostgreSQL resilience", .serialized, .enabled(if: OwnPostgresServer.isAvailable, "needs initdb, pg_ctl, root and the postgres user"))
struct PostgresResilienceTests {
    /// The database stops under a running daemon: the daemon stays up, says it is degraded (in /healthz, /readyz and
    /// the log, without the password), retries with backoff, and records what changed meanwhile once it is back.
    @Test func theDaemonRidesOutALostDatabase() throws {
        let server = try OwnPostgresServer()
        let folder = try TempFolder()
        try folder.write("edge/chat.yaml", DaemonTests.chatbot)
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/edge", "--db", server.url, "--source", "edge-1",
                                                   "--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", "200ms"])
        #expect(daemon.waitForLog("scan recorded", timeout: 60), "\(daemon.stderr)")
        let api = try #require(daemon.apiAddress(), "\(daemon.stderr)")

        try server.stop()
        let mark = daemon.logMark
        try folder.write("edge/llama.yaml", DaemonTests.vllm)
        #expect(daemon.waitForLog("degraded: retrying the scan", after: mark, timeout: 120), "\(daemon.stderr)")
        let health = try #require(httpRequest("GET", port: api.port, path: "/healthz"))
        #expect(health.status == 200 && health.body.hasPrefix("degraded: could not record the scan"), "\(health.body)")
        #expect(httpRequest("GET", port: api.port, path: "/readyz")?.status == 503)
        #expect(!health.body.includes(server.password))
        #expect(daemon.process.isRunning)

        let downFor = daemon.logMark
        try server.start()
        #expect(daemon.waitForLog("caught up", after: downFor, timeout: 120), "\(daemon.stderr)")
        #expect(httpRequest("GET", port: api.port, path: "/healthz")?.body == "ok\n")
        let inventory = try run(Paths.binary, ["inventory", "--db", server.url, "--format", "csv"])
        #expect(inventory.stdout.includes("meta-llama/Llama-3.1-8B-Instruct") && inventory.stdout.includes("gpt-4o"), "\(inventory.stdout)")

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 60) == 0, "\(daemon.stderr)")
        #expect(!daemon.stderr.includes(server.password), "the password reached the log")
    }
}

@Suite("PostgreSQL writers", .serialized, .enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")))
struct PostgresWriterTests {
    /// Twenty `scan` processes at once into one database, twice: every scan recorded, every usage there, no deadlock.
    @Test func twentyConcurrentWritersLoseNothing() async throws {
        let url = try await PostgresTestServer.freshDatabaseURL()
        let folder = try TempFolder()
        let sources = (0..<20).map { "node-\($0)" }
        for round in 0..<2 {
            for (index, source) in sources.enumerated() {
                for file in 0..<5 {
                    let model = (index + file + round) % 2 == 0 ? "meta-llama/Llama-3.1-8B-Instruct" : "Qwen/Qwen2.5-7B-Instruct"
                    try folder.write("\(source)/app-\(file).yaml", StoreContract.manifest("app-\(file)", model))
                }
            }
            let processes = try sources.map { source in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Paths.binary)
                process.arguments = ["scan", folder.path + "/" + source, "--db", url, "--source", source]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "round \(round): a writer failed")
        }
        let inventory = try run(Paths.binary, ["inventory", "--db", url, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(inventory.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 100)
        #expect(Set(rows.compactMap { $0["source"] as? String }) == Set(sources))
        let scans = try run(Paths.binary, ["history", "--db", url, "--format", "json"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(scans.stdout.utf8)) as? [[String: Any]])
        // Every usage changed model in the second round: one change event each.
        #expect(events.filter { $0["event"] as? String == "usage-changed-model" }.count == 100)
    }

    /// A PostgreSQL writer killed at random points: its source shows its previous scan whole, the other source is untouched.
    @Test func aKilledWriterLeavesItsSourceIntact() async throws {
        let url = try await PostgresTestServer.freshDatabaseURL()
        let folder = try TempFolder()
        func writeEstate(_ generation: Int) throws {
            for index in 0..<1500 {
                let model = (index + generation) % 2 == 0 ? "meta-llama/Llama-3.1-8B-Instruct" : "Qwen/Qwen2.5-7B-Instruct"
                try folder.write("estate/team-\(index % 20)/app-\(index).yaml", StoreContract.manifest("app-\(index)", model))
            }
        }
        try folder.write("other/x.yaml", StoreContract.manifest("x", "mistralai/Mixtral-8x7B-Instruct-v0.1"))
        #expect(try run(Paths.binary, ["scan", folder.path + "/other", "--db", url, "--source", "other"]).status == 0)
        try writeEstate(0)
        #expect(try run(Paths.binary, ["scan", folder.path + "/estate", "--db", url, "--source", "estate"]).status == 0)
        var kills = 0
        var generator = SystemRandomNumberGenerator()
        for round in 1...12 {
            try writeEstate(round)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Paths.binary)
            process.arguments = ["scan", folder.path + "/estate", "--db", url, "--source", "estate"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 200_000...3_000_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            let scans = try run(Paths.binary, ["inventory", "--db", url, "--format", "csv", "--source", "estate"])
            let lines = scans.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            #expect(lines.count == 1500, "round \(round): \(lines.count) usages")
            // Whole: every usage from one generation of the estate, where Llama sits in the files of one parity only.
            let parities = Set(lines.filter { $0.includes("meta-llama/") }.compactMap { line -> Int? in
                guard let range = line.range(of: #"app-[0-9]+\.yaml"#, options: .regularExpression) else { return nil }
                return Int(line[range].dropFirst(4).dropLast(5)).map { $0 % 2 }
            })
            #expect(parities.count == 1, "round \(round): a mixed state")
            let other = try run(Paths.binary, ["inventory", "--db", url, "--format", "csv", "--source", "other"])
            #expect(other.stdout.includes("mistralai/Mixtral-8x7B-Instruct-v0.1"))
        }
        #expect(kills >= 3, "only \(kills) of 12 writers were killed mid-run; the scan is too fast for this test")
    }
}

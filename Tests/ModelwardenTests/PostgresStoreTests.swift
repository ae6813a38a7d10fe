import Foundation
import Logging
@testable import ModelwardenStore
import Testing

@Suite("Store contract: PostgreSQL", .serialized, .enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")))
struct PostgresStoreContractTests {
    @Test(arguments: StoreContract.names)
    func contract(_ name: String) async throws {
        try await PostgresTestServer.withFreshStore { store in try await StoreContract.cases[name]!(store) }
    }
}

/// `--db postgres://...`: how the URL is read, where the password comes from, and that it never shows.
@Suite struct PostgresLocationTests {
    func location(_ url: String, _ environment: [String: String] = [:]) throws -> PostgresLocation {
        guard case .postgres(let location) = try StoreLocation(url, environment: environment) else { throw PostgresTestServer.Failure("not postgres") }
        return location
    }

    @Test func urlsAreRead() throws {
        let tcp = try location("postgres://audit:s%40cret@db.example:6432/fleet?sslmode=require")
        #expect(tcp.host == "db.example" && tcp.port == 6432 && tcp.user == "audit" && tcp.database == "fleet" && tcp.sslMode == .require)
        #expect(tcp.password == "s@cret" && tcp.socketDirectory == nil)
        #expect(tcp.description == "postgres://audit@db.example:6432/fleet?sslmode=require")
        let socket = try location("postgresql:///fleet?host=/run/postgresql", ["PGUSER": "mw"])
        #expect(socket.socketDirectory == "/run/postgresql" && socket.host == nil && socket.user == "mw" && socket.port == 5432)
        #expect(socket.description == "postgres://mw@:5432/fleet?host=/run/postgresql")
        let defaults = try location("postgres://u@h")
        #expect(defaults.database == "u" && defaults.sslMode == .prefer && defaults.password == nil)
        #expect(throws: (any Error).self) { try location("postgres://u@h/db?sslmode=sometimes") }
        #expect(throws: (any Error).self) { try location("postgres://u@h/db?colour=blue") }
        #expect(throws: (any Error).self) { try StoreLocation("mysql://u:p@h/db") }
        if case .sqlite(let path) = try StoreLocation("state/audit.sqlite") { #expect(path == "state/audit.sqlite") } else { Issue.record("not sqlite") }
    }

    @Test func passwordsComeFromTheURLThenPGPASSWORDThenThePasswordFile() throws {
        let folder = try TempFolder()
        let file = try folder.write("pgpass", "# comment\ndb.example:5432:other:audit:wrong\ndb.example:*:fleet:audit:from\\:file\n/run/pg:5432:*:*:socket-pw\n")
        chmod(file, 0o600)
        #expect(try location("postgres://audit:from-url@db.example/fleet", ["PGPASSWORD": "env", "PGPASSFILE": file]).password == "from-url")
        #expect(try location("postgres://audit@db.example/fleet", ["PGPASSWORD": "env", "PGPASSFILE": file]).password == "env")
        #expect(try location("postgres://audit@db.example/fleet", ["PGPASSFILE": file]).password == "from:file")
        #expect(try location("postgres://x@/y?host=/run/pg", ["PGPASSFILE": file]).password == "socket-pw")
        #expect(try location("postgres://audit@elsewhere/fleet", ["PGPASSFILE": file]).password == nil)
        // Like libpq, a password file others can read is ignored.
        chmod(file, 0o644)
        #expect(try location("postgres://audit@db.example/fleet", ["PGPASSFILE": file]).password == nil)
    }

    @Test func aBadURLDoesNotRepeatThePassword() throws {
        do {
            _ = try StoreLocation("postgres://u:Hunter2Secret@h/db?sslmode=bogus")
            Issue.record("accepted")
        } catch {
            #expect(!"\(error)".contains("Hunter2Secret"))
        }
    }
}

/// The command line on PostgreSQL: sources from several scans, and a password that never shows.
@Suite("PostgreSQL command line", .serialized, .enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")))
struct PostgresCommandLineTests {
    @Test func scansFromManySourcesAndThePasswordNeverShows() async throws {
        let url = try await PostgresTestServer.freshDatabaseURL()
        let password = PostgresTestServer.password
        let folder = try TempFolder()
        let (web, ci) = try FleetTests.estate(folder)
        var outputs: [String] = []
        func mw(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
            // The commands that log take the most verbose level: a password must not be in any line either.
            let verbose = ["scan", "report"].contains(arguments[0]) ? ["--log-level", "trace"] : []
            let result = try runToFiles(Paths.binary, arguments + verbose, environment: environment)
            outputs += [result.stdout, result.stderr]
            return result
        }
        let first = try mw(["scan", web, "--db", url, "--source", "web-01"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.includes("recorded in postgres://postgres@:5432/"), "\(first.stdout)")
        // The password from PGPASSWORD instead of the URL.
        let withoutPassword = url.replacingOccurrences(of: ":\(password)@", with: "@")
        let second = try mw(["scan", ci, "--db", withoutPassword, "--source", "ci-batch"], environment: ["PGPASSWORD": password])
        #expect(second.status == 0, "\(second.stderr)")
        let inventory = try run(Paths.binary, ["inventory", "--db", url, "--format", "json"])
        outputs += [inventory.stdout, inventory.stderr]
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(inventory.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["source"] as? String }) == ["web-01", "ci-batch"])
        #expect(rows.count > 20)
        // Rescanning one source after a deletion retires only that source's usages.
        try FileManager.default.removeItem(atPath: ci + "/deploy/batch.yaml")
        #expect(try mw(["scan", ci, "--db", url, "--source", "ci-batch"]).status == 0)
        let after = try run(Paths.binary, ["inventory", "--db", url, "--format", "csv", "--source", "web-*"])
        #expect(after.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == rows.count)
        #expect(try run(Paths.binary, ["inventory", "--db", url, "--format", "csv", "--source", "ci-batch"]).stdout.split(separator: "\r\n").count == 1)
        let report = try mw(["report", "--db", url, "--format", "html"])
        #expect(report.status == 0 && report.stdout.includes("<tr class=\"source\"><td class=\"mono\">web-01</td>"), "\(report.stderr)")

        // Retention and staleness on PostgreSQL, through the same URL.
        let prune = try mw(["prune", "--db", url, "--keep-days", "30"])
        #expect(prune.status == 0 && prune.stdout.includes("pruned postgres://postgres@:5432/") && prune.stdout.includes(": 0 scans"), "\(prune.stdout)\(prune.stderr)")
        let stale = try mw(["inventory", "--db", url, "--stale-after", "7", "--format", "csv"])
        #expect(stale.status == 0 && stale.stdout.includes(",web-01,false"), "\(stale.stderr)")
        #expect(try mw(["report", "--db", url, "--format", "json", "--stale-after", "7"]).stdout.includes("\"staleAfterDays\": 7"))

        // A wrong password: a clear error, exit 2, and neither password in it.
        let wrong = url.replacingOccurrences(of: ":\(password)@", with: ":Wrong-\(password)@")
        let refused = try mw(["inventory", "--db", wrong])
        #expect(refused.status == 2 && refused.stderr.includes("password authentication failed"), "\(refused.stderr)")
        #expect(!refused.stderr.includes("Wrong-"))
        let refusedPrune = try mw(["prune", "--db", wrong, "--keep-days", "30"])
        #expect(refusedPrune.status == 2 && !refusedPrune.stderr.includes("Wrong-"), "\(refusedPrune.stderr)")
        for output in outputs { #expect(!output.includes(password), "the password reached the output:\n\(output)") }
        let dump = try PostgresTestServer.dumpAll(url)
        #expect(dump.count > 1000 && !dump.includes(password))
    }
}

/// Two daemons with different sources recording into one PostgreSQL database; the client is one of their services.
@Suite("PostgreSQL daemons", .serialized, .enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")))
struct PostgresDaemonTests {
    @Test func twoDaemonsAndACIScanShareOneDatabase() async throws {
        let url = try await PostgresTestServer.freshDatabaseURL()
        let folder = try TempFolder()
        try folder.write("edge-1/chat.yaml", DaemonTests.chatbot)
        try folder.write("edge-2/llama.yaml", DaemonTests.vllm)
        try folder.write("ci/batch.yaml", StoreContract.manifest("batch", "Qwen/Qwen2.5-7B-Instruct"))
        try folder.write("ci-push/agent.yaml", StoreContract.manifest("agent", "mistralai/Mixtral-8x7B-Instruct-v0.1"))
        try folder.write("push-tokens", "\(PushTests.ciToken) ci-*\n")
        try folder.write("ci-token", PushTests.ciToken)
        var daemons: [DaemonProcess] = []
        for name in ["edge-1", "edge-2"] {
            daemons.append(try DaemonProcess(arguments: ["--watch", folder.path + "/" + name, "--db", url, "--source", name,
                                                         "--listen", "127.0.0.1:0", "--interval", "1h", "--log-level", "debug",
                                                         "--push-tokens", folder.path + "/push-tokens"]))
        }
        for daemon in daemons { #expect(daemon.waitForLog("scan recorded", timeout: 60), "stderr:\n\(daemon.stderr)") }
        let ci = try run(Paths.binary, ["scan", folder.path + "/ci", "--db", url, "--source", "ci-batch"])
        #expect(ci.status == 0, "\(ci.stderr)")
        // The third CI run holds a push token, not the database's password: the daemon records it.
        let pushPort = try #require(daemons[0].apiAddress()).port
        let pushed = try run(Paths.binary, ["scan", folder.path + "/ci-push", "--push", "http://127.0.0.1:\(pushPort)",
                                            "--token-file", folder.path + "/ci-token", "--source", "ci-agent"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(!pushed.stdout.includes(PostgresTestServer.password) && !pushed.stderr.includes(PostgresTestServer.password))

        let api = try #require(daemons[0].apiAddress(), "no API address; stderr:\n\(daemons[0].stderr)")
        let all = try #require(httpRequest("GET", port: api.port, path: "/v1/inventory"))
        for source in ["edge-1", "edge-2", "ci-batch", "ci-agent"] { #expect(all.body.includes("\"source\": \"\(source)\""), "\(all.body)") }
        let one = try #require(httpRequest("GET", port: api.port, path: "/v1/inventory?source=edge-2"))
        #expect(one.body.includes("meta-llama/Llama-3.1-8B-Instruct") && !one.body.includes("gpt-4o"), "\(one.body)")
        let scans = try #require(httpRequest("GET", port: api.port, path: "/v1/scans?source=edge-*"))
        #expect(scans.status == 200 && scans.body.includes("\"source\": \"edge-1\"") && !scans.body.includes("ci-batch"))
        let rescan = try #require(httpRequest("POST", port: api.port, path: "/v1/scans"))
        #expect(rescan.status == 200 && rescan.body.includes("\"status\": \"unchanged\""), "\(rescan.body)")

        for daemon in daemons { daemon.signal(SIGTERM) }
        for daemon in daemons {
            #expect(daemon.waitForExit(timeout: 60) == 0, "stderr:\n\(daemon.stderr)")
            #expect(!daemon.stderr.includes(PostgresTestServer.password))
            #expect(daemon.stderr.includes("database=\"postgres://postgres@:5432/"), "\(daemon.stderr)")
        }
        let inventory = try run(Paths.binary, ["inventory", "--db", url, "--format", "csv"])
        let lines = inventory.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        let sources: Set<String> = Set(lines.compactMap { line in line.split(separator: ",").last.map(String.init) })
        #expect(sources == ["edge-1", "edge-2", "ci-batch", "ci-agent"])
    }

    @Test func aDaemonWithAWrongPasswordStopsWithTheReason() async throws {
        let url = try await PostgresTestServer.freshDatabaseURL()
        let wrong = url.replacingOccurrences(of: ":\(PostgresTestServer.password)@", with: ":Not-The-Password-42@")
        let folder = try TempFolder()
        try folder.write("w/chat.yaml", DaemonTests.chatbot)
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/w", "--db", wrong, "--listen", "127.0.0.1:0"])
        #expect(daemon.waitForExit(timeout: 60) == 2)
        #expect(daemon.stderr.includes("password authentication failed"), "\(daemon.stderr)")
        #expect(!daemon.stderr.includes("Not-The-Password-42"))
    }
}

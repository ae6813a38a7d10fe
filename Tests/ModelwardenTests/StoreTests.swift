import Foundation
import GRDB
import ModelwardenCore
import ModelwardenManifests
import ModelwardenStore
import Testing

/// The SQLite store: history across scans, incremental rescans, and a database that survives anything.
@Suite(.serialized) struct StoreTests {
    let vllm = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: chat, namespace: ml, labels: {modelwarden.io/environment: production}}
    spec:
      template:
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
              args: ["--model", "MODEL"]
    """

    func recorder(_ database: AuditDatabase) -> Recorder {
        Recorder(database: database, auditor: Auditor(policy: Shipped.policy, today: Shipped.today))
    }

    @Test func historyAcrossScans() async throws {
        let folder = try TempFolder()
        let database = try AuditDatabase.inMemory()
        try folder.write("ml/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "meta-llama/Llama-3.1-8B-Instruct"))
        try folder.write("ml/code.yaml", vllm.replacingOccurrences(of: "name: chat", with: "name: code").replacingOccurrences(of: "MODEL", with: "mistralai/Codestral-22B-v0.1"))
        let first = try await recorder(database).scan(paths: [folder.path])
        #expect(first.status == "complete" && first.filesParsed == 2 && first.usages == 2)
        #expect(try database.inventory().count == 2)
        #expect(try database.findings(status: "open").contains { $0.rule == "license/non-commercial-in-production" })

        // Unchanged: nothing parsed, no events.
        let second = try await recorder(database).scan(paths: [folder.path])
        #expect(second.status == "unchanged" && second.filesParsed == 0 && second.events == 0)

        // The chat deployment swaps its model: one changed-model event, and only that file is parsed.
        try folder.write("ml/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "Qwen/Qwen2.5-7B-Instruct"))
        let third = try await recorder(database).scan(paths: [folder.path])
        #expect(third.filesParsed == 1)
        let changed = try database.history(deployment: "ml/chat").filter { $0.kind == "usage-changed-model" }
        #expect(changed.count == 1 && changed.first?.detail == "meta-llama/Llama-3.1-8B-Instruct -> Qwen/Qwen2.5-7B-Instruct")
        #expect(try database.findings(status: "resolved").contains { $0.rule == "license/attribution-missing" })

        // A file that disappears retires its usages and resolves its findings.
        try FileManager.default.removeItem(atPath: folder.path + "/ml/code.yaml")
        _ = try await recorder(database).scan(paths: [folder.path])
        #expect(try database.inventory().map(\.model) == ["Qwen/Qwen2.5-7B-Instruct"])
        #expect(try database.findings(status: "resolved").contains { $0.rule == "license/non-commercial-in-production" })
        #expect(try database.history(model: "Codestral").contains { $0.kind == "usage-disappeared" })
        #expect(try database.history(model: "Codestral").contains { $0.kind == "finding-resolved" })

        // Events are append-only.
        #expect(throws: (any Error).self) { try database.writer.write { db in try db.execute(sql: "DELETE FROM event") } }
        #expect(try database.integrityCheck() == "ok")
    }

    /// The daemon keeps decoded scans in memory between scans; what it records must not differ from a fresh process.
    @Test func anInMemoryScanCacheRecordsWhatTheDatabaseCacheRecords() async throws {
        let folder = try TempFolder()
        let withCache = try AuditDatabase.inMemory(), without = try AuditDatabase.inMemory()
        let cache = ScanCache()
        func scanBoth() async throws {
            let cached = try await Recorder(database: withCache, auditor: Auditor(policy: Shipped.policy, today: Shipped.today), cache: cache).scan(paths: [folder.path])
            let plain = try await recorder(without).scan(paths: [folder.path])
            #expect(cached.usages == plain.usages && cached.openFindings == plain.openFindings && cached.filesParsed == plain.filesParsed)
            #expect(try withCache.inventory().map { "\($0.deployment) \($0.model ?? "")" } == without.inventory().map { "\($0.deployment) \($0.model ?? "")" })
            #expect(try withCache.findings().map(\.fingerprint) == without.findings().map(\.fingerprint))
        }
        try folder.write("ml/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "meta-llama/Llama-3.1-8B-Instruct"))
        try folder.write("ml/code.yaml", vllm.replacingOccurrences(of: "name: chat", with: "name: code").replacingOccurrences(of: "MODEL", with: "mistralai/Codestral-22B-v0.1"))
        try await scanBoth()
        #expect(cache.count == 2)
        try folder.write("ml/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "Qwen/Qwen2.5-7B-Instruct-AWQ"))
        try await scanBoth()
        #expect(try withCache.inventory().contains { $0.model == "Qwen/Qwen2.5-7B-Instruct-AWQ" })
        try FileManager.default.removeItem(atPath: folder.path + "/ml/code.yaml")
        try await scanBoth()
        #expect(cache.count == 1)
    }

    /// Waivers expire by the calendar, so a long-running daemon must evaluate again on a new day even if no file changed.
    @Test func aNewDayIsEvaluatedAgain() async throws {
        let folder = try TempFolder()
        let database = try AuditDatabase.inMemory()
        try folder.write("ml/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "meta-llama/Llama-3.1-8B-Instruct"))
        let monday = Date(timeIntervalSince1970: 1_795_910_400)  // 2026-11-29T00:00:00Z
        let tuesday = monday.addingTimeInterval(86_400 + 3_600)
        #expect(try await recorder(database).scan(paths: [folder.path], now: monday).status == "complete")
        #expect(try await recorder(database).scan(paths: [folder.path], now: monday.addingTimeInterval(600)).status == "unchanged")
        #expect(try await recorder(database).scan(paths: [folder.path], now: tuesday).status == "complete")
        #expect(try await recorder(database).scan(paths: [folder.path], now: tuesday.addingTimeInterval(600)).status == "unchanged")
    }

    @Test func databaseFileIsPrivateAndNewerSchemasAreRefused() throws {
        let folder = try TempFolder()
        let path = folder.path + "/state/audit.sqlite"
        _ = try AuditDatabase.open(path: path)
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.path + "/state")[.posixPermissions] as? Int
        #expect(fileMode == 0o600 && folderMode == 0o700)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')") }
        try queue.close()
        #expect {
            _ = try AuditDatabase.open(path: path)
        } throws: { error in
            "\(error)".includes("newer modelwarden")
        }
    }

    @Test func secretsNeverReachTheDatabase() throws {
        let keys = ["sk-proj-SeCrEt0123456789abcd", "sk-ant-api03-SeCrEtZZ99", "AIzaSyD-SeCrEt-0000-1111", "hf_SeCrEtAbCdEfGhIjKl", "nvapi-SeCrEt987654321"]
        let folder = try TempFolder()
        try folder.write("app/.env", "OPENAI_API_KEY=\(keys[0])\nANTHROPIC_API_KEY=\(keys[1])\nOPENAI_MODEL=gpt-4o-2024-08-06\n")
        try folder.write("app/deploy.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: bot}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: example/bot:1.0.0
                  args: ["--api-key", "\(keys[2])", "--hf-token=\(keys[3])"]
                  env:
                    - {name: GEMINI_API_KEY, value: "\(keys[2])"}
                    - {name: NGC_API_KEY, value: "\(keys[4])"}
                    - {name: LLM_MODEL, value: "\(keys[4])"}
                    - {name: GEMINI_MODEL, value: gemini-1.5-pro-002}
        """)
        let db = folder.path + "/audit.sqlite"
        let scan = try run(Paths.binary, ["scan", folder.path + "/app", "--db", db])
        #expect(scan.status == 0, "\(scan.stderr)")
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: db + suffix) { bytes.append(data) }
        }
        #expect(bytes.count > 10_000)
        for key in keys {
            #expect(bytes.range(of: Data(key.utf8)) == nil, "\(key) reached the database")
        }
        for output in [scan.stdout, scan.stderr] { for key in keys { #expect(!output.includes(key)) } }
    }

    @Test func killedScansLeaveThePreviousScanIntact() throws {
        let folder = try TempFolder()
        func writeEstate(_ generation: Int) throws {
            for index in 0..<1500 {
                let model = (index + generation) % 3 == 0 ? "meta-llama/Llama-3.1-8B-Instruct" : (index + generation) % 3 == 1 ? "mistralai/Mixtral-8x7B-Instruct-v0.1" : "Qwen/Qwen2.5-7B-Instruct"
                try folder.write("estate/team-\(index % 20)/app-\(index).yaml", vllm.replacingOccurrences(of: "name: chat", with: "name: app-\(index)").replacingOccurrences(of: "MODEL", with: model))
            }
        }
        try writeEstate(0)
        let db = folder.path + "/audit.sqlite"
        let first = try run(Paths.binary, ["scan", folder.path + "/estate", "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        var kills = 0
        var completed = 0
        var generator = SystemRandomNumberGenerator()
        for round in 1...30 {
            try writeEstate(round)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Paths.binary)
            process.arguments = ["scan", folder.path + "/estate", "--db", db]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 10_000...600_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 { completed += 1 }
            // After every kill: the file is sound and the last recorded scan is whole.
            let database = try AuditDatabase.open(path: db)
            #expect(try database.integrityCheck() == "ok")
            let scans = try database.scans()
            let last = try #require(scans.last)
            #expect(try database.inventory().count == last.usages, "round \(round): inventory does not match scan \(last.id)")
            #expect(last.usages == 1500)
        }
        #expect(kills >= 10, "only \(kills) of 30 scans were killed mid-run; the scan is too fast for this test")
        print("kill test: \(kills) scans killed, \(completed) completed")
    }

    @Test(.enabled(if: geteuid() == 0, "needs root for chattr and mount"))
    func readOnlyAndFullDisksLoseNothing() throws {
        let folder = try TempFolder()
        try folder.write("estate/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "meta-llama/Llama-3.1-8B-Instruct"))
        let db = folder.path + "/audit.sqlite"
        #expect(try run(Paths.binary, ["scan", folder.path + "/estate", "--db", db]).status == 0)
        try folder.write("estate/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "Qwen/Qwen2.5-7B-Instruct"))

        // Read-only: an immutable database file.
        if try run("/usr/bin/chattr", ["+i", db]).status == 0 {
            let readOnly = try run(Paths.binary, ["scan", folder.path + "/estate", "--db", db])
            _ = try run("/usr/bin/chattr", ["-i", db])
            #expect(readOnly.status == 2)
            #expect(readOnly.stderr.includes("audit.sqlite"), "\(readOnly.stderr)")
            let inventory = try run(Paths.binary, ["inventory", "--db", db, "--format", "csv"])
            #expect(inventory.stdout.includes("meta-llama/Llama-3.1-8B-Instruct"))
        }

        // Full disk: a small tmpfs filled to the brim after the first scan.
        let mountPoint = folder.path + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard try run("/bin/mount", ["-t", "tmpfs", "-o", "size=600k", "tmpfs", mountPoint]).status == 0 else { return }
        defer { _ = try? run("/bin/umount", [mountPoint]) }
        let small = mountPoint + "/audit.sqlite"
        try folder.write("estate/chat.yaml", vllm.replacingOccurrences(of: "MODEL", with: "meta-llama/Llama-3.1-8B-Instruct"))
        #expect(try run(Paths.binary, ["scan", folder.path + "/estate", "--db", small]).status == 0)
        _ = try run("/bin/dd", ["if=/dev/zero", "of=\(mountPoint)/filler", "bs=4k"])
        for index in 0..<200 {
            try folder.write("estate/more-\(index).yaml", vllm.replacingOccurrences(of: "name: chat", with: "name: more-\(index)").replacingOccurrences(of: "MODEL", with: "Qwen/Qwen2.5-7B-Instruct"))
        }
        let full = try run(Paths.binary, ["scan", folder.path + "/estate", "--db", small])
        #expect(full.status == 2, "\(full.stdout)\(full.stderr)")
        #expect(full.stderr.includes("could not record") || full.stderr.includes("cannot use the database"), "\(full.stderr)")
        try FileManager.default.removeItem(atPath: mountPoint + "/filler")
        let database = try AuditDatabase.open(path: small)
        #expect(try database.integrityCheck() == "ok")
        #expect(try database.inventory().map(\.model) == ["meta-llama/Llama-3.1-8B-Instruct"])
    }
}

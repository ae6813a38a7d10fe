import Foundation
import GRDB
@testable import ModelwardenStore
import Testing

/// `prune --keep-days` and `--stale-after` from the command line, on SQLite with scans aged by hand.
@Suite(.serialized) struct RetentionTests {
    /// Moves every scan of the sources `days` days into the past, as if they had been recorded then.
    static func age(_ path: String, sources: [String], days: Int) throws {
        let queue = try DatabaseQueue(path: path)
        let then = Recorder.timestamp(Date().addingTimeInterval(-Double(days) * 86400))
        try queue.write { db in
            try db.execute(sql: """
                UPDATE scan SET started_at = ?, finished_at = ? WHERE source_id IN (SELECT id FROM source WHERE name IN (SELECT value FROM json_each(?)))
                """, arguments: [then, then, String(decoding: try JSONEncoder().encode(sources), as: UTF8.self)])
        }
        try queue.close()
    }

    @Test func pruneDeletesOldScansAndSaysWhat() throws {
        let folder = try TempFolder()
        let db = folder.path + "/fleet.sqlite"
        try folder.write("web/chat.yaml", StoreContract.manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        try folder.write("ci/batch.yaml", StoreContract.manifest("batch", "Qwen/Qwen2.5-7B-Instruct"))
        for _ in 0..<2 { #expect(try run(Paths.binary, ["scan", folder.path + "/web", "--db", db, "--source", "web-01"]).status == 0) }
        try folder.write("web/chat.yaml", StoreContract.manifest("chat", "Qwen/Qwen2.5-7B-Instruct"))
        #expect(try run(Paths.binary, ["scan", folder.path + "/web", "--db", db, "--source", "web-01"]).status == 0)
        #expect(try run(Paths.binary, ["scan", folder.path + "/ci", "--db", db, "--source", "ci-batch"]).status == 0)
        try Self.age(db, sources: ["web-01", "ci-batch"], days: 40)
        try FileManager.default.copyItem(atPath: db, toPath: folder.path + "/copy.sqlite")

        let text = try run(Paths.binary, ["prune", "--db", db, "--keep-days", "30"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.includes("pruned \(db): 2 scans and ") && text.stdout.includes("  web-01: 2 scans"), "\(text.stdout)")
        #expect(text.stdout.includes("1 usages"), "\(text.stdout)")
        let json = try run(Paths.binary, ["prune", "--db", folder.path + "/copy.sqlite", "--keep-days", "30", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        #expect(object["scans"] as? Int == 2 && object["keep_days"] as? Int == 30 && (object["events"] as? Int ?? 0) > 0)
        #expect((object["sources"] as? [[String: Any]])?.first?["source"] as? String == "web-01")
        // The latest scan of each source stays, and so does what is in use; the file has no dangling reference.
        let history = try run(Paths.binary, ["history", "--db", db, "--format", "json"])
        #expect(history.status == 0)
        let inventory = try run(Paths.binary, ["inventory", "--db", db, "--format", "csv"])
        #expect(inventory.stdout.includes("Qwen/Qwen2.5-7B-Instruct") && inventory.stdout.includes(",web-01") && inventory.stdout.includes(",ci-batch"))
        let database = try AuditDatabase.open(path: db)
        let (violations, runs) = try database.writer.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, try Int.fetchOne(db, sql: "SELECT count(*) FROM prune_run WHERE active = 0") ?? 0)
        }
        #expect(violations == 0 && runs == 1)
        #expect(try database.scans().map(\.source) == ["web-01", "ci-batch"])
        // Outside a prune run, events stay append-only.
        #expect(throws: (any Error).self) { try database.writer.write { db in try db.execute(sql: "DELETE FROM event") } }
        #expect(try run(Paths.binary, ["prune", "--db", db, "--keep-days", "0"]).status != 0)
    }

    @Test func sourcesThatStoppedReportingAreStale() throws {
        let folder = try TempFolder()
        let db = folder.path + "/fleet.sqlite"
        try folder.write("web/chat.yaml", StoreContract.manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        try folder.write("ci/batch.yaml", StoreContract.manifest("batch", "Qwen/Qwen2.5-7B-Instruct"))
        #expect(try run(Paths.binary, ["scan", folder.path + "/web", "--db", db, "--source", "web-01"]).status == 0)
        #expect(try run(Paths.binary, ["scan", folder.path + "/ci", "--db", db, "--source", "ci-batch"]).status == 0)
        try Self.age(db, sources: ["web-01"], days: 10)

        let inventory = try run(Paths.binary, ["inventory", "--db", db, "--format", "json", "--stale-after", "7"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(inventory.stdout.utf8)) as? [[String: Any]], "\(inventory.stderr)")
        #expect(rows.first { $0["source"] as? String == "web-01" }?["stale"] as? Bool == true)
        #expect(rows.first { $0["source"] as? String == "ci-batch" }?["stale"] as? Bool == false)
        #expect(try run(Paths.binary, ["inventory", "--db", db, "--stale-after", "30", "--format", "csv"]).stdout.includes(",web-01,false"))
        #expect(!(try run(Paths.binary, ["inventory", "--db", db, "--format", "csv"]).stdout.includes("stale")), "the column only with the option")

        let html = try run(Paths.binary, ["report", "--db", db, "--format", "html", "--stale-after", "7"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.includes("<tr class=\"source stale\"><td class=\"mono\">web-01 <span class=\"badge badge-warning\">stale: no scan for 7 days</span>"))
        #expect(html.stdout.includes("<tr class=\"source\"><td class=\"mono\">ci-batch</td>"))
        let json = try run(Paths.binary, ["report", "--db", db, "--format", "json", "--stale-after", "7"])
        #expect(json.stdout.includes("\"staleAfterDays\": 7"), "\(json.stdout.prefix(400))")
        #expect(try run(Paths.binary, ["inventory", "--db", db, "--stale-after", "0"]).status != 0)
    }
}

import Foundation
import GRDB
import ModelwardenCore
@testable import ModelwardenDaemon
@testable import ModelwardenStore
import Testing

/// Many sources in one store, through the command line: `--source` on `scan`, the readers and `report`, and a
/// database written before sources existed.
@Suite(.serialized) struct FleetTests {
    static func estate(_ folder: TempFolder) throws -> (web: String, ci: String) {
        let web = folder.path + "/web"
        try FileManager.default.copyItem(atPath: Paths.deployments, toPath: web)
        try folder.write("ci/deploy/batch.yaml", StoreContract.manifest("batch", "Qwen/Qwen2.5-7B-Instruct"))
        return (web, folder.path + "/ci")
    }

    /// The issue's reproduction: `scan Deployments --db a.sqlite`, then `scan other --db a.sqlite`. Before sources,
    /// the second scan marked every usage of the first disappeared and resolved all its findings.
    @Test func aSecondFolderInTheSameDatabaseLeavesTheFirstAlone() throws {
        let folder = try TempFolder()
        let (web, ci) = try Self.estate(folder)
        let db = folder.path + "/a.sqlite"
        let first = try run(Paths.binary, ["scan", web, "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try run(Paths.binary, ["inventory", "--db", db, "--format", "csv"]).stdout.split(separator: "\r\n").count
        let second = try run(Paths.binary, ["scan", ci, "--db", db])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.includes("(source \(SourceName.hostName()):\(ci))"), "\(second.stdout)")
        let inventory = try run(Paths.binary, ["inventory", "--db", db, "--format", "csv"])
        #expect(inventory.stdout.split(separator: "\r\n").count == before + 1)
        let history = try run(Paths.binary, ["history", "--db", db, "--format", "csv"])
        #expect(!history.stdout.includes("usage-disappeared") && !history.stdout.includes("finding-resolved"))
        let resolved = try run(Paths.binary, ["findings", "--db", db, "--status", "resolved", "--format", "csv"])
        #expect(resolved.stdout.split(separator: "\r\n").count == 1, "\(resolved.stdout)")
    }

    @Test func readersPrintAndSelectSources() throws {
        let folder = try TempFolder()
        let (web, ci) = try Self.estate(folder)
        let db = folder.path + "/fleet.sqlite"
        #expect(try run(Paths.binary, ["scan", web, "--db", db, "--source", "web-01"]).status == 0)
        #expect(try run(Paths.binary, ["scan", ci, "--db", db, "--source", "ci-batch"]).status == 0)

        let json = try run(Paths.binary, ["inventory", "--db", db, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["source"] as? String }) == ["web-01", "ci-batch"])
        let onlyCI = try run(Paths.binary, ["inventory", "--db", db, "--format", "json", "--source", "ci-*"])
        let ciRows = try #require(try JSONSerialization.jsonObject(with: Data(onlyCI.stdout.utf8)) as? [[String: Any]])
        #expect(ciRows.count == 1 && ciRows.first?["model"] as? String == "Qwen/Qwen2.5-7B-Instruct")
        let csv = try run(Paths.binary, ["findings", "--db", db, "--format", "csv", "--source", "web-01", "--source", "nothing"])
        let lines = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first?.hasSuffix(",source") == true)
        #expect(lines.count > 1 && lines.dropFirst().allSatisfy { $0.hasSuffix(",web-01") })
        let text = try run(Paths.binary, ["history", "--db", db, "--source", "ci-batch"])
        #expect(text.stdout.includes("source") && text.stdout.includes("ci-batch") && !text.stdout.includes("web-01"))
        let invalid = try run(Paths.binary, ["scan", ci, "--db", db, "--source", ""])
        #expect(invalid.status == 64 && invalid.stderr.includes("--source"))

        // The report: a per-source table and the fleet summary; --source narrows it.
        let html = try run(Paths.binary, ["report", "--db", db, "--format", "html"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.includes("id=\"sources\"") && html.stdout.includes("<tr class=\"source\"><td class=\"mono\">ci-batch</td>"))
        #expect(html.stdout.includes("Models by number of sources") && html.stdout.includes("Open findings by source"))
        let report = try run(Paths.binary, ["report", "--db", db, "--format", "json", "--source", "web-01"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let fleet = try #require(object["fleet"] as? [String: Any])
        #expect((fleet["sources"] as? [[String: Any]])?.map { $0["name"] as? String } == ["web-01"])
        #expect((object["usages"] as? [[String: Any]])?.allSatisfy { $0["source"] as? String == "web-01" } == true)
        let reportCSV = try run(Paths.binary, ["report", "--db", db, "--format", "csv", "--source", "ci-batch"])
        #expect(reportCSV.stdout.components(separatedBy: "\r\n").filter { $0.hasPrefix("usage,") }.allSatisfy { $0.hasSuffix(",ci-batch") })
        _ = folder
    }

    /// A database written by the schema before sources (migration v1), with a scan's rows in it, opened by this version:
    /// its rows become the source a default scan of the same roots names, and nothing is lost.
    @Test func aDatabaseFromBeforeSourcesIsUpgraded() async throws {
        let folder = try TempFolder()
        let path = folder.path + "/old.sqlite"
        let root = folder.path + "/estate"
        try folder.write("estate/ml/chat.yaml", StoreContract.manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v1")
        try await queue.write { db in
            let rootsJSON = "[\"\(root)\"]"
            try db.execute(sql: """
                INSERT INTO scan (id, started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages,
                                  findings_open, findings_waived, diagnostics)
                VALUES (1, '2026-11-01T10:00:00.000Z', '2026-11-01T10:00:01.000Z', 'complete', ?, 'digest', 1, 1, 1, 1, 1, 0, 0);
                INSERT INTO file (id, path, absolute_path, size, mtime, sha256, present, last_scan_id)
                VALUES (1, 'ml/chat.yaml', ?, 1, 1, 'old', 1, 1);
                INSERT INTO file_cache (file_id, scan) VALUES (1, x'7B7D');
                INSERT INTO deployment (id, kind, namespace, name, file, labels, first_seen_scan_id, last_seen_scan_id, active)
                VALUES (1, 'Deployment', 'ml', 'chat', 'ml/chat.yaml', '{}', 1, 1, 1);
                INSERT INTO usage (id, key, deployment_id, model, vendor, family, license, hosting, runtime, api, file, line, column, evidence,
                                   first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at, active)
                VALUES (1, 'legacy-key', 1, 'old/model-in-use', 'old', 'old', 'unknown', 'self-hosted', 'vllm', NULL, 'ml/chat.yaml', 11, 30, 'args',
                        1, 1, '2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.000Z', 1);
                INSERT INTO finding (id, fingerprint, rule, severity, status, deployment, model, file, line, column, message, remediation, waiver,
                                     first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at)
                VALUES (1, 'fp-1', 'license/unknown-license', 'warning', 'open', 'Deployment ml/chat', 'old/model-in-use', 'ml/chat.yaml', 11, 30,
                        'unknown licence', 'declare it', NULL, 1, 1, '2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.000Z');
                INSERT INTO event (scan_id, at, kind, deployment, model, subject, detail)
                VALUES (1, '2026-11-01T10:00:00.000Z', 'usage-appeared', 'Deployment ml/chat', 'old/model-in-use', 'Deployment ml/chat', 'old/model-in-use');
                """, arguments: [rootsJSON, root + "/ml/chat.yaml"])
        }
        try queue.close()

        let database = try AuditDatabase.open(path: path)
        #expect(try database.integrityCheck() == "ok")
        let legacy = SourceName.defaultName(roots: [root])
        #expect(try database.inventory().map { "\($0.source) \($0.model ?? "")" } == ["\(legacy) old/model-in-use"])
        #expect(try database.findings().map(\.source) == [legacy])
        #expect(try database.history().map(\.source) == [legacy])
        #expect(try database.scans().map(\.source) == [legacy])
        let (violations, migrations) = try await database.writer.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count,
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"))
        }
        #expect(violations == 0 && migrations == ["v1", "v2-sources", "v3-retention", "v4-tools", "v5-tool-scope", "v6-rows-by-file", "v7-estate-index"], "\(migrations)")

        // Another folder's scan leaves the upgraded source alone; the default scan of the same root carries on with it.
        try folder.write("other/x.yaml", StoreContract.manifest("x", "Qwen/Qwen2.5-7B-Instruct"))
        _ = try await StoreContract.recorder(database).scan(paths: [folder.path + "/other"])
        #expect(try await database.inventory(sources: SourceSelection([legacy])).count == 1)
        let rescan = try await StoreContract.recorder(database).scan(paths: [root])
        #expect(rescan.source == legacy && rescan.filesParsed == 1)
        let models = try await database.inventory(sources: SourceSelection([legacy])).map(\.model)
        #expect(models == ["meta-llama/Llama-3.1-8B-Instruct"])
        #expect(try await database.history(model: nil, deployment: nil, since: nil, sources: SourceSelection([legacy])).contains { $0.kind == "usage-changed-model" })
    }

    @Test func theDaemonConfigurationNamesItsSource() {
        let (configuration, diagnostics) = DaemonConfiguration.parse(Array("watch: /srv\nsource: edge-07\n".utf8), file: "mw.yaml")
        #expect(diagnostics.isEmpty && configuration?.source == "edge-07")
        let (none, _) = DaemonConfiguration.parse(Array("watch: /srv\n".utf8), file: "mw.yaml")
        #expect(none != nil && none?.source == nil)
        let (bad, problems) = DaemonConfiguration.parse(Array("watch: /srv\nsource: \"\"\n".utf8), file: "mw.yaml")
        #expect(bad == nil && problems.contains { $0.message.includes("source") })
        #expect(ScanCoordinator.literalPattern("a*b[1]?") == "a\\*b\\[1\\]\\?")
        #expect(SourceSelection([ScanCoordinator.literalPattern("a*b[1]?")]).matches("a*b[1]?"))
        #expect(!SourceSelection([ScanCoordinator.literalPattern("a*")]).matches("ab"))
    }
}

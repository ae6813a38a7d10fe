import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenStore
import Testing

/// The contract every `AuditStore` keeps, written once against the protocol. `SQLiteStoreContractTests` runs each case
/// on SQLite, `PostgresStoreContractTests` on a throwaway PostgreSQL server.
enum StoreContract {
    typealias Case = @Sendable (any AuditStore) async throws -> Void

    static let cases: [String: Case] = [
        "historyAcrossScans": historyAcrossScans,
        "aScanReplacesItsOwnSourceOnly": aScanReplacesItsOwnSourceOnly,
        "theSameFolderUnderTwoSourcesIsTwoStates": theSameFolderUnderTwoSourcesIsTwoStates,
        "readersSelectSourcesByNameAndGlob": readersSelectSourcesByNameAndGlob,
        "anUnchangedRescanIsPerSource": anUnchangedRescanIsPerSource,
        "aStreamIsRecordedUnderItsSource": aStreamIsRecordedUnderItsSource,
        "reportDataCoversTheFleet": reportDataCoversTheFleet,
        "concurrentScansOfManySourcesLoseNothing": concurrentScansOfManySourcesLoseNothing,
        "modelStringsAreDataNotSQL": modelStringsAreDataNotSQL,
        "pruneKeepsTheLatestScanOfEachSource": pruneKeepsTheLatestScanOfEachSource,
        "toolsAreRecordedLikeUsages": toolsAreRecordedLikeUsages,
        "usersToolFilesAreRecordedWithScopeUser": usersToolFilesAreRecordedWithScopeUser,
        "estateCountsAreWhatTheReadersList": estateCountsAreWhatTheReadersList,
    ]

    static var names: [String] { cases.keys.sorted() }

    static let vllm = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: NAME, namespace: ml, labels: {modelwarden.io/environment: production}}
    spec:
      template:
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
              args: ["--model", "MODEL"]
    """

    static func manifest(_ name: String, _ model: String) -> String {
        vllm.replacingOccurrences(of: "NAME", with: name).replacingOccurrences(of: "MODEL", with: model)
    }

    static func recorder(_ store: any AuditStore, source: String? = nil) -> Recorder {
        Recorder(store: store, auditor: Auditor(policy: Shipped.policy, today: Shipped.today), source: source)
    }

    // MARK: - Cases

    /// The daemon's gauges come from `estateCounts`: per source, the counts of what `inventory` and open `findings` list.
    static func estateCountsAreWhatTheReadersList(_ store: any AuditStore) async throws {
        let folder = try TempFolder(), other = try TempFolder()
        try folder.write("ml/chat.yaml", manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        try folder.write("ml/code.yaml", manifest("code", "mistralai/Codestral-22B-v0.1"))
        try folder.write("ml/old.yaml", manifest("old", "mistralai/Mistral-7B-Instruct-v0.3"))
        try other.write("ml/chat.yaml", manifest("chat", "Qwen/Qwen2.5-7B-Instruct"))
        _ = try await recorder(store, source: "a").scan(paths: [folder.path])
        _ = try await recorder(store, source: "b").scan(paths: [other.path])
        try FileManager.default.removeItem(atPath: folder.path + "/ml/old.yaml")
        _ = try await recorder(store, source: "a").scan(paths: [folder.path])

        let counts = try await store.estateCounts(source: "a")
        let inventory = try await store.inventory(sources: SourceSelection(["a"]))
        let open = try await store.findings(status: "open", sources: SourceSelection(["a"]))
        #expect(counts.usages.reduce(0) { $0 + $1.count } == 2 && inventory.count == 2)
        var byLicense: [String: Int] = [:]
        for row in inventory { byLicense[row.hosting + " " + row.license, default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: counts.usages.map { ($0.hosting + " " + $0.license, $0.count) }) == byLicense)
        var byRule: [String: Int] = [:]
        for row in open { byRule[row.severity + " " + row.rule, default: 0] += 1 }
        #expect(!byRule.isEmpty && Dictionary(uniqueKeysWithValues: counts.openFindings.map { ($0.severity + " " + $0.rule, $0.count) }) == byRule)
        #expect(try await store.estateCounts(source: "nobody") == EstateCounts())
    }

    /// StoreTests.historyAcrossScans through the protocol: appear, unchanged, change model, disappear, resolve.
    static func historyAcrossScans(_ store: any AuditStore) async throws {
        let folder = try TempFolder()
        try folder.write("ml/chat.yaml", manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        try folder.write("ml/code.yaml", manifest("code", "mistralai/Codestral-22B-v0.1"))
        let first = try await recorder(store).scan(paths: [folder.path])
        #expect(first.status == "complete" && first.filesParsed == 2 && first.usages == 2)
        #expect(first.source == SourceName.defaultName(roots: [folder.path]))
        #expect(try await store.inventory(sources: .all).count == 2)
        #expect(try await store.findings(status: "open", sources: .all).contains { $0.rule == "license/non-commercial-in-production" })

        let second = try await recorder(store).scan(paths: [folder.path])
        #expect(second.status == "unchanged" && second.filesParsed == 0 && second.events == 0)

        try folder.write("ml/chat.yaml", manifest("chat", "Qwen/Qwen2.5-7B-Instruct"))
        let third = try await recorder(store).scan(paths: [folder.path])
        #expect(third.filesParsed == 1)
        let changed = try await store.history(model: nil, deployment: "ml/chat", since: nil, sources: .all).filter { $0.kind == "usage-changed-model" }
        #expect(changed.map(\.detail) == ["meta-llama/Llama-3.1-8B-Instruct -> Qwen/Qwen2.5-7B-Instruct"])
        #expect(try await store.findings(status: "resolved", sources: .all).contains { $0.rule == "license/attribution-missing" })

        try FileManager.default.removeItem(atPath: folder.path + "/ml/code.yaml")
        _ = try await recorder(store).scan(paths: [folder.path])
        #expect(try await store.inventory(sources: .all).map(\.model) == ["Qwen/Qwen2.5-7B-Instruct"])
        #expect(try await store.findings(status: "resolved", sources: .all).contains { $0.rule == "license/non-commercial-in-production" })
        let codestral = try await store.history(model: "Codestral", deployment: nil, since: nil, sources: .all)
        #expect(codestral.contains { $0.kind == "usage-disappeared" } && codestral.contains { $0.kind == "finding-resolved" })
        #expect(try await store.scans(sources: .all).map(\.status) == ["complete", "unchanged", "complete", "complete"])
    }

    static func mcpConfig(_ version: String, remote: String = "https://mcp.linear.app/mcp") -> String {
        """
        {"mcpServers": {
          "context7": {"command": "npx", "args": ["-y", "@upstash/context7-mcp@\(version)"], "env": {"CONTEXT7_API_KEY": "${CONTEXT7_API_KEY}"}},
          "linear": {"type": "http", "url": "\(remote)"}
        }}
        """
    }

    /// MCP servers appear, change pin or host, and disappear, like usages; only names are stored.
    static func toolsAreRecordedLikeUsages(_ store: any AuditStore) async throws {
        let folder = try TempFolder()
        try folder.write(".mcp.json", mcpConfig("1.0.14"))
        _ = try await recorder(store).scan(paths: [folder.path])
        let first = try await store.tools(sources: .all)
        #expect(first.map(\.name) == ["context7", "linear"])
        let context7 = try #require(first.first)
        #expect(context7.client == "claude-code" && context7.package == "@upstash/context7-mcp" && context7.version == "1.0.14" && context7.pinned)
        #expect(context7.env == ["CONTEXT7_API_KEY"] && context7.line == 2 && context7.launcher == "npx" && context7.enabled)
        #expect(first.last?.host == "mcp.linear.app" && first.last?.hostScope == "external" && first.last?.transport == "http")
        let appeared = try await store.history(model: nil, deployment: nil, since: nil, sources: .all).filter { $0.kind == "tool-appeared" }
        #expect(appeared.map(\.subject) == [".mcp.json#context7", ".mcp.json#linear"])
        // An unchanged rescan keeps them, seen again, without events.
        let unchanged = try await recorder(store).scan(paths: [folder.path], now: Date().addingTimeInterval(2))
        #expect(unchanged.status == "unchanged" && unchanged.events == 0)
        #expect(try await store.tools(sources: .all).map(\.lastSeen) != first.map(\.lastSeen))

        try folder.write(".mcp.json", mcpConfig("1.0.15", remote: "https://mcp.example.org/linear"))
        _ = try await recorder(store).scan(paths: [folder.path])
        let changed = try await store.history(model: nil, deployment: nil, since: nil, sources: .all).filter { $0.kind == "tool-changed" }
        #expect(changed.map(\.detail) == ["pin @upstash/context7-mcp@1.0.14 -> @upstash/context7-mcp@1.0.15",
                                          "host https://mcp.linear.app/mcp -> https://mcp.example.org/linear"])
        #expect(try await store.tools(sources: .all).first?.version == "1.0.15")

        try FileManager.default.removeItem(atPath: folder.path + "/.mcp.json")
        _ = try await recorder(store).scan(paths: [folder.path])
        #expect(try await store.tools(sources: .all).isEmpty)
        let gone = try await store.history(model: nil, deployment: nil, since: nil, sources: .all).filter { $0.kind == "tool-disappeared" }
        #expect(gone.count == 2)
    }

    /// The daemon's `user_tool_configs:`: a user's client files join the scan for their servers only, with scope `user`,
    /// and are hashed, rescanned and removed like walked files.
    static func usersToolFilesAreRecordedWithScopeUser(_ store: any AuditStore) async throws {
        let repository = try TempFolder(), home = try TempFolder()
        try repository.write(".mcp.json", mcpConfig("1.0.14"))
        try home.write(".codex/config.toml", "model = \"gpt-5-codex\"\n\n[mcp_servers.docs]\ncommand = \"uvx\"\nargs = [\"docs-server==0.3.1\"]\n")
        let recorder = Recorder(store: store, auditor: Auditor(policy: Shipped.policy, today: Shipped.today), source: "laptop",
                                userToolFolders: [home.path])
        _ = try await recorder.scan(paths: [repository.path])
        let tools = try await store.tools(sources: .all)
        let userFile = URL(fileURLWithPath: home.path).standardizedFileURL.path + "/.codex/config.toml"
        #expect(tools.map { "\($0.scope) \($0.client)/\($0.name)" } == ["project claude-code/context7", "project claude-code/linear", "user codex/docs"])
        #expect(tools.last?.file == userFile && tools.last?.version == "0.3.1" && tools.last?.pinned == true)
        #expect(try await store.inventory(sources: .all).allSatisfy { $0.model != "gpt-5-codex" })
        let unchanged = try await recorder.scan(paths: [repository.path], now: Date().addingTimeInterval(2))
        #expect(unchanged.status == "unchanged")

        try home.write(".codex/config.toml", "[mcp_servers.docs]\ncommand = \"uvx\"\nargs = [\"docs-server==0.4.0\"]\n")
        _ = try await recorder.scan(paths: [repository.path])
        let changed = try await store.history(model: nil, deployment: nil, since: nil, sources: .all).filter { $0.kind == "tool-changed" }
        #expect(changed.map(\.detail) == ["pin docs-server@0.3.1 -> docs-server@0.4.0"])
        try FileManager.default.removeItem(atPath: userFile)
        _ = try await recorder.scan(paths: [repository.path])
        #expect(try await store.tools(sources: .all).map(\.scope) == ["project", "project"])
        let gone = try await store.history(model: nil, deployment: nil, since: nil, sources: .all).filter { $0.kind == "tool-disappeared" }
        #expect(gone.map(\.subject) == [userFile + "#docs"])
    }

    /// The bug of issue 13: a scan of a second folder into the same store retired every usage of the first.
    static func aScanReplacesItsOwnSourceOnly(_ store: any AuditStore) async throws {
        let web = try TempFolder(), ci = try TempFolder()
        try web.write("ml/chat.yaml", manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        try web.write("ml/code.yaml", manifest("code", "mistralai/Codestral-22B-v0.1"))
        try ci.write("deploy/batch.yaml", manifest("batch", "Qwen/Qwen2.5-7B-Instruct"))
        _ = try await recorder(store, source: "web-01").scan(paths: [web.path])
        let openOnWeb = try await store.findings(status: "open", sources: SourceSelection(["web-01"])).count
        #expect(openOnWeb > 0)
        _ = try await recorder(store, source: "ci-batch").scan(paths: [ci.path])

        // Both sources are in the inventory; the first lost nothing.
        let inventory = try await store.inventory(sources: .all)
        #expect(Set(inventory.map(\.source)) == ["web-01", "ci-batch"])
        #expect(inventory.filter { $0.source == "web-01" }.count == 2)
        #expect(try await store.findings(status: "open", sources: SourceSelection(["web-01"])).count == openOnWeb)
        #expect(try await store.findings(status: "resolved", sources: .all).isEmpty)
        let history = try await store.history(model: nil, deployment: nil, since: nil, sources: .all)
        #expect(!history.contains { $0.kind == "usage-disappeared" || $0.kind == "finding-resolved" })
        #expect(Set(history.map(\.source)) == ["web-01", "ci-batch"])

        // Rescanning one source after a deletion retires only that source's usages.
        try FileManager.default.removeItem(atPath: web.path + "/ml/code.yaml")
        _ = try await recorder(store, source: "web-01").scan(paths: [web.path])
        let after = try await store.inventory(sources: .all)
        #expect(after.filter { $0.source == "web-01" }.map(\.model) == ["meta-llama/Llama-3.1-8B-Instruct"])
        #expect(after.filter { $0.source == "ci-batch" }.map(\.model) == ["Qwen/Qwen2.5-7B-Instruct"])
        let gone = try await store.history(model: nil, deployment: nil, since: nil, sources: .all).filter { $0.kind == "usage-disappeared" }
        #expect(gone.map(\.source) == ["web-01"] && gone.map(\.model) == ["mistralai/Codestral-22B-v0.1"])
        #expect(try await store.findings(status: "resolved", sources: .all).allSatisfy { $0.source == "web-01" })
        #expect(try await store.sources().map(\.name) == ["ci-batch", "web-01"])
    }

    /// Two servers with the same checkout path: each source keeps its own files, usages and findings.
    static func theSameFolderUnderTwoSourcesIsTwoStates(_ store: any AuditStore) async throws {
        let folder = try TempFolder()
        try folder.write("ml/chat.yaml", manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        let a = try await recorder(store, source: "a").scan(paths: [folder.path])
        let b = try await recorder(store, source: "b").scan(paths: [folder.path])
        #expect(a.status == "complete" && b.status == "complete" && b.filesParsed == 1)
        #expect(try await store.inventory(sources: .all).map(\.source).sorted() == ["a", "b"])
        try folder.write("ml/chat.yaml", manifest("chat", "Qwen/Qwen2.5-7B-Instruct"))
        _ = try await recorder(store, source: "a").scan(paths: [folder.path])
        let inventory = try await store.inventory(sources: .all)
        #expect(inventory.first { $0.source == "a" }?.model == "Qwen/Qwen2.5-7B-Instruct")
        #expect(inventory.first { $0.source == "b" }?.model == "meta-llama/Llama-3.1-8B-Instruct")
    }

    static func readersSelectSourcesByNameAndGlob(_ store: any AuditStore) async throws {
        let folder = try TempFolder()
        for (index, source) in ["web-01", "web-02", "ci-payments", "ci[odd]name*"].enumerated() {
            try folder.write("\(source)/app.yaml", manifest("app-\(index)", "meta-llama/Llama-3.1-8B-Instruct"))
            _ = try await recorder(store, source: source).scan(paths: [folder.path + "/" + source])
        }
        func inventory(_ patterns: [String]) async throws -> [String] {
            try await store.inventory(sources: SourceSelection(patterns)).map(\.source).sorted()
        }
        #expect(try await inventory([]) == ["ci-payments", "ci[odd]name*", "web-01", "web-02"])
        #expect(try await inventory(["web-*"]) == ["web-01", "web-02"])
        #expect(try await inventory(["web-01", "ci-pay*"]) == ["ci-payments", "web-01"])
        #expect(try await inventory(["nothing-*"]) == [])
        #expect(try await inventory(["ci\\[odd\\]name\\*"]) == ["ci[odd]name*"])
        #expect(try await store.findings(status: nil, sources: SourceSelection(["web-02"])).allSatisfy { $0.source == "web-02" })
        #expect(try await store.scans(sources: SourceSelection(["ci*"])).map(\.source) == ["ci-payments", "ci[odd]name*"])
        let events = try await store.history(model: nil, deployment: nil, since: nil, sources: SourceSelection(["web-0?"]))
        #expect(!events.isEmpty && Set(events.map(\.source)) == ["web-01", "web-02"])
    }

    /// Another source's scan does not make this source's next scan a changed one, nor the other way round.
    static func anUnchangedRescanIsPerSource(_ store: any AuditStore) async throws {
        let a = try TempFolder(), b = try TempFolder()
        try a.write("x.yaml", manifest("x", "meta-llama/Llama-3.1-8B-Instruct"))
        try b.write("y.yaml", manifest("y", "Qwen/Qwen2.5-7B-Instruct"))
        _ = try await recorder(store, source: "a").scan(paths: [a.path])
        _ = try await recorder(store, source: "b").scan(paths: [b.path])
        let again = try await recorder(store, source: "a").scan(paths: [a.path])
        #expect(again.status == "unchanged" && again.usages == 1 && again.source == "a")
        let scans = try await store.scans(sources: SourceSelection(["a"]))
        #expect(scans.map(\.status) == ["complete", "unchanged"])
        #expect(try await store.inventory(sources: SourceSelection(["a"])).first?.lastSeen != nil)
    }

    static func aStreamIsRecordedUnderItsSource(_ store: any AuditStore) async throws {
        let stream = StandardInputStream(bytes: Array(StandardInputTests.helmStream.utf8))
        let summary = try await recorder(store, source: "helm-release").scan(stream: stream)
        #expect(summary.status == "complete" && summary.usages == 2 && summary.source == "helm-release")
        #expect(try await store.inventory(sources: SourceSelection(["helm-release"])).count == 2)
        let again = try await recorder(store, source: "helm-release").scan(stream: StandardInputStream(bytes: Array(StandardInputTests.helmStream.utf8)))
        #expect(again.status == "unchanged")
    }

    static func reportDataCoversTheFleet(_ store: any AuditStore) async throws {
        let folder = try TempFolder()
        for source in ["web-01", "web-02", "ci-x"] {
            try folder.write("\(source)/chat.yaml", manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        }
        try folder.write("ci-x/code.yaml", manifest("code", "mistralai/Codestral-22B-v0.1"))
        for source in ["web-01", "web-02", "ci-x"] {
            _ = try await recorder(store, source: source).scan(paths: [folder.path + "/" + source])
        }
        let builder = ReportBuilder(policy: Shipped.policy, toolVersion: "test", generatedAt: "2026-11-29T10:00:00Z")
        let report = try await builder.report(from: store, since: nil, until: nil)
        let fleet = try #require(report.fleet)
        #expect(fleet.sources.map(\.name) == ["ci-x", "web-01", "web-02"])
        #expect(fleet.sources.first { $0.name == "ci-x" }?.usages == 2)
        #expect(fleet.models.first?.label == "meta-llama/Llama-3.1-8B-Instruct" && fleet.models.first?.sources == 3)
        #expect(fleet.models.first { $0.label == "mistralai/Codestral-22B-v0.1" }?.sources == 1)
        #expect(fleet.sources.allSatisfy { $0.openFindings > 0 })
        #expect(report.summary.usages == 4 && report.summary.deployments == 4)
        var usages: [ComplianceReport.UsageRecord] = []
        try report.usages.forEach { usages.append($0) }
        #expect(usages.count == 4 && Set(usages.compactMap(\.source)) == ["ci-x", "web-01", "web-02"])
        #expect(usages.allSatisfy { $0.licenseKind != nil })
        var findings: [ComplianceReport.FindingRecord] = []
        try report.findings.forEach { findings.append($0) }
        #expect(!findings.isEmpty && findings.allSatisfy { $0.source != nil && $0.title != $0.rule })

        let one = try await builder.report(from: store, since: nil, until: nil, sources: SourceSelection(["web-*"]))
        #expect(one.fleet?.sources.map(\.name) == ["web-01", "web-02"] && one.summary.usages == 2)
        #expect(one.scans.count == 2)
    }

    /// Twelve sources recorded at once: every scan is recorded whole, none waits forever.
    static func concurrentScansOfManySourcesLoseNothing(_ store: any AuditStore) async throws {
        let folder = try TempFolder()
        let sources = (0..<12).map { "node-\($0)" }
        for (index, source) in sources.enumerated() {
            for file in 0..<5 {
                try folder.write("\(source)/app-\(file).yaml", manifest("app-\(file)", index % 2 == 0 ? "meta-llama/Llama-3.1-8B-Instruct" : "Qwen/Qwen2.5-7B-Instruct"))
            }
        }
        try await withThrowingTaskGroup(of: ScanSummary.self) { group in
            for source in sources {
                let path = folder.path + "/" + source
                group.addTask { try await recorder(store, source: source).scan(paths: [path]) }
            }
            for try await summary in group { #expect(summary.status == "complete" && summary.usages == 5) }
        }
        let inventory = try await store.inventory(sources: .all)
        #expect(inventory.count == 60)
        #expect(Set(inventory.map(\.source)) == Set(sources))
        #expect(try await store.scans(sources: .all).count == 12)
    }

    /// Names and model strings come from users and manifests: quotes and SQL in them are stored as written.
    static func modelStringsAreDataNotSQL(_ store: any AuditStore) async throws {
        let folder = try TempFolder()
        try folder.write("x.yaml", manifest("x", "acme/model'); DROP TABLE usage; --"))
        let hostile = "it's a source'); DROP TABLE source; --"
        _ = try await recorder(store, source: hostile).scan(paths: [folder.path])
        _ = try await recorder(store, source: "other").scan(paths: [folder.path])
        let inventory = try await store.inventory(sources: SourceSelection(["it's*"]))
        #expect(inventory.count == 1 && inventory.allSatisfy { $0.source == hostile && $0.model?.hasPrefix("acme/model") == true })
        #expect(try await store.sources().map(\.name) == [hostile, "other"])
        let events = try await store.history(model: "acme", deployment: nil, since: nil, sources: SourceSelection([hostile]))
        #expect(!events.isEmpty && events.allSatisfy { $0.source == hostile })
    }

    /// Retention: old scans and their events go, the latest scan of each source and what is in use now stay, and
    /// the store keeps recording afterwards (every reference to a deleted scan was moved or went with it).
    static func pruneKeepsTheLatestScanOfEachSource(_ store: any AuditStore) async throws {
        let a = try TempFolder(), b = try TempFolder()
        try a.write("ml/chat.yaml", manifest("chat", "meta-llama/Llama-3.1-8B-Instruct"))
        try a.write("ml/old.yaml", manifest("old", "mistralai/Mixtral-8x7B-Instruct-v0.1"))
        let first = try await recorder(store, source: "a").scan(paths: [a.path])
        try FileManager.default.removeItem(atPath: a.path + "/ml/old.yaml")
        try a.write("ml/chat.yaml", manifest("chat", "Qwen/Qwen2.5-7B-Instruct"))
        _ = try await recorder(store, source: "a").scan(paths: [a.path])
        try b.write("y.yaml", manifest("y", "meta-llama/Llama-3.1-8B-Instruct"))
        _ = try await recorder(store, source: "b").scan(paths: [b.path])
        func state() async throws -> [String] {
            try await store.inventory(sources: .all).map { "\($0.source) \($0.model ?? "") \($0.firstSeen)" }.sorted()
                + (try await store.findings(status: "open", sources: .all).map { "\($0.source) \($0.fingerprint)" }.sorted())
        }
        let before = try await state()
        let firstEvents = try await store.history(model: nil, deployment: nil, since: nil, sources: .all).filter { $0.scanID == first.scanID }.count

        // Three days on, keeping one day: every scan is old, and only source a has one that is not its latest.
        let later = Date().addingTimeInterval(3 * 86400)
        let summary = try await store.prune(keepDays: 1, now: later)
        #expect(summary.scans == 1 && summary.sources == [PruneSummary.SourceCount(source: "a", scans: 1)])
        #expect(summary.events == firstEvents && firstEvents > 0)
        // Gone before the cutoff: old.yaml's usage and deployment, and chat's Llama usage (it became Qwen).
        #expect(summary.usages == 2 && summary.deployments == 1, "\(summary)")
        #expect(try await store.scans(sources: .all).map(\.source) == ["a", "b"])
        #expect(try await state() == before)
        #expect(try await store.history(model: nil, deployment: nil, since: nil, sources: .all).allSatisfy { $0.scanID != first.scanID })

        // The store records on: a new usage, an unchanged rescan, and nothing more to prune.
        try a.write("ml/new.yaml", manifest("new", "mistralai/Mixtral-8x7B-Instruct-v0.1"))
        let next = try await recorder(store, source: "a").scan(paths: [a.path])
        #expect(next.status == "complete" && next.usages == 2)
        #expect(try await recorder(store, source: "b").scan(paths: [b.path]).status == "unchanged")
        #expect(try await store.prune(keepDays: 1, now: later).scans == 2, "a's and b's previous scans")
        #expect(try await store.prune(keepDays: 30, now: Date()).scans == 0)
        #expect(try await store.inventory(sources: .all).count == 3)
    }
}

@Suite("Store contract: SQLite") struct SQLiteStoreContractTests {
    @Test(arguments: StoreContract.names)
    func contract(_ name: String) async throws {
        try await StoreContract.cases[name]!(try AuditDatabase.inMemory())
    }

    /// A file database, as the CLI and the daemon use it (a pool, WAL): the concurrency case again.
    @Test func concurrentScansIntoAFile() async throws {
        let folder = try TempFolder()
        try await StoreContract.concurrentScansOfManySourcesLoseNothing(try AuditDatabase.open(path: folder.path + "/fleet.sqlite"))
    }
}

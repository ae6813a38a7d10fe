import Foundation
import ModelwardenCore
import ModelwardenManifests
import GRDB
import ModelwardenStore
import Testing

/// An audit with a memo of the earlier audits of an estate must say exactly what a full audit says, after any sequence
/// of edits, additions, deletions and renames, while analysing again only what can see a changed file.
@Suite struct IncrementalAuditTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    func anIncrementalAuditEqualsAFullAuditAfterEveryRandomEdit(seed: UInt64) {
        var estate = GeneratedEstate(seed: seed)
        let auditor = Auditor(policy: Shipped.policy, today: Shipped.today)
        let memo = AuditMemo()
        var reused = 0
        for step in 0..<25 {
            if step > 0 { estate.edit() }
            let files = estate.files
            let incremental = auditor.audit(texts: files, memo: memo)
            let full = auditor.audit(texts: files)
            let difference = AuditComparison.difference(incremental, full)
            #expect(difference == nil, "seed \(seed), step \(step) after \(estate.lastEdit): \(difference ?? "")")
            if difference != nil { return }
            if step > 0 { reused += memo.lastAudit.workloadsReused }
        }
        // The memo is used: most workloads were not analysed again.
        #expect(reused > 0)
    }

    /// The daemon's path: a recorder with a scan cache (and its memo) over files on disk records what a fresh process
    /// records, usages, findings and events alike, after each random edit.
    @Test(arguments: [21, 22, 23])
    func aRecorderWithAMemoRecordsWhatAFreshRecorderRecords(seed: UInt64) async throws {
        var estate = GeneratedEstate(seed: seed)
        let folder = try TempFolder()
        let withMemo = try AuditDatabase.inMemory(), fresh = try AuditDatabase.inMemory()
        let cache = ScanCache()
        let auditor = Auditor(policy: Shipped.policy, today: Shipped.today)
        var written = Set<String>()
        for step in 0..<12 {
            if step > 0 { estate.edit() }
            let now = Set(estate.files.map(\.path))
            for gone in written.subtracting(now) { try FileManager.default.removeItem(atPath: folder.path + "/" + gone) }
            for file in estate.files { try folder.write(file.path, file.text) }
            written = now
            let a = try await Recorder(database: withMemo, auditor: auditor, source: "estate", cache: cache).scan(paths: [folder.path])
            let b = try await Recorder(database: fresh, auditor: auditor, source: "estate").scan(paths: [folder.path])
            let context = "seed \(seed), step \(step) after \(estate.lastEdit)"
            #expect(a.usages == b.usages && a.openFindings == b.openFindings && a.waivedFindings == b.waivedFindings && a.events == b.events, "\(context)")
            #expect(try withMemo.inventory().map(Self.describe) == fresh.inventory().map(Self.describe), "\(context)")
            #expect(try withMemo.findings().map { "\($0.fingerprint) \($0.status)" } == fresh.findings().map { "\($0.fingerprint) \($0.status)" }, "\(context)")
            #expect(try withMemo.history().map { "\($0.kind) \($0.deployment ?? "") \($0.model ?? "") \($0.subject) \($0.detail)" }
                == fresh.history().map { "\($0.kind) \($0.deployment ?? "") \($0.model ?? "") \($0.subject) \($0.detail)" }, "\(context)")
            // The store writes only changed rows and marks the others seen: its state is what a first scan writes.
            let first = try AuditDatabase.inMemory()
            _ = try await Recorder(database: first, auditor: auditor, source: "estate").scan(paths: [folder.path])
            // Sorted: rows of one place and model (a ConfigMap two deployments read) tie in the inventory's order.
            let kept = try withMemo.inventory().map(Self.describe).sorted(), truth = try first.inventory().map(Self.describe).sorted()
            #expect(kept == truth, "\(context): \(AuditComparison.firstDifference(kept, truth))")
            #expect(try withMemo.findings().filter { $0.status != "resolved" }.map(Self.describe).sorted() == first.findings().map(Self.describe).sorted(),
                    "\(context)")
            #expect(try await Self.staleMarks(withMemo) == 0, "\(context)")
        }
    }

    static func describe(_ row: FindingRow) -> String {
        "\(row.fingerprint) \(row.status) \(row.severity) \(row.file):\(row.line):\(row.column) \(row.message) \(row.waiver ?? "")"
    }

    /// Rows the last scan saw whose last-seen time, as the store answers it, is not that scan's.
    static func staleMarks(_ database: AuditDatabase) async throws -> Int {
        guard let last = try database.scans().last else { return -1 }
        return try database.inventory().filter { $0.lastSeen != last.startedAt }.count
            + database.findings().filter { $0.status != "resolved" && $0.lastSeen != last.startedAt }.count
            + (try await database.tools(sources: .all)).filter { $0.lastSeen != last.startedAt }.count
    }

    static func describe(_ row: InventoryRow) -> String {
        "\(row.deployment) \(row.model ?? "") \(row.vendor) \(row.license) \(row.hosting) \(row.runtime ?? "") \(row.api ?? "") \(row.file):\(row.line):\(row.column)"
    }

    @Test func onlyTheDeploymentsThatSeeAChangedConfigMapAreAnalysedAgain() {
        let auditor = Auditor(policy: Shipped.policy, today: Shipped.today)
        var files: [(path: String, text: String)] = (0..<20).map { index in
            ("apps/app-\(index).yaml", GeneratedEstate.deployment(name: "app-\(index)", namespace: "ns", model: "gpt-4o-mini",
                                                                   configMap: index < 3 ? "shared" : nil, baseURL: nil))
        }
        files.append(("apps/shared.yaml", GeneratedEstate.configMap(name: "shared", namespace: "ns", model: "claude-3-5-sonnet-20241022",
                                                                     baseURL: nil)))
        let memo = AuditMemo()
        _ = auditor.audit(texts: files, memo: memo)
        #expect(memo.lastAudit.workloadsAnalysed == 20 && memo.lastAudit.workloadsReused == 0)
        files[20].text = GeneratedEstate.configMap(name: "shared", namespace: "ns", model: "mistralai/Mistral-7B-Instruct-v0.3", baseURL: nil)
        let incremental = auditor.audit(texts: files, memo: memo)
        #expect(memo.lastAudit.workloadsAnalysed == 3 && memo.lastAudit.workloadsReused == 17)
        #expect(AuditComparison.difference(incremental, auditor.audit(texts: files)) == nil)
        #expect(incremental.usages.contains { $0.usage.model == "mistralai/Mistral-7B-Instruct-v0.3" && $0.usage.deployment.name == "app-0" })
    }

    @Test func aClientOfAGatewayIsAnalysedAgainWhenTheGatewaysRoutesChange() {
        let auditor = Auditor(policy: Shipped.policy, today: Shipped.today)
        let compose = GeneratedEstate.compose(gateway: true, clients: [("app", "default", nil)])
        var files: [(path: String, text: String)] = [("gw/docker-compose.yml", compose),
                                                     ("gw/litellm.yaml", GeneratedEstate.liteLLM(routes: [("default", "anthropic/claude-3-5-sonnet-20241022", nil)]))]
        let memo = AuditMemo()
        _ = auditor.audit(texts: files, memo: memo)
        files[1].text = GeneratedEstate.liteLLM(routes: [("default", "gpt-4o", nil)])
        let incremental = auditor.audit(texts: files, memo: memo)
        #expect(memo.lastAudit.secondPassesAnalysed == 1)
        #expect(AuditComparison.difference(incremental, auditor.audit(texts: files)) == nil)
        #expect(incremental.usages.contains { $0.usage.deployment.name == "app" && $0.usage.api == "openai" })
    }

    /// Entries of deleted files stay until the memo holds more than twice what an audit used; then it starts afresh.
    @Test func aMemoThatShrinksWithTheEstateStillAnswersLikeAFullAudit() {
        let auditor = Auditor(policy: Shipped.policy, today: Shipped.today)
        let all: [(path: String, text: String)] = (0..<120).map { index in
            ("apps/app-\(index).yaml", GeneratedEstate.deployment(name: "app-\(index)", namespace: "ns", model: "gpt-4o-mini", configMap: nil, baseURL: nil))
        }
        let memo = AuditMemo()
        _ = auditor.audit(texts: all, memo: memo)
        for count in [100, 10, 11, 120] {
            let files = Array(all.prefix(count))
            let incremental = auditor.audit(texts: files, memo: memo)
            #expect(AuditComparison.difference(incremental, auditor.audit(texts: files)) == nil, "\(count) files")
        }
        // The last audit found all 120 again: those its memo had dropped when the estate shrank were analysed again.
        #expect(memo.lastAudit.workloadsAnalysed == 109 && memo.lastAudit.workloadsReused == 11)
    }

    @Test func aMemoOfAnotherPolicySetIsNotUsed() {
        let files: [(path: String, text: String)] = [("a.yaml", GeneratedEstate.deployment(name: "a", namespace: "ns", model: "gpt-4o-mini",
                                                                                          configMap: nil, baseURL: nil))]
        let memo = AuditMemo()
        _ = Auditor(policy: Shipped.policy, today: Shipped.today).audit(texts: files, memo: memo)
        _ = Auditor(policy: Shipped.estate, today: Shipped.today).audit(texts: files, memo: memo)
        #expect(memo.lastAudit.workloadsAnalysed == 1 && memo.lastAudit.workloadsReused == 0)
    }
}

/// What differs between two audit results, field by field; nil when they are the same.
enum AuditComparison {
    static func difference(_ a: AuditResult, _ b: AuditResult) -> String? {
        func resolved(_ result: AuditResult) -> [String] {
            result.usages.map { item in
                "\(item.usage) match=\(item.match?.model.id ?? "-")/\(item.match?.matchedText ?? "-") license=\(item.license?.id ?? "-") "
                    + "provider=\(item.provider?.id ?? "-") publisher=\(item.publisher ?? "-")"
            }
        }
        if a.files != b.files || a.unread != b.unread { return "file counts" }
        if a.deployments != b.deployments { return "deployments" }
        if resolved(a) != resolved(b) { return "usages: \(firstDifference(resolved(a), resolved(b)))" }
        if a.findings != b.findings { return "findings: \(firstDifference(a.findings.map { "\($0)" }, b.findings.map { "\($0)" }))" }
        if a.diagnostics != b.diagnostics { return "diagnostics" }
        if a.roles != b.roles || a.supported != b.supported { return "roles or supported models" }
        if a.tools != b.tools { return "tools" }
        return nil
    }

    static func firstDifference(_ a: [String], _ b: [String]) -> String {
        for (x, y) in zip(a, b) where x != y { return "\(x)\n  vs \(y)" }
        return "\(a.count) vs \(b.count) entries"
    }
}

/// A seeded estate in the shapes the cross-file stage joins: Kubernetes Deployments reading ConfigMaps (by
/// namespace/name and by name alone), Services selecting model servers, clients of in-house hosts, compose files with
/// a LiteLLM gateway, its routes (some sent through `os.environ/` variables) and env files beside them.
struct GeneratedEstate {
    private var random: SplitMix64
    private(set) var files: [(path: String, text: String)] = []
    private(set) var lastEdit = "nothing"
    private var counter = 0

    static let models = ["gpt-4o-mini", "gpt-4o", "meta-llama/Llama-3.1-8B-Instruct", "claude-3-5-sonnet-20241022",
                         "mistralai/Mistral-7B-Instruct-v0.3", "Qwen/Qwen2.5-7B-Instruct", "anthropic/claude-3-5-sonnet-20241022",
                         "ollama/llama3", "hosted_vllm/Qwen/Qwen2.5-7B-Instruct"]
    static let namespaces = ["ml", "shop", "ops"]
    static let folders = ["gw", "chat", "search", "k8s/ml", "k8s/shop"]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        for _ in 0..<24 { files.append(newFile()) }
    }

    /// Writes one file (a test's own edit between the generator's).
    mutating func set(_ path: String, _ text: String) {
        files.removeAll { $0.path == path }
        files.append((path, text))
    }

    mutating func edit() {
        guard !files.isEmpty else {
            files.append(newFile())
            lastEdit = "add to an empty estate"
            return
        }
        let index = random.next(files.count)
        switch random.next(5) {
        case 4:
            // What most commits do to most files: a comment, the same objects.
            let (path, text) = files[index]
            files[index] = (path, text + "# reviewed \(random.next(1000))\n")
            lastEdit = "comment in \(path)"
        case 0:
            let path = files[index].path
            files[index] = (path, content(for: path))
            lastEdit = "edit \(path)"
        case 1:
            lastEdit = "delete \(files[index].path)"
            files.remove(at: index)
        case 2:
            let file = newFile()
            files.removeAll { $0.path == file.path }
            files.append(file)
            lastEdit = "add \(file.path)"
        default:
            let old = files[index].path
            let name = old.split(separator: "/").last.map(String.init) ?? old
            let path = pick(Self.folders) + "/" + name
            files.remove(at: index)
            files.removeAll { $0.path == path }
            files.append((path, content(for: path)))
            lastEdit = "rename \(old) to \(path)"
        }
    }

    private mutating func newFile() -> (path: String, text: String) {
        counter += 1
        let folder = pick(Self.folders)
        let names = ["deploy-\(counter).yaml", "bundle-\(counter % 3).yaml", "configmap-\(pick(["a", "b", "c"])).yaml", "service-\(pick(["vllm", "gateway"])).yaml",
                     "server-\(pick(["vllm", "gateway"])).yaml", "docker-compose.yml", "litellm.yaml", ".env", "app.env", "env.sh"]
        let path = folder + "/" + pick(names)
        return (path, content(for: path))
    }

    /// A file whose shape its name says, with random models, namespaces and hosts.
    private mutating func content(for path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let namespace = pick(Self.namespaces)
        switch true {
        case name.hasPrefix("configmap-"):
            let map = String(name.dropFirst("configmap-".count).dropLast(".yaml".count))
            return Self.configMap(name: map, namespace: namespace, model: pick(Self.models), baseURL: maybe(hosts))
        case name.hasPrefix("bundle-"):
            let app = "bundle-" + String(name.dropFirst("bundle-".count).dropLast(".yaml".count))
            return Self.bundle(app: app, namespace: namespace, model: pick(Self.models), replicas: 1 + random.next(3))
        case name.hasPrefix("service-"):
            let target = String(name.dropFirst("service-".count).dropLast(".yaml".count))
            return Self.service(name: target + "-svc", namespace: namespace, app: target)
        case name.hasPrefix("server-"):
            let target = String(name.dropFirst("server-".count).dropLast(".yaml".count))
            return Self.server(app: target, namespace: namespace, model: pick(Self.models), gateway: target == "gateway")
        case name == "docker-compose.yml":
            let clients = (0..<(1 + random.next(2))).map { index in
                ("client-\(index)", pick(["default", "${LLM_MODEL}", "fast"] + Self.models), maybe(["app.env"]))
            }
            return Self.compose(gateway: random.next(3) > 0, clients: clients)
        case name == "litellm.yaml":
            let routes = (0..<(1 + random.next(3))).map { index in
                (pick(["default", "fast", "model-\(index)"]), pick(Self.models), maybe(["os.environ/VLLM_BASE", "http://vllm-svc.ml:8000/v1",
                                                                                     "https://api.openai.com/v1"]))
            }
            return Self.liteLLM(routes: routes)
        case name == ".env", name == "app.env", name == "env.sh":
            var lines = ["LLM_MODEL=\(pick(Self.models))"]
            if random.next(2) == 0 { lines.append("VLLM_BASE=\(pick(hosts))") }
            if random.next(2) == 0 { lines.append("OPENAI_BASE_URL=\(pick(hosts))") }
            return lines.map { name == "env.sh" ? "export " + $0 : $0 }.joined(separator: "\n") + "\n"
        default:
            return Self.deployment(name: "app-\(counter)-\(random.next(1000))", namespace: namespace, model: pick(Self.models + ["$(LLM_MODEL)"]),
                                   configMap: maybe(["a", "b", "c", "ml/a", "shop/b"]), baseURL: maybe(hosts))
        }
    }

    private var hosts: [String] {
        ["http://vllm-svc:8000/v1", "http://vllm-svc.ml.svc:8000/v1", "http://bundle-1.ml:8000/v1", "http://gateway-svc.shop:4000", "http://litellm:4000",
         "http://gateway:4000", "https://api.openai.com/v1"]
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[random.next(items.count)] }

    private mutating func maybe<T>(_ items: [T]) -> T? { random.next(2) == 0 ? nil : pick(items) }

    static func deployment(name: String, namespace: String, model: String, configMap: String?, baseURL: String?) -> String {
        var env = ["            - {name: OPENAI_MODEL, value: \"\(model)\"}"]
        if let baseURL { env.append("            - {name: OPENAI_BASE_URL, value: \"\(baseURL)\"}") }
        var envFrom = ""
        if let configMap {
            env.append("            - name: LLM_MODEL\n              valueFrom: {configMapKeyRef: {name: \(configMap), key: LLM_MODEL}}")
            envFrom = "\n          envFrom:\n            - configMapRef: {name: \(configMap)}"
        }
        return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: \(namespace), labels: {app: \(name)}}
        spec:
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers:
                - name: app
                  image: ghcr.io/example/app:1.0\(envFrom)
                  env:
        \(env.joined(separator: "\n"))

        """
    }

    static func configMap(name: String, namespace: String, model: String, baseURL: String?) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: \(name), namespace: \(namespace)}
        data:
          LLM_MODEL: "\(model)"\(baseURL.map { "\n  OPENAI_BASE_URL: \"\($0)\"" } ?? "")

        """
    }

    static func service(name: String, namespace: String, app: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          selector: {app: \(app)}
          ports: [{port: 8000}]

        """
    }

    static func server(app: String, namespace: String, model: String, gateway: Bool) -> String {
        let container = gateway ? "image: ghcr.io/berriai/litellm:main-latest" : "image: vllm/vllm-openai:v0.6.3\n          args: [\"--model\", \"\(model)\"]"
        return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(app), namespace: \(namespace)}
        spec:
          template:
            metadata: {labels: {app: \(app)}}
            spec:
              containers:
                - name: server
                  \(container)

        """
    }

    /// A model server as such repositories ship one: its ConfigMap, Deployment and Service in one file.
    static func bundle(app: String, namespace: String, model: String, replicas: Int) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: \(app)-config, namespace: \(namespace)}
        data:
          MODEL: "\(model)"
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(app), namespace: \(namespace), labels: {app: \(app)}}
        spec:
          replicas: \(replicas)
          template:
            metadata: {labels: {app: \(app)}}
            spec:
              containers:
                - name: server
                  image: vllm/vllm-openai:v0.6.3
                  args: ["--model", "$(MODEL)"]
                  env:
                    - name: MODEL
                      valueFrom: {configMapKeyRef: {name: \(app)-config, key: MODEL}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: \(app), namespace: \(namespace)}
        spec:
          selector: {app: \(app)}
          ports: [{port: 8000}]

        """
    }

    static func compose(gateway: Bool, clients: [(name: String, model: String, envFile: String?)]) -> String {
        var text = "services:\n"
        if gateway { text += "  litellm:\n    image: ghcr.io/berriai/litellm:main-latest\n    volumes: [./litellm.yaml:/app/config.yaml]\n" }
        for client in clients {
            text += "  \(client.name):\n    image: ghcr.io/example/app:1\n"
            if let envFile = client.envFile { text += "    env_file: [\(envFile)]\n" }
            text += "    environment:\n      OPENAI_BASE_URL: http://litellm:4000\n      OPENAI_MODEL: \"\(client.model)\"\n"
        }
        return text
    }

    static func liteLLM(routes: [(alias: String, model: String, apiBase: String?)]) -> String {
        var text = "model_list:\n"
        for route in routes {
            text += "  - model_name: \(route.alias)\n    litellm_params:\n      model: \(route.model)\n"
            if let apiBase = route.apiBase { text += "      api_base: \(apiBase)\n" }
        }
        return text
    }
}

/// A small seeded generator, so a failing sequence can be replayed from its seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

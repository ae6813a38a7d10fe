import Foundation
import ModelwardenCore
import Synchronization

/// Everything a changed scan of one source records, prepared from the audit result so that both backends write the
/// same rows: deduplicated deployments, usages and findings, and the files with their cached scans.
public struct ScanRecording: Sendable {
    public struct File: Sendable {
        public var path: String
        public var absolutePath: String
        public var size: Int64
        public var mtime: Double
        public var sha256: String
        public var parsed: Bool
        /// The file's scan as JSON, when it was parsed now (an unchanged file keeps its cached scan).
        public var cache: Data?
    }

    public struct Deployment: Sendable {
        /// kind|namespace|name|file: the deployment's identity within its source.
        public var key: String
        public var kind: String
        public var namespace: String
        public var name: String
        public var file: String
        /// The labels as JSON with sorted keys.
        public var labels: String
    }

    public struct Usage: Sendable {
        /// Where the usage is and what it names, not its line: its identity across scans of the source.
        public var key: String
        public var deploymentKey: String
        public var deploymentName: String
        public var model: String?
        public var vendor: String
        public var family: String
        public var license: String
        public var hosting: String
        public var runtime: String?
        public var api: String?
        public var file: String
        public var line: Int
        public var column: Int
        public var evidence: String
    }

    public struct Finding: Sendable {
        public var fingerprint: String
        public var rule: String
        public var severity: String
        /// `open` or `waived`.
        public var status: String
        public var deployment: String?
        public var model: String?
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var remediation: String
        public var waiver: String?
        /// For the `waiver/expired` finding: where the waiver is, the subject of its event.
        public var expiredWaiverLocation: String?
    }

    /// An MCP server as recorded: names and shapes only, like `ToolServer`.
    public struct Tool: Sendable {
        /// file|client|name: the server's identity within its source.
        public var key: String
        public var name: String
        public var client: String
        public var file: String
        public var line: Int
        public var column: Int
        public var enabled: Bool
        public var transport: String
        public var launcher: String?
        public var package: String?
        public var version: String?
        public var pinned: Bool
        public var url: String?
        public var host: String?
        public var hostScope: String?
        /// JSON lists of names.
        public var auth: String
        public var env: String
        public var dataClassification: String?
        /// `project` or `user` (`ToolServer.scope`).
        public var scope: String = "project"
    }

    public var source: String
    public var startedAt: String
    public var finishedAt: String
    /// When the usages and findings were seen: the scan's `now`.
    public var seenAt: String
    public var roots: [String]
    public var policyDigest: String
    /// The policy digest of the source's previous scan.
    public var previousPolicyDigest: String?
    /// The subject of a `policy-set-changed` event.
    public var policyRoot: String
    public var files: [File]
    /// Absolute paths of the source's files under the scanned roots that are gone.
    public var removedFiles: [String]
    public var deployments: [Deployment]
    public var usages: [Usage]
    /// Keys of every usage found, also those without a recorded deployment: none of them has disappeared.
    public var foundUsageKeys: Set<String>
    public var findings: [Finding]
    public var tools: [Tool] = []
    /// The counts the summary reports, as the audit found them.
    public var deploymentsFound: Int
    public var usagesFound: Int
    public var openFindings: Int
    public var waivedFindings: Int
    public var diagnostics: [Diagnostic]

    /// A recording of some files only (the daemon's scan of the files its watcher named): every row of another file
    /// stays as it is, marked seen by this scan. Nil: the recording holds the whole source.
    public struct Scope: Sendable {
        /// The changed files' paths as rows name them (`file`).
        public var files: Set<String>
        /// How many files the source has now, and how many of them were parsed.
        public var fileCount: Int
        public var filesParsed: Int
    }

    public var scope: Scope? = nil
    /// What the SQLite store keeps for the next scan to patch from; nil: it forgets what it kept.
    public var estate: EstateRecord? = nil

    var fileCount: Int { scope?.fileCount ?? files.count }
    /// The scope's files as a JSON list, for `file IN (SELECT value FROM json_each(?))`.
    var scopeJSON: String { scope.map { AuditDatabase.jsonList($0.files.sorted()) } ?? "[]" }

    var rootsJSON: String { String(decoding: (try? JSONEncoder().encode(roots)) ?? Data("[]".utf8), as: UTF8.self) }
    var filesParsed: Int { scope?.filesParsed ?? files.filter(\.parsed).count }

    func summary(scanID: Int64, events: Int) -> ScanSummary {
        ScanSummary(scanID: scanID, status: "complete", files: fileCount, filesParsed: filesParsed, deployments: deploymentsFound,
                    usages: usagesFound, openFindings: openFindings, waivedFindings: waivedFindings, events: events, diagnostics: diagnostics,
                    source: source)
    }
}

extension ScanRecording {
    /// Builds the recording from an audit result: deployments, usages and findings deduplicated as the store keys them.
    init(source: String, result: AuditResult, files: [File], removedFiles: [String], roots: [String], policy: PolicySet,
         previousPolicyDigest: String?, startedAt: String, finishedAt: String, seenAt: String, texts: RecordingTexts = RecordingTexts()) {
        var deployments: [Deployment] = []
        var deploymentKeys = Set<String>()
        for deployment in result.deployments {
            let key = Self.deploymentKey(deployment.ref, file: deployment.location.file)
            guard deploymentKeys.insert(key).inserted else { continue }
            let labels = texts.labels(deployment.labels)
            deployments.append(Deployment(key: key, kind: deployment.ref.kind, namespace: deployment.ref.namespace ?? "", name: deployment.ref.name,
                                          file: deployment.location.file, labels: labels))
        }
        var deploymentFiles: [DeploymentRef: String] = [:]
        for deployment in result.deployments where deploymentFiles[deployment.ref] == nil { deploymentFiles[deployment.ref] = deployment.location.file }
        var usages: [Usage] = []
        var found = Set<String>()
        for resolved in result.usages {
            let usage = resolved.usage
            let key = Self.usageKey(usage, redacted: usage.model.map(texts.redacted))
            guard found.insert(key).inserted else { continue }
            let deploymentKey = Self.deploymentKey(usage.deployment, file: deploymentFiles[usage.deployment] ?? usage.location.file)
            guard deploymentKeys.contains(deploymentKey) else { continue }
            usages.append(Usage(key: key, deploymentKey: deploymentKey, deploymentName: usage.deployment.description,
                                model: usage.model.map(texts.redacted), vendor: resolved.vendor, family: resolved.family, license: resolved.licenseID,
                                hosting: usage.hosting.rawValue, runtime: usage.runtime, api: usage.api, file: usage.location.file,
                                line: usage.location.line, column: usage.location.column, evidence: usage.evidence))
        }
        var findings: [Finding] = []
        var fingerprints = Set<String>()
        for finding in result.findings where fingerprints.insert(finding.fingerprint).inserted {
            findings.append(Finding(
                fingerprint: finding.fingerprint, rule: finding.rule, severity: finding.severity.rawValue,
                status: finding.status == .waived ? "waived" : "open", deployment: finding.deployment?.description,
                model: finding.model.map(texts.redacted), file: finding.location.file, line: finding.location.line,
                column: finding.location.column, message: finding.message, remediation: finding.remediation, waiver: finding.waiverReason,
                expiredWaiverLocation: finding.rule == RuleSummary.expiredWaiver.id ? finding.location.description : nil))
        }
        self.init(source: source, startedAt: startedAt, finishedAt: finishedAt, seenAt: seenAt, roots: roots, policyDigest: policy.digest,
                  previousPolicyDigest: previousPolicyDigest, policyRoot: policy.root, files: files, removedFiles: removedFiles,
                  deployments: deployments, usages: usages, foundUsageKeys: found, findings: findings,
                  deploymentsFound: result.deployments.count, usagesFound: result.usages.count,
                  openFindings: result.findings.filter { $0.status == .open }.count,
                  waivedFindings: result.findings.filter { $0.status == .waived }.count, diagnostics: result.diagnostics)
        self.tools = Self.tools(result.tools)
        texts.keepOnlyWhatWasUsed()
    }

    static func tools(_ resolved: [ResolvedToolServer]) -> [Tool] {
        func list(_ names: [String]) -> String { String(decoding: (try? JSONEncoder().encode(names)) ?? Data("[]".utf8), as: UTF8.self) }
        var keys = Set<String>()
        return resolved.compactMap { tool in
            let server = tool.server
            guard keys.insert(server.identity).inserted else { return nil }
            return Tool(key: server.identity, name: server.name, client: server.client, file: server.location.file, line: server.location.line,
                        column: server.location.column, enabled: server.enabled, transport: server.transport.rawValue, launcher: server.launcher,
                        package: server.package, version: server.version, pinned: server.pinned, url: server.url, host: server.host,
                        hostScope: server.hostScope?.rawValue, auth: list(server.auth), env: list(server.env),
                        dataClassification: tool.dataClassification, scope: server.scope)
        }
    }

    static func deploymentKey(_ ref: DeploymentRef, file: String) -> String {
        "\(ref.kind)|\(ref.namespace ?? "")|\(ref.name)|\(file)"
    }

    /// A usage's identity across scans: where it is and what it names, not its line.
    static func usageKey(_ usage: ModelwardenCore.Usage) -> String {
        usageKey(usage, redacted: usage.model.map(Secrets.redact))
    }

    /// The same, with the model already redacted.
    static func usageKey(_ usage: ModelwardenCore.Usage, redacted model: String?) -> String {
        "\(usage.location.file)|\(usage.deployment.description)|\(model ?? "api:" + (usage.api ?? ""))|\(usage.hosting.rawValue)|\(usage.runtime ?? usage.api ?? "")"
    }
}

/// The texts a recording derives from values that repeat across rows and scans: a deployment's labels as JSON with
/// sorted keys, a model name with secrets redacted. Each is computed once per distinct value; the daemon keeps one
/// between scans (`ScanCache`), holding what the last recording used.
public final class RecordingTexts: Sendable {
    private struct Tables {
        var labels: [[String: String]: String] = [:]
        var redacted: [String: String] = [:]
        var usedLabels: [[String: String]: String] = [:]
        var usedRedacted: [String: String] = [:]
    }

    private let tables = Mutex(Tables())

    public init() {}

    func labels(_ labels: [String: String]) -> String {
        tables.withLock { tables in
            let text = tables.labels[labels] ?? Self.json(labels)
            tables.usedLabels[labels] = text
            return text
        }
    }

    func redacted(_ model: String) -> String {
        tables.withLock { tables in
            let text = tables.redacted[model] ?? Secrets.redact(model)
            tables.usedRedacted[model] = text
            return text
        }
    }

    func keepOnlyWhatWasUsed() {
        tables.withLock { tables in
            tables.labels = tables.usedLabels
            tables.redacted = tables.usedRedacted
            tables.usedLabels = [:]
            tables.usedRedacted = [:]
        }
    }

    private static func json(_ labels: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// What changed in a source between its previous state and a recording: the events to append, the usages that
/// disappeared and the findings that were resolved. Pure, so both backends record the same history.
struct ScanChanges {
    struct PreviousUsage {
        var deployment: String
        var model: String?
    }

    struct PreviousFinding {
        var status: String
        var rule: String
        var deployment: String?
        var model: String?
    }

    struct Event {
        var kind: String
        var deployment: String?
        var model: String?
        var subject: String
        var detail: String
    }

    /// What the store held of an active MCP server: enough to say what changed.
    struct PreviousTool {
        var name: String
        var package: String?
        var version: String?
        var host: String?
        var url: String?
    }

    var events: [Event] = []
    var disappearedUsages: [String] = []
    var disappearedTools: [String] = []
    var resolvedFindings: [String] = []

    init(recording: ScanRecording, previousUsages: [String: PreviousUsage], previousFindings: [String: PreviousFinding],
         previousTools: [String: PreviousTool] = [:]) {
        if let previous = recording.previousPolicyDigest, previous != recording.policyDigest {
            events.append(Event(kind: "policy-set-changed", subject: recording.policyRoot,
                                detail: "\(previous.prefix(12)) -> \(recording.policyDigest.prefix(12))"))
        }
        usageEvents(recording, previousUsages)
        toolEvents(recording, previousTools)
        findingEvents(recording, previousFindings)
    }

    /// MCP servers appear, disappear, or change what they run (package or pin) or where they send (host or URL).
    private mutating func toolEvents(_ recording: ScanRecording, _ previous: [String: PreviousTool]) {
        var current = Set<String>()
        for tool in recording.tools {
            current.insert(tool.key)
            let subject = "\(tool.file)#\(tool.name)"
            let deployment = "MCPServer \(tool.name)"
            guard let old = previous[tool.key] else {
                let what = tool.url ?? [tool.package, tool.version].compactMap { $0 }.joined(separator: "@")
                events.append(Event(kind: "tool-appeared", deployment: deployment, subject: subject, detail: what.isEmpty ? tool.transport : what))
                continue
            }
            var changes: [String] = []
            if old.package != tool.package || old.version != tool.version {
                func pin(_ package: String?, _ version: String?) -> String { (package ?? "(none)") + (version.map { "@\($0)" } ?? " (no version)") }
                changes.append("pin \(pin(old.package, old.version)) -> \(pin(tool.package, tool.version))")
            }
            if old.host != tool.host || old.url != tool.url {
                changes.append("host \(old.url ?? old.host ?? "(none)") -> \(tool.url ?? tool.host ?? "(none)")")
            }
            if !changes.isEmpty {
                events.append(Event(kind: "tool-changed", deployment: deployment, subject: subject, detail: changes.joined(separator: "; ")))
            }
        }
        for (key, old) in previous.sorted(by: { $0.key < $1.key }) where !current.contains(key) {
            disappearedTools.append(key)
            let file = key.split(separator: "|").first.map(String.init) ?? key
            events.append(Event(kind: "tool-disappeared", deployment: "MCPServer \(old.name)", subject: "\(file)#\(old.name)",
                                detail: old.url ?? [old.package, old.version].compactMap { $0 }.joined(separator: "@")))
        }
    }

    /// Usages appear, stay, disappear; a deployment that swaps one model for another changed model.
    private mutating func usageEvents(_ recording: ScanRecording, _ previous: [String: PreviousUsage]) {
        var appeared: [String: [String?]] = [:]
        for usage in recording.usages where previous[usage.key] == nil {
            appeared[usage.deploymentName, default: []].append(usage.model)
        }
        var disappeared: [String: [String?]] = [:]
        for (key, old) in previous.sorted(by: { $0.key < $1.key }) where !recording.foundUsageKeys.contains(key) {
            disappearedUsages.append(key)
            disappeared[old.deployment, default: []].append(old.model)
        }
        for deployment in Set(appeared.keys).union(disappeared.keys).sorted() {
            var added = appeared[deployment] ?? []
            var gone = (disappeared[deployment] ?? []).sorted { ($0 ?? "") < ($1 ?? "") }
            while !added.isEmpty && !gone.isEmpty {
                let new = added.removeFirst(), old = gone.removeFirst()
                events.append(Event(kind: "usage-changed-model", deployment: deployment, model: new, subject: deployment,
                                    detail: "\(old ?? "(none)") -> \(new ?? "(none)")"))
            }
            for model in added {
                events.append(Event(kind: "usage-appeared", deployment: deployment, model: model, subject: deployment, detail: model ?? "(no model named)"))
            }
            for model in gone {
                events.append(Event(kind: "usage-disappeared", deployment: deployment, model: model, subject: deployment, detail: model ?? "(no model named)"))
            }
        }
    }

    /// Findings are opened, waived, resolved, reopened.
    private mutating func findingEvents(_ recording: ScanRecording, _ previous: [String: PreviousFinding]) {
        var current = Set<String>()
        for finding in recording.findings {
            current.insert(finding.fingerprint)
            let before = previous[finding.fingerprint]?.status
            let waived = finding.status == "waived"
            if before == nil || before == "resolved" {
                if let location = finding.expiredWaiverLocation {
                    events.append(Event(kind: "waiver-expired", subject: location, detail: finding.message))
                } else {
                    events.append(Event(kind: waived ? "finding-waived" : "finding-opened", deployment: finding.deployment, model: finding.model,
                                        subject: finding.rule, detail: finding.message))
                }
            } else if before != finding.status {
                events.append(Event(kind: waived ? "finding-waived" : "finding-opened", deployment: finding.deployment, model: finding.model,
                                    subject: finding.rule, detail: waived ? (finding.waiver ?? "waived") : "waiver no longer applies"))
            }
        }
        for (fingerprint, old) in previous.sorted(by: { $0.key < $1.key }) where old.status != "resolved" && !current.contains(fingerprint) {
            resolvedFindings.append(fingerprint)
            events.append(Event(kind: "finding-resolved", deployment: old.deployment, model: old.model, subject: old.rule, detail: "no longer found"))
        }
    }
}

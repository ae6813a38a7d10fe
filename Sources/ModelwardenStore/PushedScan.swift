import Foundation
import ModelwardenCore

/// A scan's result as `scan --push` sends it to a daemon (`POST /v1/sources/{source}/scans`): what the scan found,
/// without the cached file scans, times or anything about the store's previous state. The daemon reads it like any
/// untrusted input (`PushedScan.decode` then `recording(source:state:now:)`): every field is bounded and checked,
/// keys are computed again rather than believed, and the text is passed through the secret scrubber once more.
public struct PushedScan: Codable, Sendable {
    public static let format = "modelwarden-push/1"

    public struct File: Codable, Sendable {
        public var path: String
        public var absolutePath: String
        public var size: Int64
        public var mtime: Double
        public var sha256: String
        public var parsed: Bool
    }

    public struct Deployment: Codable, Sendable {
        public var kind: String
        public var namespace: String
        public var name: String
        public var file: String
        public var labels: [String: String]
    }

    public struct Usage: Codable, Sendable {
        /// The usage's deployment: an index into `deployments`.
        public var deployment: Int
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

    public struct Finding: Codable, Sendable {
        public var fingerprint: String
        public var rule: String
        public var severity: String
        public var status: String
        public var deployment: String?
        public var model: String?
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var remediation: String
        public var waiver: String?
        public var expiredWaiverLocation: String?
    }

    /// An MCP server as the pushing scan recorded it: the store's own record of one, names and shapes only.
    public typealias Tool = ToolRecord

    public struct Counts: Codable, Sendable {
        public var deployments: Int
        public var usages: Int
        public var findingsOpen: Int
        public var findingsWaived: Int
    }

    public var format: String
    public var roots: [String]
    public var policyDigest: String
    public var policyRoot: String
    public var files: [File]
    public var deployments: [Deployment]
    public var usages: [Usage]
    /// Keys of usages found without a recorded deployment: they have not disappeared either.
    public var otherUsageKeys: [String]
    public var findings: [Finding]
    public var counts: Counts
    public var diagnostics: [Diagnostic]
    /// Agents' tools; absent from a body means none.
    public var tools: [Tool]?

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    public func encoded() throws -> Data { try Self.encoder.encode(self) }
}

// MARK: - From a scan (the pushing side)

extension PushedScan {
    /// What a recording found, for the daemon: the cached scans stay behind.
    public init(_ recording: ScanRecording) throws {
        var deploymentIndex: [String: Int] = [:]
        for (index, deployment) in recording.deployments.enumerated() { deploymentIndex[deployment.key] = index }
        let labels: [[String: String]] = try recording.deployments.map {
            try JSONDecoder().decode([String: String].self, from: Data($0.labels.utf8))
        }
        let usageKeys = Set(recording.usages.map(\.key))
        self.init(
            format: Self.format, roots: recording.roots, policyDigest: recording.policyDigest, policyRoot: recording.policyRoot,
            files: recording.files.map { File(path: $0.path, absolutePath: $0.absolutePath, size: $0.size, mtime: $0.mtime, sha256: $0.sha256, parsed: $0.parsed) },
            deployments: recording.deployments.enumerated().map { index, deployment in
                Deployment(kind: deployment.kind, namespace: deployment.namespace, name: deployment.name, file: deployment.file, labels: labels[index])
            },
            usages: recording.usages.map { usage in
                Usage(deployment: deploymentIndex[usage.deploymentKey] ?? -1, model: usage.model, vendor: usage.vendor, family: usage.family,
                      license: usage.license, hosting: usage.hosting, runtime: usage.runtime, api: usage.api, file: usage.file, line: usage.line,
                      column: usage.column, evidence: usage.evidence)
            },
            otherUsageKeys: recording.foundUsageKeys.subtracting(usageKeys).sorted(),
            findings: recording.findings.map { finding in
                Finding(fingerprint: finding.fingerprint, rule: finding.rule, severity: finding.severity, status: finding.status,
                        deployment: finding.deployment, model: finding.model, file: finding.file, line: finding.line, column: finding.column,
                        message: finding.message, remediation: finding.remediation, waiver: finding.waiver,
                        expiredWaiverLocation: finding.expiredWaiverLocation)
            },
            counts: Counts(deployments: recording.deploymentsFound, usages: recording.usagesFound, findingsOpen: recording.openFindings,
                           findingsWaived: recording.waivedFindings),
            diagnostics: recording.diagnostics,
            tools: recording.tools.map { tool in
                let names = ToolRecord.names
                return Tool(name: tool.name, client: tool.client, file: tool.file, line: tool.line, column: tool.column, enabled: tool.enabled,
                            transport: tool.transport, launcher: tool.launcher, package: tool.package, version: tool.version,
                            pinned: tool.pinned, url: tool.url, host: tool.host, hostScope: tool.hostScope, auth: names(tool.auth),
                            env: names(tool.env), dataClassification: tool.dataClassification)
            })
    }
}

// MARK: - Into the store (the daemon's side)

/// Why a pushed body was refused: what is wrong and where, as a JSON path (`usages[3].hosting`).
public struct PushRejection: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ path: String, _ problem: String) { description = path.isEmpty ? problem : "at '\(path)': \(problem)" }
}

extension PushedScan {
    /// Decodes a body; a decoding error names the field it stopped at, never echoes the body.
    public static func decode(_ body: Data) throws -> PushedScan {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(PushedScan.self, from: body)
        } catch let error as DecodingError {
            throw PushRejection.decoding(error)
        } catch {
            throw PushRejection("", "the body is not JSON")
        }
    }

    /// The recording the daemon writes for `source`: checked, its keys computed again, its text scrubbed, its times
    /// the daemon's, and the files of the source's previous state under the pushed roots that are missing now removed.
    public func recording(source: String, state: SourceState, now: Date = Date()) throws -> ScanRecording {
        try PushValidation.check(self)
        let time = Recorder.timestamp(now)
        var deployments: [ScanRecording.Deployment] = []
        var keys: [String] = []
        var seenKeys = Set<String>()
        let labelEncoder = JSONEncoder()
        labelEncoder.outputFormatting = .sortedKeys
        for deployment in self.deployments {
            let ref = DeploymentRef(kind: deployment.kind, namespace: deployment.namespace.isEmpty ? nil : deployment.namespace, name: deployment.name)
            let key = ScanRecording.deploymentKey(ref, file: deployment.file)
            keys.append(key)
            guard seenKeys.insert(key).inserted else { continue }
            var labels: [String: String] = [:]
            for (name, value) in deployment.labels { labels[SecretScrubber.scrub(name)] = SecretScrubber.scrub(value: value, named: name) }
            deployments.append(ScanRecording.Deployment(
                key: key, kind: deployment.kind, namespace: deployment.namespace, name: deployment.name, file: deployment.file,
                labels: String(decoding: try labelEncoder.encode(labels), as: UTF8.self)))
        }
        var usages: [ScanRecording.Usage] = []
        var found = Set(otherUsageKeys)
        for usage in self.usages {
            let deployment = self.deployments[usage.deployment]
            let deploymentName = DeploymentRef(kind: deployment.kind, namespace: deployment.namespace.isEmpty ? nil : deployment.namespace,
                                               name: deployment.name).description
            let model = usage.model.map(Secrets.redact)
            let key = "\(usage.file)|\(deploymentName)|\(model ?? "api:" + (usage.api ?? ""))|\(usage.hosting)|\(usage.runtime ?? usage.api ?? "")"
            guard found.insert(key).inserted else { continue }
            usages.append(ScanRecording.Usage(
                key: key, deploymentKey: keys[usage.deployment], deploymentName: deploymentName, model: model,
                vendor: SecretScrubber.scrub(usage.vendor), family: SecretScrubber.scrub(usage.family), license: usage.license,
                hosting: usage.hosting, runtime: usage.runtime.map(SecretScrubber.scrub), api: usage.api.map(SecretScrubber.scrub),
                file: usage.file, line: usage.line, column: usage.column, evidence: SecretScrubber.scrub(usage.evidence)))
        }
        var fingerprints = Set<String>()
        let findings = self.findings.filter { fingerprints.insert($0.fingerprint).inserted }.map { finding in
            ScanRecording.Finding(
                fingerprint: finding.fingerprint, rule: finding.rule, severity: finding.severity, status: finding.status,
                deployment: finding.deployment.map(SecretScrubber.scrub), model: finding.model.map(Secrets.redact), file: finding.file,
                line: finding.line, column: finding.column, message: SecretScrubber.scrub(finding.message),
                remediation: SecretScrubber.scrub(finding.remediation), waiver: finding.waiver.map(SecretScrubber.scrub),
                expiredWaiverLocation: finding.expiredWaiverLocation)
        }
        let present = Set(files.map(\.absolutePath))
        let removed = state.files.keys.filter { path in
            !present.contains(path) && roots.contains { path == $0 || path.hasPrefix($0 + "/") }
        }.sorted()
        // A pushed scan carries no cached file scans: an empty blob replaces any earlier one, so that a later local scan
        // under the same source parses the file again instead of trusting a scan of other bytes.
        let files = self.files.map { file in
            ScanRecording.File(path: file.path, absolutePath: file.absolutePath, size: file.size, mtime: file.mtime, sha256: file.sha256,
                               parsed: file.parsed, cache: Data())
        }
        let diagnostics = self.diagnostics.map { diagnostic in
            Diagnostic(diagnostic.location, SecretScrubber.scrub(diagnostic.message), level: diagnostic.level)
        }
        var recording = ScanRecording(
            source: source, startedAt: time, finishedAt: time, seenAt: time, roots: roots, policyDigest: policyDigest,
            previousPolicyDigest: state.lastPolicyDigest, policyRoot: policyRoot, files: files, removedFiles: removed,
            deployments: deployments, usages: usages, foundUsageKeys: found, findings: findings, deploymentsFound: counts.deployments,
            usagesFound: counts.usages, openFindings: counts.findingsOpen, waivedFindings: counts.findingsWaived, diagnostics: diagnostics)
        recording.tools = recordedTools()
        return recording
    }

    /// The pushed servers with their identity computed here, every text scrubbed again, and one record per identity.
    func recordedTools() -> [ScanRecording.Tool] {
        func list(_ names: [String]) -> String {
            String(decoding: (try? JSONEncoder().encode(names.map(SecretScrubber.scrub))) ?? Data("[]".utf8), as: UTF8.self)
        }
        var keys = Set<String>()
        return (tools ?? []).compactMap { tool in
            let key = "\(tool.file)|\(tool.client)|\(tool.name)"
            guard keys.insert(key).inserted else { return nil }
            return ScanRecording.Tool(
                key: key, name: SecretScrubber.scrub(tool.name), client: tool.client, file: tool.file, line: tool.line, column: tool.column,
                enabled: tool.enabled, transport: tool.transport, launcher: tool.launcher.map(SecretScrubber.scrub),
                package: tool.package.map(SecretScrubber.scrub), version: tool.version.map(SecretScrubber.scrub), pinned: tool.pinned,
                url: tool.url.map(SecretScrubber.scrub), host: tool.host.map(SecretScrubber.scrub), hostScope: tool.hostScope,
                auth: list(tool.auth), env: list(tool.env), dataClassification: tool.dataClassification)
        }
    }
}

extension PushRejection {
    static func decoding(_ error: DecodingError) -> PushRejection {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue.snakeCased }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return PushRejection(path(context), "the field '\(key.stringValue.snakeCased)' is missing")
        case .typeMismatch(let type, let context):
            return PushRejection(path(context), "expected \(type)")
        case .valueNotFound(let type, let context):
            return PushRejection(path(context), "expected \(type), found null")
        case .dataCorrupted(let context):
            return PushRejection(path(context), context.codingPath.isEmpty ? "the body is not valid JSON" : "invalid value")
        @unknown default:
            return PushRejection("", "the body could not be read")
        }
    }
}

private extension String {
    /// `absolutePath` -> `absolute_path`: the wire's spelling of a Swift name.
    var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// The bounds a pushed scan keeps; the first problem found is the answer.
enum PushValidation {
    static let maxShortText = 4096
    static let maxLongText = 64 * 1024
    static let maxItems = 1_000_000
    static let maxPosition = 100_000_000

    static func check(_ scan: PushedScan) throws {
        guard scan.format == PushedScan.format else {
            throw PushRejection("format", "expected '\(PushedScan.format)'; this daemon reads no other version")
        }
        try list("roots", scan.roots, min: 1, max: 10_000)
        for (index, root) in scan.roots.enumerated() {
            try text("roots[\(index)]", root)
            guard root == "-" || root.hasPrefix("/") else { throw PushRejection("roots[\(index)]", "a root is an absolute path or '-'") }
        }
        try text("policy_digest", scan.policyDigest)
        guard (8...128).contains(scan.policyDigest.count), scan.policyDigest.allSatisfy(\.isHexDigit) else {
            throw PushRejection("policy_digest", "expected a hexadecimal digest")
        }
        try text("policy_root", scan.policyRoot)
        try list("files", scan.files)
        for (index, file) in scan.files.enumerated() { try check(file, "files[\(index)]", roots: scan.roots) }
        try list("deployments", scan.deployments)
        for (index, deployment) in scan.deployments.enumerated() { try check(deployment, "deployments[\(index)]") }
        try list("usages", scan.usages)
        for (index, usage) in scan.usages.enumerated() { try check(usage, "usages[\(index)]", deployments: scan.deployments.count) }
        try list("other_usage_keys", scan.otherUsageKeys)
        for (index, key) in scan.otherUsageKeys.enumerated() { try text("other_usage_keys[\(index)]", key, max: maxLongText) }
        try list("findings", scan.findings)
        for (index, finding) in scan.findings.enumerated() { try check(finding, "findings[\(index)]") }
        for (name, count) in [("deployments", scan.counts.deployments), ("usages", scan.counts.usages),
                              ("findings_open", scan.counts.findingsOpen), ("findings_waived", scan.counts.findingsWaived)] {
            guard (0...maxItems).contains(count) else { throw PushRejection("counts.\(name)", "expected 0 to \(maxItems)") }
        }
        try list("tools", scan.tools ?? [])
        for (index, tool) in (scan.tools ?? []).enumerated() { try check(tool, "tools[\(index)]") }
        try list("diagnostics", scan.diagnostics)
        for (index, diagnostic) in scan.diagnostics.enumerated() {
            try text("diagnostics[\(index)].message", diagnostic.message, max: maxLongText)
            try text("diagnostics[\(index)].location.file", diagnostic.location.file)
            try position("diagnostics[\(index)].location", diagnostic.location.line, diagnostic.location.column)
        }
    }

    static func check(_ file: PushedScan.File, _ path: String, roots: [String]) throws {
        try text(path + ".path", file.path, min: 1)
        try text(path + ".absolute_path", file.absolutePath, min: 1)
        guard roots.contains(where: { file.absolutePath == $0 || file.absolutePath.hasPrefix($0 + "/") }) else {
            throw PushRejection(path + ".absolute_path", "the file is under none of the scan's roots")
        }
        guard file.size >= -1, file.mtime.isFinite else { throw PushRejection(path, "size and mtime must be numbers (size at least -1)") }
        guard file.sha256.count == 64, file.sha256.allSatisfy(\.isHexDigit) else { throw PushRejection(path + ".sha256", "expected 64 hexadecimal digits") }
    }

    static func check(_ deployment: PushedScan.Deployment, _ path: String) throws {
        try text(path + ".kind", deployment.kind, min: 1)
        try text(path + ".namespace", deployment.namespace)
        try text(path + ".name", deployment.name, min: 1)
        try text(path + ".file", deployment.file, min: 1)
        guard deployment.labels.count <= 1000 else { throw PushRejection(path + ".labels", "at most 1000 labels") }
        for (name, value) in deployment.labels {
            try text(path + ".labels", name, min: 1)
            try text(path + ".labels.\(name)", value, max: maxLongText)
        }
    }

    static func check(_ usage: PushedScan.Usage, _ path: String, deployments: Int) throws {
        guard (0..<deployments).contains(usage.deployment) else {
            throw PushRejection(path + ".deployment", "expected the index of one of the \(deployments) deployments")
        }
        try usage.model.map { try text(path + ".model", $0, min: 1) }
        for (field, value) in [("vendor", usage.vendor), ("family", usage.family), ("license", usage.license), ("file", usage.file)] {
            try text(path + "." + field, value, min: 1)
        }
        guard Hosting(rawValue: usage.hosting) != nil else { throw PushRejection(path + ".hosting", "expected self-hosted or external-api") }
        try usage.runtime.map { try text(path + ".runtime", $0) }
        try usage.api.map { try text(path + ".api", $0) }
        try text(path + ".evidence", usage.evidence, max: maxLongText)
        try position(path, usage.line, usage.column)
    }

    static func check(_ tool: PushedScan.Tool, _ path: String) throws {
        for (field, value) in [("name", tool.name), ("client", tool.client), ("file", tool.file)] { try text(path + "." + field, value, min: 1) }
        guard ToolServer.Transport(rawValue: tool.transport) != nil else {
            throw PushRejection(path + ".transport", "expected stdio, http, sse or streamable-http")
        }
        if let scope = tool.hostScope, ToolServer.HostScope(rawValue: scope) == nil {
            throw PushRejection(path + ".host_scope", "expected loopback, estate or external")
        }
        for (field, value) in [("launcher", tool.launcher), ("package", tool.package), ("version", tool.version), ("url", tool.url),
                               ("host", tool.host), ("data_classification", tool.dataClassification)] {
            try value.map { try text(path + "." + field, $0) }
        }
        try list(path + ".auth", tool.auth, max: 100)
        try list(path + ".env", tool.env, max: 1000)
        for name in tool.auth + tool.env { try text(path + ".auth/env", name, min: 1) }
        try position(path, tool.line, tool.column)
    }

    static func check(_ finding: PushedScan.Finding, _ path: String) throws {
        try text(path + ".fingerprint", finding.fingerprint, min: 1, max: 256)
        try text(path + ".rule", finding.rule, min: 1)
        guard Severity(rawValue: finding.severity) != nil else { throw PushRejection(path + ".severity", "expected error, warning or info") }
        guard ["open", "waived"].contains(finding.status) else { throw PushRejection(path + ".status", "expected open or waived") }
        try finding.deployment.map { try text(path + ".deployment", $0) }
        try finding.model.map { try text(path + ".model", $0) }
        try text(path + ".file", finding.file, min: 1)
        try text(path + ".message", finding.message, max: maxLongText)
        try text(path + ".remediation", finding.remediation, max: maxLongText)
        try finding.waiver.map { try text(path + ".waiver", $0, max: maxLongText) }
        try finding.expiredWaiverLocation.map { try text(path + ".expired_waiver_location", $0) }
        try position(path, finding.line, finding.column)
    }

    static func list<T>(_ path: String, _ items: [T], min: Int = 0, max: Int = maxItems) throws {
        guard items.count >= min else { throw PushRejection(path, "expected at least \(min) entries") }
        guard items.count <= max else { throw PushRejection(path, "at most \(max) entries") }
    }

    /// Text the store keeps: bounded, and without NUL (PostgreSQL's text cannot hold it) or other control characters
    /// than tab and newline.
    static func text(_ path: String, _ value: String, min: Int = 0, max: Int = maxShortText) throws {
        guard value.utf8.count >= min else { throw PushRejection(path, "must not be empty") }
        guard value.utf8.count <= max else { throw PushRejection(path, "longer than \(max) bytes") }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" && $0 != "\n" && $0 != "\r" }) {
            throw PushRejection(path, "contains control characters")
        }
    }

    static func position(_ path: String, _ line: Int, _ column: Int) throws {
        guard (0...maxPosition).contains(line), (0...maxPosition).contains(column) else {
            throw PushRejection(path, "line and column must be between 0 and \(maxPosition)")
        }
    }
}

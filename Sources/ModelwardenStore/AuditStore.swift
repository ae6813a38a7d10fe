import Foundation
import ModelwardenCore

/// A store of scans: where `modelwarden scan` and the daemon record, and what `inventory`, `findings`, `history` and
/// `report` read. Two implementations: `AuditDatabase` (SQLite through GRDB) and `PostgresAuditStore` (PostgreSQL
/// through postgres-nio); `StoreContractTests` runs one suite against both.
///
/// Every record belongs to a source (a server, a CI job, a repository). A scan replaces the state of its own source
/// and nothing else; readers see every source unless a `SourceSelection` narrows them.
public protocol AuditStore: Sendable {
    /// Where the store is, for messages: a file path, or a URL without its password.
    var location: String { get }

    /// What the store knows about a source before a scan: its present files, and its last scan.
    func sourceState(_ source: String) async throws -> SourceState
    /// The cached file scans (JSON) of a source's present files among `paths`, by absolute path.
    func cachedScans(source: String, paths: Set<String>) async throws -> [String: Data]
    /// The id of the source's last scan, nil before its first: a process that keeps the last state it recorded checks
    /// that no one else recorded the source since.
    func lastScanID(source: String) async throws -> Int64?
    /// Active usages by hosting and licence, open findings by severity and rule: the daemon's gauges, counted by the store.
    func estateCounts(source: String) async throws -> EstateCounts
    /// Whether `record` takes a recording of some files only (`ScanRecording.scope`); else it is given the whole source.
    var recordsScopedScans: Bool { get }
    /// Records a scan of a source in which nothing changed: one scan row, the source's last-seen marks moved forward.
    /// The index counts and part counts a scan of a few changed files starts from (`EstateRecord`); nil when the
    /// store keeps none for the source's last scan.
    func estateBasis(source: String, keys: Set<String>, files: Set<String>) async throws -> EstateBasis?
    /// The present files among `paths` (absolute) with their paths as rows name them and their cached scans.
    func knownScans(source: String, paths: Set<String>) async throws -> [String: KnownScan]
    func recordUnchanged(_ scan: UnchangedScan) async throws -> ScanSummary
    /// Records a changed scan of a source in one transaction: files, deployments, usages, findings and their events.
    func record(_ recording: ScanRecording) async throws -> ScanSummary

    /// Deletes scans that finished more than `keepDays` days before `now`, and their events, except the latest scan of
    /// each source (`Retention`); one transaction, recorded in `prune_run`.
    func prune(keepDays: Int, now: Date) async throws -> PruneSummary

    /// Every source with at least one scan, by name.
    func sources() async throws -> [SourceRow]
    func inventory(sources: SourceSelection) async throws -> [InventoryRow]
    func findings(status: String?, sources: SourceSelection) async throws -> [FindingRow]
    func history(model: String?, deployment: String?, since: String?, sources: SourceSelection) async throws -> [EventRow]
    func scans(sources: SourceSelection) async throws -> [ScanRow]
    /// The MCP servers active in the selected sources (agents' tools), by file and line.
    func tools(sources: SourceSelection) async throws -> [ToolRow]
    /// What a compliance report over a period (`since`/`until` as YYYY-MM-DD, inclusive) needs from the store.
    func reportData(since: String?, until: String?, sources: SourceSelection) async throws -> StoreReportData
}

/// Which sources a reader shows: all of them, or those whose name matches one of the patterns (shell globs: `*`,
/// `?`, `[...]`; a name without wildcards matches itself only).
public struct SourceSelection: Sendable, Equatable {
    public var patterns: [String]

    public init(_ patterns: [String]) { self.patterns = patterns }

    public static let all = SourceSelection([])

    public var selectsAll: Bool { patterns.isEmpty }

    public func matches(_ name: String) -> Bool {
        selectsAll || patterns.contains { fnmatch($0, name, 0) == 0 }
    }

    /// The selected names among the store's sources; nil when every source is selected.
    func names(among sources: [String]) -> [String]? {
        selectsAll ? nil : sources.filter(matches)
    }
}

/// The name of a source when none is given: the host name and the scanned roots, `build-7:/srv/deploy`.
public enum SourceName {
    public static func defaultName(roots: [String]) -> String {
        "\(hostName()):\(roots.joined(separator: ","))"
    }

    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return name.isEmpty ? "localhost" : name
    }

    /// A usable source name: not empty, no control characters, at most 200 characters.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "a source name must not be empty" }
        if name.count > 200 { return "a source name has at most 200 characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a source name must not contain control characters"
        }
        return nil
    }
}

// MARK: - What the store answers

extension AuditStore {
    public func lastScanID(source: String) async throws -> Int64? {
        try await sourceState(source).lastScanID
    }

    public var recordsScopedScans: Bool { false }
}

/// What the daemon's gauges show of one source, counted where the rows are.
public struct EstateCounts: Sendable, Equatable {
    public struct Usages: Sendable, Equatable {
        public var hosting: String
        public var license: String
        public var count: Int
    }

    public struct Findings: Sendable, Equatable {
        public var severity: String
        public var rule: String
        public var count: Int
    }

    public var usages: [Usages] = []
    public var openFindings: [Findings] = []

    public init(usages: [Usages] = [], openFindings: [Findings] = []) {
        self.usages = usages
        self.openFindings = openFindings
    }
}

public struct SourceState: Sendable {
    public struct KnownFile: Sendable {
        public var size: Int64
        public var mtime: Double
        public var sha256: String

        public init(size: Int64, mtime: Double, sha256: String) {
            self.size = size
            self.mtime = mtime
            self.sha256 = sha256
        }
    }

    /// Present files of the source, by absolute path.
    public var files: [String: KnownFile]
    public var lastScanID: Int64?
    public var lastPolicyDigest: String?
    /// When the source's last complete (evaluated) scan started.
    public var lastEvaluatedAt: String?

    public init(files: [String: KnownFile] = [:], lastScanID: Int64? = nil, lastPolicyDigest: String? = nil, lastEvaluatedAt: String? = nil) {
        self.files = files
        self.lastScanID = lastScanID
        self.lastPolicyDigest = lastPolicyDigest
        self.lastEvaluatedAt = lastEvaluatedAt
    }
}

public struct SourceRow: Sendable, Equatable {
    public var name: String
    public var scans: Int
    public var lastScanAt: String?
}

public struct InventoryRow: Sendable {
    public var deployment: String
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
    public var firstSeen: String
    public var lastSeen: String
    public var source: String
}

/// An MCP server as the store reads it back and as a push sends it: names and shapes, never values (`auth` and
/// `env` are lists of names).
public struct ToolRecord: Codable, Sendable, Equatable {
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
    public var auth: [String]
    public var env: [String]
    public var dataClassification: String?

    /// The store keeps `auth` and `env` as JSON lists of names.
    static func names(_ json: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }
}

/// An MCP server in the store's inventory: the server, and when and where it was seen.
@dynamicMemberLookup
public struct ToolRow: Sendable, Equatable {
    public var server: ToolRecord
    public var firstSeen: String
    public var lastSeen: String
    public var source: String
    /// `project` (a repository's file) or `user` (a user's own client file the daemon was told to read).
    public var scope: String = "project"

    public subscript<Value>(dynamicMember keyPath: KeyPath<ToolRecord, Value>) -> Value { server[keyPath: keyPath] }
}

public struct FindingRow: Sendable {
    public var rule: String
    public var severity: String
    public var status: String
    public var deployment: String?
    public var model: String?
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var waiver: String?
    public var fingerprint: String
    public var firstSeen: String
    public var lastSeen: String
    public var source: String
}

public struct EventRow: Sendable {
    public var scanID: Int64
    public var at: String
    public var kind: String
    public var deployment: String?
    public var model: String?
    public var subject: String
    public var detail: String
    public var source: String
}

public struct ScanRow: Sendable {
    public var id: Int64
    public var startedAt: String
    public var finishedAt: String
    public var status: String
    public var files: Int
    public var filesParsed: Int
    public var deployments: Int
    public var usages: Int
    public var findingsOpen: Int
    public var findingsWaived: Int
    public var diagnostics: Int
    public var policyDigest: String
    public var source: String
}

/// The store's part of a compliance report; `ReportBuilder` turns it into a `ComplianceReport`.
public struct StoreReportData: Sendable {
    public struct ActiveUsage: Sendable {
        /// `licenseKind` is left for the report builder, which knows the catalog.
        public var record: ComplianceReport.UsageRecord
        public var labels: [String: String]
        public var namespace: String?
    }

    public struct FindingCount: Sendable {
        public var source: String
        public var status: String
        public var severity: String
        public var count: Int
    }

    /// Usages active now that were first seen before the end of the period.
    public var active: [ActiveUsage]
    public var activeDeployments: Int
    /// Findings seen in the period, counted by source, status and severity.
    public var findingCounts: [FindingCount]
    /// Scans that finished in the period, oldest first.
    public var scans: [ScanRow]
    /// Open findings by severity at the end of each of the last 60 days with a scan.
    public var findingsOverTime: [ComplianceReport.DayCount]
    /// Every usage seen in the period: active ones first by place, then the others in the order they were recorded.
    public var usages: RowStream<ComplianceReport.UsageRecord>
    /// Every finding seen in the period, open first; `title` holds the rule id for the builder to replace.
    public var findings: RowStream<ComplianceReport.FindingRecord>
}

/// A scan in which no file and no policy changed.
public struct UnchangedScan: Sendable {
    public var source: String
    public var previousScanID: Int64
    public var startedAt: String
    public var finishedAt: String
    /// When the source's usages and findings were last seen: now.
    public var seenAt: String
    public var files: Int
}

/// The period bounds as the store compares them: timestamps are ISO 8601 text, so a date sorts before its day's times.
enum Period {
    static func lower(_ since: String?) -> String { since ?? "0000" }
    static func upper(_ until: String?) -> String { until.map { $0 + "T99" } ?? "9999" }
}

import Foundation
import GRDB
import ModelwardenCore

/// The SQLite backend of `AuditStore`: every SQL statement the GRDB store runs, apart from its migrations (`Schema`).
/// The synchronous readers are the same queries for callers that hold the database directly (tests, tools).
extension AuditDatabase: AuditStore {
    public var location: String { path }

    public typealias InventoryRow = ModelwardenStore.InventoryRow
    public typealias FindingRow = ModelwardenStore.FindingRow
    public typealias EventRow = ModelwardenStore.EventRow
    public typealias ScanRow = ModelwardenStore.ScanRow

    // MARK: - Readers

    public func sources() async throws -> [SourceRow] {
        try await writer.read { db in try Self.sources(db) }
    }

    public func inventory(sources: SourceSelection) async throws -> [InventoryRow] {
        try await writer.read { db in try Self.inventory(db, sources: sources) }
    }

    public func findings(status: String?, sources: SourceSelection) async throws -> [FindingRow] {
        try await writer.read { db in try Self.findings(db, status: status, sources: sources) }
    }

    public func history(model: String?, deployment: String?, since: String?, sources: SourceSelection) async throws -> [EventRow] {
        try await writer.read { db in try Self.history(db, model: model, deployment: deployment, since: since, sources: sources) }
    }

    public func tools(sources: SourceSelection) async throws -> [ToolRow] {
        try await writer.read { db in try Self.tools(db, sources: sources) }
    }

    public func scans(sources: SourceSelection) async throws -> [ScanRow] {
        try await writer.read { db in try Self.scans(db, sources: sources) }
    }

    /// The models in use now: active usages with their deployment.
    public func inventory(sources: SourceSelection = .all) throws -> [InventoryRow] {
        try writer.read { db in try Self.inventory(db, sources: sources) }
    }

    public func findings(status: String? = nil, sources: SourceSelection = .all) throws -> [FindingRow] {
        try writer.read { db in try Self.findings(db, status: status, sources: sources) }
    }

    /// The append-only event trail, oldest first, optionally for one model or deployment and since a date.
    public func history(model: String? = nil, deployment: String? = nil, since: String? = nil, sources: SourceSelection = .all) throws -> [EventRow] {
        try writer.read { db in try Self.history(db, model: model, deployment: deployment, since: since, sources: sources) }
    }

    public func scans(sources: SourceSelection = .all) throws -> [ScanRow] {
        try writer.read { db in try Self.scans(db, sources: sources) }
    }

    static func deploymentName(_ row: Row) -> String {
        let namespace: String = row["namespace"]
        return "\(row["kind"] as String) \(namespace.isEmpty ? "" : namespace + "/")\(row["name"] as String)"
    }

    /// ` AND source.name IN (...)` for a selection, with its one argument (a JSON array); nothing for every source.
    static func sourceFilter(_ db: Database, _ selection: SourceSelection) throws -> (sql: String, arguments: StatementArguments) {
        guard let names = selection.names(among: try String.fetchAll(db, sql: "SELECT name FROM source")) else { return ("", []) }
        let list = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
        return (" AND source.name IN (SELECT value FROM json_each(?))", [list])
    }

    static func sources(_ db: Database) throws -> [SourceRow] {
        try Row.fetchAll(db, sql: """
            SELECT source.name, count(scan.id) AS scans, max(scan.finished_at) AS last FROM source
            JOIN scan ON scan.source_id = source.id GROUP BY source.id ORDER BY source.name
            """).map { SourceRow(name: $0["name"], scans: $0["scans"], lastScanAt: $0["last"]) }
    }

    static func inventory(_ db: Database, sources: SourceSelection) throws -> [InventoryRow] {
        let filter = try sourceFilter(db, sources)
        return try Row.fetchAll(db, sql: """
            SELECT usage.*, deployment.kind, deployment.namespace, deployment.name, source.name AS source, \(LastSeen.time("usage")) AS seen_last
            FROM usage JOIN deployment ON deployment.id = usage.deployment_id JOIN source ON source.id = usage.source_id\(LastSeen.join("usage"))
            WHERE usage.active = 1\(filter.sql) ORDER BY usage.file, usage.line, usage.column, usage.model, source.name
            """, arguments: filter.arguments).map { row in
            InventoryRow(deployment: deploymentName(row), model: row["model"], vendor: row["vendor"], family: row["family"],
                         license: row["license"], hosting: row["hosting"], runtime: row["runtime"], api: row["api"], file: row["file"],
                         line: row["line"], column: row["column"], firstSeen: row["first_seen_at"], lastSeen: row["seen_last"],
                         source: row["source"])
        }
    }

    static func tools(_ db: Database, sources: SourceSelection) throws -> [ToolRow] {
        let filter = try sourceFilter(db, sources)
        return try Row.fetchAll(db, sql: """
            SELECT tool_server.*, source.name AS source, \(LastSeen.time("tool_server")) AS seen_last
            FROM tool_server JOIN source ON source.id = tool_server.source_id\(LastSeen.join("tool_server"))
            WHERE tool_server.active = 1\(filter.sql) ORDER BY tool_server.file, tool_server.line, tool_server.column, tool_server.name, source.name
            """, arguments: filter.arguments).map { row in
            ToolRow(server: ToolRecord(name: row["name"], client: row["client"], file: row["file"], line: row["line"], column: row["column"],
                                       enabled: row["enabled"], transport: row["transport"], launcher: row["launcher"], package: row["package"],
                                       version: row["version"], pinned: row["pinned"], url: row["url"], host: row["host"],
                                       hostScope: row["host_scope"], auth: ToolRecord.names(row["auth"]), env: ToolRecord.names(row["env"]),
                                       dataClassification: row["data_classification"]),
                    firstSeen: row["first_seen_at"], lastSeen: row["seen_last"], source: row["source"], scope: row["scope"])
        }
    }

    static func findings(_ db: Database, status: String?, sources: SourceSelection) throws -> [FindingRow] {
        let filter = try sourceFilter(db, sources)
        var sql = "SELECT finding.*, source.name AS source, \(LastSeen.time("finding")) AS seen_last FROM finding "
            + "JOIN source ON source.id = finding.source_id\(LastSeen.join("finding")) WHERE 1 = 1" + filter.sql
        var arguments = filter.arguments
        if let status {
            sql += " AND finding.status = ?"
            arguments += [status]
        }
        sql += " ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, file, line, rule, source.name"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            FindingRow(rule: row["rule"], severity: row["severity"], status: row["status"], deployment: row["deployment"], model: row["model"],
                       file: row["file"], line: row["line"], column: row["column"], message: row["message"], waiver: row["waiver"],
                       fingerprint: row["fingerprint"], firstSeen: row["first_seen_at"], lastSeen: row["seen_last"], source: row["source"])
        }
    }

    static func history(_ db: Database, model: String?, deployment: String?, since: String?, sources: SourceSelection) throws -> [EventRow] {
        let filter = try sourceFilter(db, sources)
        var sql = """
            SELECT event.*, source.name AS source FROM event JOIN scan ON scan.id = event.scan_id JOIN source ON source.id = scan.source_id
            WHERE 1 = 1
            """ + filter.sql
        var arguments = filter.arguments
        if let model {
            sql += " AND (event.model LIKE ? OR event.detail LIKE ?)"
            arguments += ["%\(model)%", "%\(model)%"]
        }
        if let deployment {
            sql += " AND event.deployment LIKE ?"
            arguments += ["%\(deployment)%"]
        }
        if let since {
            sql += " AND event.at >= ?"
            arguments += [since]
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY event.id", arguments: arguments).map { row in
            EventRow(scanID: row["scan_id"], at: row["at"], kind: row["kind"], deployment: row["deployment"], model: row["model"],
                     subject: row["subject"], detail: row["detail"], source: row["source"])
        }
    }

    static func scans(_ db: Database, sources: SourceSelection) throws -> [ScanRow] {
        let filter = try sourceFilter(db, sources)
        return try Row.fetchAll(db, sql: """
            SELECT scan.*, source.name AS source FROM scan JOIN source ON source.id = scan.source_id WHERE 1 = 1\(filter.sql) ORDER BY scan.id
            """, arguments: filter.arguments).map(scanRow)
    }

    static func scanRow(_ row: Row) -> ScanRow {
        ScanRow(id: row["id"], startedAt: row["started_at"], finishedAt: row["finished_at"], status: row["status"], files: row["files"],
                filesParsed: row["files_parsed"], deployments: row["deployments"], usages: row["usages"],
                findingsOpen: row["findings_open"], findingsWaived: row["findings_waived"], diagnostics: row["diagnostics"],
                policyDigest: row["policy_digest"], source: row["source"])
    }

    // MARK: - Recording

    public func sourceState(_ source: String) async throws -> SourceState {
        try await writer.read { db in
            guard let sourceID = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE name = ?", arguments: [source]) else { return SourceState() }
            var files: [String: SourceState.KnownFile] = [:]
            let cursor = try Row.fetchCursor(db, sql: "SELECT absolute_path, size, mtime, sha256 FROM file WHERE source_id = ? AND present = 1",
                                             arguments: [sourceID])
            while let row = try cursor.next() {
                // By position: a name lookup per column costs more than the row itself at 10,000 files.
                files[row[0]] = SourceState.KnownFile(size: row[1], mtime: row[2], sha256: row[3])
            }
            let last = try Row.fetchOne(db, sql: "SELECT id, policy_digest FROM scan WHERE source_id = ? ORDER BY id DESC LIMIT 1", arguments: [sourceID])
            let evaluated = try String.fetchOne(db, sql: "SELECT started_at FROM scan WHERE source_id = ? AND status = 'complete' ORDER BY id DESC LIMIT 1",
                                                arguments: [sourceID])
            return SourceState(files: files, lastScanID: last?["id"], lastPolicyDigest: last?["policy_digest"], lastEvaluatedAt: evaluated)
        }
    }

    public var recordsScopedScans: Bool { true }

    public func estateCounts(source: String) async throws -> EstateCounts {
        try await writer.read { db in
            guard let sourceID = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE name = ?", arguments: [source]) else { return EstateCounts() }
            let usages = try Row.fetchAll(db, sql: """
                SELECT hosting, license, count(*) FROM usage WHERE source_id = ? AND active = 1 GROUP BY hosting, license ORDER BY hosting, license
                """, arguments: [sourceID]).map { EstateCounts.Usages(hosting: $0[0], license: $0[1], count: $0[2]) }
            let findings = try Row.fetchAll(db, sql: """
                SELECT severity, rule, count(*) FROM finding WHERE source_id = ? AND status = 'open' GROUP BY severity, rule ORDER BY severity, rule
                """, arguments: [sourceID]).map { EstateCounts.Findings(severity: $0[0], rule: $0[1], count: $0[2]) }
            return EstateCounts(usages: usages, openFindings: findings)
        }
    }

    public func lastScanID(source: String) async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(scan.id) FROM scan JOIN source ON source.id = scan.source_id WHERE source.name = ?",
                               arguments: [source])
        }
    }

    public func cachedScans(source: String, paths: Set<String>) async throws -> [String: Data] {
        try await knownScans(source: source, paths: paths).mapValues(\.scan)
    }

    public func recordUnchanged(_ scan: UnchangedScan) async throws -> ScanSummary {
        try await writer.write { db in
            let sourceID = try Self.sourceID(db, scan.source)
            let last = try Row.fetchOne(db, sql: "SELECT * FROM scan WHERE id = ? AND source_id = ?", arguments: [scan.previousScanID, sourceID])!
            try db.execute(sql: """
                INSERT INTO scan (source_id, started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages,
                                  findings_open, findings_waived, diagnostics)
                VALUES (?, ?, ?, 'unchanged', ?, ?, ?, 0, ?, ?, ?, ?, ?)
                """, arguments: [sourceID, scan.startedAt, scan.finishedAt, last["roots"] as String, last["policy_digest"] as String, scan.files,
                                 last["deployments"] as Int, last["usages"] as Int, last["findings_open"] as Int,
                                 last["findings_waived"] as Int, last["diagnostics"] as Int])
            let id = db.lastInsertedRowID
            try Self.carryEstate(db, sourceID: sourceID, from: scan.previousScanID, to: id)
            // Every row still there is seen by this scan without being written (`LastSeen`).
            return ScanSummary(scanID: id, status: "unchanged", files: scan.files, filesParsed: 0, deployments: last["deployments"],
                               usages: last["usages"], openFindings: last["findings_open"], waivedFindings: last["findings_waived"],
                               events: 0, diagnostics: [], source: scan.source)
        }
    }

    /// The id of a source, created on its first scan.
    static func sourceID(_ db: Database, _ name: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            INSERT INTO source (name) VALUES (?) ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id
            """, arguments: [name])!
    }

    public func record(_ recording: ScanRecording) async throws -> ScanSummary {
        try await writer.write { db in try Self.record(db, recording) }
    }

    static func record(_ db: Database, _ recording: ScanRecording) throws -> ScanSummary {
        let sourceID = try sourceID(db, recording.source)
        // The scan that saw last what this one retires (`LastSeen`).
        let before = try Row.fetchOne(db, sql: "SELECT id, started_at FROM scan WHERE source_id = ? ORDER BY id DESC LIMIT 1", arguments: [sourceID])
        let retired = Retired(scanID: before?["id"], seenAt: before?["started_at"])
        try db.execute(sql: """
            INSERT INTO scan (source_id, started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages,
                              findings_open, findings_waived, diagnostics)
            VALUES (?, ?, ?, 'complete', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [sourceID, recording.startedAt, recording.finishedAt, recording.rootsJSON, recording.policyDigest,
                             recording.fileCount, recording.filesParsed, recording.deploymentsFound, recording.usagesFound,
                             recording.openFindings, recording.waivedFindings, recording.diagnostics.count])
        let scanID = db.lastInsertedRowID
        try recordFiles(db, recording, sourceID: sourceID, scanID: scanID)
        let deploymentIDs = try recordDeployments(db, recording, sourceID: sourceID, scanID: scanID, retired: retired)
        let changes = ScanChanges(recording: recording, previousUsages: try previousUsages(db, recording, sourceID: sourceID),
                                  previousFindings: try previousFindings(db, recording, sourceID: sourceID),
                                  previousTools: try previousTools(db, recording, sourceID: sourceID))
        try recordUsages(db, recording, changes: changes, deploymentIDs: deploymentIDs, sourceID: sourceID, scanID: scanID, retired: retired)
        try recordTools(db, recording, changes: changes, sourceID: sourceID, scanID: scanID, retired: retired)
        try recordFindings(db, recording, changes: changes, sourceID: sourceID, scanID: scanID, retired: retired)
        let insertEvent = try db.cachedStatement(sql: "INSERT INTO event (scan_id, at, kind, deployment, model, subject, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for event in changes.events {
            try insertEvent.execute(arguments: [scanID, recording.seenAt, event.kind, event.deployment, event.model, event.subject, event.detail])
        }
        try recordEstate(db, recording, sourceID: sourceID, scanID: scanID, previousScanID: retired.scanID)
        return recording.summary(scanID: scanID, events: changes.events.count)
    }

    /// The last scan before this one, which is when the rows this scan retires were seen last.
    struct Retired {
        var scanID: Int64?
        var seenAt: String?
    }

    /// A statement's arguments, with the scope's files last when the recording has a scope.
    private static func scoped(_ arguments: [any DatabaseValueConvertible], _ recording: ScanRecording) -> StatementArguments {
        StatementArguments(recording.scope == nil ? arguments : arguments + [recording.scopeJSON])
    }

    /// A JSON array of keys or ids, for one statement over many rows (`IN (SELECT value FROM json_each(?))`).
    static func jsonList<T: Encodable>(_ values: [T]) -> String {
        String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Only new and changed rows are written; a file still there is seen by this scan without being written (`LastSeen`).
    private static func recordFiles(_ db: Database, _ recording: ScanRecording, sourceID: Int64, scanID: Int64) throws {
        var present: [String: (path: String, size: Int64, mtime: Double, sha256: String)] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT path, absolute_path, size, mtime, sha256 FROM file WHERE source_id = ? AND present = 1"
                                             + (recording.scope == nil ? "" : " AND absolute_path IN (SELECT value FROM json_each(?))"),
                                         arguments: recording.scope == nil ? [sourceID] : [sourceID, jsonList(recording.files.map(\.absolutePath))])
        while let row = try cursor.next() {
            let path: String = row[0], size: Int64 = row[2], mtime: Double = row[3], sha256: String = row[4]
            present[row[1]] = (path, size, mtime, sha256)
        }
        let upsertFile = try db.cachedStatement(sql: """
            INSERT INTO file (source_id, path, absolute_path, size, mtime, sha256, present, last_scan_id) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
            ON CONFLICT(source_id, absolute_path) DO UPDATE SET path = excluded.path, size = excluded.size, mtime = excluded.mtime,
                sha256 = excluded.sha256, present = 1, last_scan_id = excluded.last_scan_id
            RETURNING id
            """)
        let upsertCache = try db.cachedStatement(sql: "INSERT OR REPLACE INTO file_cache (file_id, scan) VALUES (?, ?)")
        for file in recording.files {
            if file.cache == nil, let old = present[file.absolutePath], old.path == file.path, old.size == file.size, old.mtime == file.mtime,
               old.sha256 == file.sha256 {
                continue
            }
            let id = try Int64.fetchOne(upsertFile, arguments: [sourceID, file.path, file.absolutePath, file.size, file.mtime, file.sha256, scanID])!
            if let cache = file.cache { try upsertCache.execute(arguments: [id, cache]) }
        }
        for path in recording.removedFiles {
            try db.execute(sql: "UPDATE file SET present = 0, last_scan_id = ? WHERE source_id = ? AND absolute_path = ?",
                           arguments: [scanID, sourceID, path])
        }
    }

    /// Every deployment of the recording is active and last seen now, with its labels; the others are inactive.
    private static func recordDeployments(_ db: Database, _ recording: ScanRecording, sourceID: Int64, scanID: Int64,
                                          retired: Retired) throws -> [String: Int64] {
        var active: [String: (id: Int64, labels: String)] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, kind, namespace, name, file, labels FROM deployment WHERE source_id = ? AND active = 1"
                                             + (recording.scope == nil ? "" : " AND file IN (SELECT value FROM json_each(?))"),
                                         arguments: scoped([sourceID], recording))
        while let row = try cursor.next() {
            let key = "\(row[1] as String)|\(row[2] as String)|\(row[3] as String)|\(row[4] as String)"
            let id: Int64 = row[0], labels: String = row[5]
            active[key] = (id, labels)
        }
        var ids: [String: Int64] = [:]
        var changed: [ScanRecording.Deployment] = []
        for deployment in recording.deployments {
            if let old = active[deployment.key], old.labels == deployment.labels { ids[deployment.key] = old.id } else { changed.append(deployment) }
        }
        let kept = jsonList(Array(ids.values))
        try db.execute(sql: """
            UPDATE deployment SET active = 0, last_seen_scan_id = coalesce(?, last_seen_scan_id)
            WHERE source_id = ? AND active = 1 AND id NOT IN (SELECT value FROM json_each(?))
            """ + (recording.scope == nil ? "" : " AND file IN (SELECT value FROM json_each(?))"),
                       arguments: scoped([retired.scanID, sourceID, kept], recording))
        let upsertDeployment = try db.cachedStatement(sql: """
            INSERT INTO deployment (source_id, kind, namespace, name, file, labels, first_seen_scan_id, last_seen_scan_id, active)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT(source_id, kind, namespace, name, file) DO UPDATE SET labels = excluded.labels,
                last_seen_scan_id = excluded.last_seen_scan_id, active = 1
            RETURNING id
            """)
        for deployment in changed {
            ids[deployment.key] = try Int64.fetchOne(upsertDeployment, arguments: [
                sourceID, deployment.kind, deployment.namespace, deployment.name, deployment.file, deployment.labels, scanID, scanID])!
        }
        return ids
    }

    private static func previousUsages(_ db: Database, _ recording: ScanRecording, sourceID: Int64) throws -> [String: ScanChanges.PreviousUsage] {
        var previous: [String: ScanChanges.PreviousUsage] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT usage.key, usage.model, deployment.kind, deployment.namespace, deployment.name
            FROM usage JOIN deployment ON deployment.id = usage.deployment_id WHERE usage.source_id = ? AND usage.active = 1
            """ + (recording.scope == nil ? "" : " AND usage.file IN (SELECT value FROM json_each(?))"), arguments: scoped([sourceID], recording))
        while let row = try cursor.next() {
            let namespace: String = row[3]
            previous[row[0]] = ScanChanges.PreviousUsage(deployment: "\(row[2] as String) \(namespace.isEmpty ? "" : namespace + "/")\(row[4] as String)",
                                                         model: row[1])
        }
        return previous
    }

    private static func previousFindings(_ db: Database, _ recording: ScanRecording, sourceID: Int64) throws -> [String: ScanChanges.PreviousFinding] {
        var previous: [String: ScanChanges.PreviousFinding] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT fingerprint, status, rule, deployment, model FROM finding WHERE source_id = ?"
                                             + (recording.scope == nil ? "" : " AND file IN (SELECT value FROM json_each(?))"),
                                         arguments: scoped([sourceID], recording))
        while let row = try cursor.next() {
            previous[row[0]] = ScanChanges.PreviousFinding(status: row[1], rule: row[2], deployment: row[3], model: row[4])
        }
        return previous
    }

    private static func recordUsages(_ db: Database, _ recording: ScanRecording, changes: ScanChanges, deploymentIDs: [String: Int64],
                                     sourceID: Int64, scanID: Int64, retired: Retired) throws {
        let upsertUsage = try db.cachedStatement(sql: """
            INSERT INTO usage (source_id, key, deployment_id, model, vendor, family, license, hosting, runtime, api, file, line, column, evidence,
                               first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at, active)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT(source_id, key) DO UPDATE SET deployment_id = excluded.deployment_id, vendor = excluded.vendor,
                family = excluded.family, license = excluded.license, line = excluded.line, column = excluded.column,
                evidence = excluded.evidence, last_seen_scan_id = excluded.last_seen_scan_id, last_seen_at = excluded.last_seen_at, active = 1
            """)
        // Active usages whose recorded columns are all the same are not written: this scan sees them as they are.
        var same: [String: [String]] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT key, deployment_id, vendor, family, license, line, column, evidence FROM usage WHERE source_id = ? AND active = 1
            """ + (recording.scope == nil ? "" : " AND file IN (SELECT value FROM json_each(?))"), arguments: scoped([sourceID], recording))
        while let row = try cursor.next() {
            same[row[0]] = [String(row[1] as Int64), row[2], row[3], row[4], String(row[5] as Int), String(row[6] as Int), row[7]]
        }
        for usage in recording.usages {
            guard let deploymentID = deploymentIDs[usage.deploymentKey] else { continue }
            if same[usage.key] == [String(deploymentID), usage.vendor, usage.family, usage.license, String(usage.line), String(usage.column),
                                   usage.evidence] {
                continue
            }
            try upsertUsage.execute(arguments: [
                sourceID, usage.key, deploymentID, usage.model, usage.vendor, usage.family, usage.license, usage.hosting, usage.runtime, usage.api,
                usage.file, usage.line, usage.column, usage.evidence, scanID, scanID, recording.seenAt, recording.seenAt,
            ])
        }
        for key in changes.disappearedUsages {
            try db.execute(sql: """
                UPDATE usage SET active = 0, last_seen_scan_id = coalesce(?, last_seen_scan_id), last_seen_at = coalesce(?, last_seen_at)
                WHERE source_id = ? AND key = ?
                """, arguments: [retired.scanID, retired.seenAt, sourceID, key])
        }
    }

    private static func previousTools(_ db: Database, _ recording: ScanRecording, sourceID: Int64) throws -> [String: ScanChanges.PreviousTool] {
        var previous: [String: ScanChanges.PreviousTool] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT key, name, package, version, host, url FROM tool_server WHERE source_id = ? AND active = 1"
                                             + (recording.scope == nil ? "" : " AND file IN (SELECT value FROM json_each(?))"),
                                         arguments: scoped([sourceID], recording))
        while let row = try cursor.next() {
            previous[row["key"]] = ScanChanges.PreviousTool(name: row["name"], package: row["package"], version: row["version"], host: row["host"],
                                                            url: row["url"])
        }
        return previous
    }

    private static func recordTools(_ db: Database, _ recording: ScanRecording, changes: ScanChanges, sourceID: Int64, scanID: Int64,
                                    retired: Retired) throws {
        let upsertTool = try db.cachedStatement(sql: """
            INSERT INTO tool_server (source_id, key, name, client, file, line, column, enabled, transport, launcher, package, version, pinned,
                                     url, host, host_scope, auth, env, data_classification, first_seen_scan_id, last_seen_scan_id,
                                     first_seen_at, last_seen_at, scope, active)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT(source_id, key) DO UPDATE SET line = excluded.line, column = excluded.column, enabled = excluded.enabled,
                transport = excluded.transport, launcher = excluded.launcher, package = excluded.package, version = excluded.version,
                pinned = excluded.pinned, url = excluded.url, host = excluded.host, host_scope = excluded.host_scope, auth = excluded.auth,
                env = excluded.env, data_classification = excluded.data_classification, last_seen_scan_id = excluded.last_seen_scan_id,
                last_seen_at = excluded.last_seen_at, scope = excluded.scope, active = 1
            """)
        for tool in recording.tools {
            try upsertTool.execute(arguments: [
                sourceID, tool.key, tool.name, tool.client, tool.file, tool.line, tool.column, tool.enabled, tool.transport, tool.launcher,
                tool.package, tool.version, tool.pinned, tool.url, tool.host, tool.hostScope, tool.auth, tool.env, tool.dataClassification,
                scanID, scanID, recording.seenAt, recording.seenAt, tool.scope,
            ])
        }
        for key in changes.disappearedTools {
            try db.execute(sql: """
                UPDATE tool_server SET active = 0, last_seen_scan_id = coalesce(?, last_seen_scan_id), last_seen_at = coalesce(?, last_seen_at)
                WHERE source_id = ? AND key = ?
                """, arguments: [retired.scanID, retired.seenAt, sourceID, key])
        }
    }

    private static func recordFindings(_ db: Database, _ recording: ScanRecording, changes: ScanChanges, sourceID: Int64, scanID: Int64,
                                       retired: Retired) throws {
        let upsertFinding = try db.cachedStatement(sql: """
            INSERT INTO finding (source_id, fingerprint, rule, severity, status, deployment, model, file, line, column, message, remediation,
                                 waiver, first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(source_id, fingerprint) DO UPDATE SET severity = excluded.severity, status = excluded.status, line = excluded.line,
                column = excluded.column, message = excluded.message, remediation = excluded.remediation, waiver = excluded.waiver,
                last_seen_scan_id = excluded.last_seen_scan_id, last_seen_at = excluded.last_seen_at
            """)
        // Findings whose recorded columns are all the same are not written: this scan sees them as they are.
        var same: [String: [String]] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT fingerprint, severity, status, line, column, message, remediation, waiver FROM finding WHERE source_id = ?
            """ + (recording.scope == nil ? "" : " AND file IN (SELECT value FROM json_each(?))"), arguments: scoped([sourceID], recording))
        while let row = try cursor.next() {
            same[row[0]] = findingColumns(row[1], row[2], row[3], row[4], row[5], row[6], row[7])
        }
        for finding in recording.findings {
            if same[finding.fingerprint] == findingColumns(finding.severity, finding.status, finding.line, finding.column, finding.message,
                                                           finding.remediation, finding.waiver) {
                continue
            }
            try upsertFinding.execute(arguments: [
                sourceID, finding.fingerprint, finding.rule, finding.severity, finding.status, finding.deployment, finding.model,
                finding.file, finding.line, finding.column, finding.message, finding.remediation, finding.waiver,
                scanID, scanID, recording.seenAt, recording.seenAt,
            ])
        }
        for fingerprint in changes.resolvedFindings {
            try db.execute(sql: """
                UPDATE finding SET status = 'resolved', last_seen_scan_id = ?, last_seen_at = coalesce(?, last_seen_at)
                WHERE source_id = ? AND fingerprint = ? AND status != 'resolved'
                """, arguments: [scanID, retired.seenAt, sourceID, fingerprint])
        }
    }

    /// The columns a finding's upsert sets, besides when it was seen, as one comparable value.
    private static func findingColumns(_ severity: String, _ status: String, _ line: Int, _ column: Int, _ message: String, _ remediation: String,
                                       _ waiver: String?) -> [String] {
        [severity, status, String(line), String(column), message, remediation, waiver ?? "\u{0}"]
    }

    // MARK: - Reports

    public func reportData(since: String?, until: String?, sources: SourceSelection) async throws -> StoreReportData {
        let lower = Period.lower(since), upper = Period.upper(until)
        let (active, activeDeployments, counts, scans, filter) = try await writer.read { db in
            let filter = try Self.sourceFilter(db, sources)
            let active = try Row.fetchAll(db, sql: """
                SELECT usage.*, deployment.kind, deployment.namespace, deployment.name, deployment.labels AS labels, source.name AS source,
                       \(LastSeen.time("usage")) AS seen_last
                FROM usage JOIN deployment ON deployment.id = usage.deployment_id JOIN source ON source.id = usage.source_id\(LastSeen.join("usage"))
                WHERE usage.active = 1 AND usage.first_seen_at <= ?\(filter.sql) ORDER BY usage.file, usage.line, source.name
                """, arguments: [upper] + filter.arguments).map(Self.activeUsage)
            let deployments = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM deployment JOIN source ON source.id = deployment.source_id WHERE deployment.active = 1\(filter.sql)
                """, arguments: filter.arguments) ?? 0
            let counts = try Row.fetchAll(db, sql: """
                SELECT source.name AS source, finding.status, finding.severity, count(*) AS n
                FROM finding JOIN source ON source.id = finding.source_id\(LastSeen.join("finding"))
                WHERE \(LastSeen.time("finding")) >= ? AND finding.first_seen_at <= ?\(filter.sql) GROUP BY source.name, finding.status, finding.severity
                """, arguments: [lower, upper] + filter.arguments).map {
                StoreReportData.FindingCount(source: $0["source"], status: $0["status"], severity: $0["severity"], count: $0["n"])
            }
            let scans = try Self.scans(db, sources: sources).filter { $0.finishedAt >= lower && $0.finishedAt <= upper }
            return (active, deployments, counts, scans, filter)
        }
        let days = Array(Set(scans.map { String($0.finishedAt.prefix(10)) })).sorted().suffix(60)
        let overTime = try await writer.read { db in try Self.findingsOverTime(db, days: Array(days), filter: filter) }
        return StoreReportData(active: active, activeDeployments: activeDeployments, findingCounts: counts, scans: scans, findingsOverTime: overTime,
                               usages: usageStream(lower: lower, upper: upper, filter: filter),
                               findings: findingStream(lower: lower, upper: upper, filter: filter))
    }

    static func activeUsage(_ row: Row) -> StoreReportData.ActiveUsage {
        let labels = (try? JSONDecoder().decode([String: String].self, from: Data((row["labels"] as String).utf8))) ?? [:]
        let namespace: String = row["namespace"]
        let record = ComplianceReport.UsageRecord(
            deployment: deploymentName(row), model: row["model"], vendor: row["vendor"], family: row["family"], license: row["license"],
            licenseKind: nil, hosting: row["hosting"], runtime: row["runtime"], api: row["api"], file: row["file"], line: row["line"],
            firstSeen: row["first_seen_at"], lastSeen: row["seen_last"], active: (row["active"] as Int) == 1, source: row["source"])
        return StoreReportData.ActiveUsage(record: record, labels: labels, namespace: namespace.isEmpty ? nil : namespace)
    }

    /// Open findings by severity at the end of each day that had a scan.
    static func findingsOverTime(_ db: Database, days: [String], filter: (sql: String, arguments: StatementArguments)) throws -> [ComplianceReport.DayCount] {
        try days.map { day in
            let rows = try Row.fetchAll(db, sql: """
                SELECT finding.severity, count(*) AS n FROM finding JOIN source ON source.id = finding.source_id
                WHERE finding.first_seen_at <= ? AND finding.status != 'waived' AND (finding.status = 'open' OR finding.last_seen_at >= ?)\(filter.sql)
                GROUP BY finding.severity
                """, arguments: [day + "T99", day] + filter.arguments)
            func n(_ severity: String) -> Int { rows.first { ($0["severity"] as String) == severity }?["n"] ?? 0 }
            return ComplianceReport.DayCount(day: day, error: n("error"), warning: n("warning"), info: n("info"))
        }
    }

    /// Every usage of the period, streamed: columns by position, since this loop runs once per usage row of the whole
    /// history. Active usages first, by place; then the history in the order it was recorded, which needs no sort.
    private func usageStream(lower: String, upper: String, filter: (sql: String, arguments: StatementArguments)) -> RowStream<ComplianceReport.UsageRecord> {
        let writer = self.writer
        return RowStream { body in
            try writer.read { db in
                for active in [1, 0] {
                    let cursor = try Row.fetchCursor(db, sql: """
                        SELECT deployment.kind, deployment.namespace, deployment.name, usage.model, usage.vendor, usage.family, usage.license,
                               usage.hosting, usage.runtime, usage.api, usage.file, usage.line, usage.first_seen_at, \(LastSeen.time("usage")),
                               usage.active, source.name
                        FROM usage JOIN deployment ON deployment.id = usage.deployment_id JOIN source ON source.id = usage.source_id\(LastSeen.join("usage"))
                        WHERE usage.active = ? AND \(LastSeen.time("usage")) >= ? AND usage.first_seen_at <= ?\(filter.sql)
                        ORDER BY \(active == 1 ? "usage.file, usage.line, usage.id" : "usage.id")
                        """, arguments: [active, lower, upper] + filter.arguments)
                    while let row = try cursor.next() {
                        let kind: String = row[0], namespace: String = row[1], name: String = row[2]
                        try body(ComplianceReport.UsageRecord(
                            deployment: namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)", model: row[3], vendor: row[4],
                            family: row[5], license: row[6], licenseKind: nil, hosting: row[7], runtime: row[8], api: row[9], file: row[10],
                            line: row[11], firstSeen: row[12], lastSeen: row[13], active: (row[14] as Int) == 1, source: row[15]))
                    }
                }
            }
        }
    }

    private func findingStream(lower: String, upper: String, filter: (sql: String, arguments: StatementArguments)) -> RowStream<ComplianceReport.FindingRecord> {
        let writer = self.writer
        return RowStream { body in
            try writer.read { db in
                let cursor = try Row.fetchCursor(db, sql: """
                    SELECT finding.*, source.name AS source, \(LastSeen.time("finding")) AS seen_last
                    FROM finding JOIN source ON source.id = finding.source_id\(LastSeen.join("finding"))
                    WHERE \(LastSeen.time("finding")) >= ? AND finding.first_seen_at <= ?\(filter.sql)
                    ORDER BY CASE finding.status WHEN 'open' THEN 0 WHEN 'waived' THEN 1 ELSE 2 END,
                             CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, file, line, rule, source.name
                    """, arguments: [lower, upper] + filter.arguments)
                while let row = try cursor.next() {
                    try body(ComplianceReport.FindingRecord(
                        rule: row["rule"], title: row["rule"], severity: row["severity"], status: row["status"],
                        deployment: row["deployment"], model: row["model"], file: row["file"], line: row["line"], column: row["column"],
                        message: row["message"], remediation: row["remediation"], waiver: row["waiver"],
                        firstSeen: row["first_seen_at"], lastSeen: row["seen_last"], source: row["source"]))
                }
            }
        }
    }
}

/// When a row was last seen, as the SQLite store answers it. A scan does not rewrite the rows it sees again as they
/// were (at 10,000 usages that rewrite cost more than the rest of a daemon's rescan): a row that is still there (an
/// active deployment, usage or server, a finding not resolved) was seen by its source's latest scan; a retired row
/// keeps the last scan that saw it, written when it retired. PostgreSQL rewrites every row, so its columns say it.
enum LastSeen {
    /// Joins `seen`, the latest scan of the row's source.
    static func join(_ table: String) -> String {
        " JOIN (SELECT source_id, max(id) AS id FROM scan GROUP BY source_id) AS latest ON latest.source_id = \(table).source_id"
            + " JOIN scan AS seen ON seen.id = latest.id"
    }

    /// The last-seen time of a row of `table`.
    static func time(_ table: String) -> String {
        let present = table == "finding" ? "finding.status != 'resolved'" : "\(table).active = 1"
        return "(CASE WHEN \(present) THEN seen.started_at ELSE \(table).last_seen_at END)"
    }
}

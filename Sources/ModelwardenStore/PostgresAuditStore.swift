import Foundation
import Logging
import ModelwardenCore
import PostgresNIO

/// The PostgreSQL backend of `AuditStore`, through postgres-nio's `PostgresClient`: every SQL statement it runs,
/// apart from its migrations (`PostgresSchema`). Every interpolation in a query is a bound parameter. A scan is one
/// transaction that first locks its source's row, so scans of one source queue while other sources write at once.
public struct PostgresAuditStore: AuditStore {
    public let client: PostgresClient
    public let connection: PostgresLocation
    let logger: Logger

    /// A client that someone runs: `StoreLocation.withStore` for the commands, the daemon's `ServiceGroup` for the daemon.
    public init(client: PostgresClient, location: PostgresLocation, logger: Logger) {
        self.client = client
        self.connection = location
        self.logger = logger
    }

    public var location: String { connection.description }

    /// Creates or upgrades the schema; refuses a database written by a newer version.
    public func migrate() async throws {
        try await client.withConnection { connection in
            try await PostgresSchema.migrate(connection, location: location, logger: logger)
        }
    }

    // MARK: - Rows

    private func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    static func rows(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// The selected source names, or nil for all: bound as `(all OR source.name = ANY(names))`.
    private func selected(_ selection: SourceSelection) async throws -> (all: Bool, names: [String]) {
        guard !selection.selectsAll else { return (true, []) }
        let names = try await rows("SELECT name FROM source").map { try $0.text("name") }
        return (false, selection.names(among: names) ?? [])
    }

    static func deploymentName(_ row: PostgresRandomAccessRow) throws -> String {
        let namespace = try row.text("namespace")
        return "\(try row.text("kind")) \(namespace.isEmpty ? "" : namespace + "/")\(try row.text("name"))"
    }

    // MARK: - Readers

    public func sources() async throws -> [SourceRow] {
        try await rows("""
            SELECT source.name, count(scan.id) AS scans, max(scan.finished_at) AS last FROM source
            JOIN scan ON scan.source_id = source.id GROUP BY source.id, source.name ORDER BY source.name COLLATE "C"
            """).map { SourceRow(name: try $0.text("name"), scans: try $0.int("scans"), lastScanAt: try $0.optionalText("last")) }
    }

    public func inventory(sources selection: SourceSelection) async throws -> [InventoryRow] {
        let filter = try await selected(selection)
        return try await rows("""
            SELECT usage.*, deployment.kind, deployment.namespace, deployment.name, source.name AS source FROM usage
            JOIN deployment ON deployment.id = usage.deployment_id JOIN source ON source.id = usage.source_id
            WHERE usage.active AND (\(filter.all) OR source.name = ANY(\(filter.names)))
            ORDER BY usage.file COLLATE "C", usage.line, usage."column", usage.model COLLATE "C", source.name COLLATE "C"
            """).map { row in
            InventoryRow(deployment: try Self.deploymentName(row), model: try row.optionalText("model"), vendor: try row.text("vendor"),
                         family: try row.text("family"), license: try row.text("license"), hosting: try row.text("hosting"),
                         runtime: try row.optionalText("runtime"), api: try row.optionalText("api"), file: try row.text("file"),
                         line: try row.int("line"), column: try row.int("column"), firstSeen: try row.text("first_seen_at"),
                         lastSeen: try row.text("last_seen_at"), source: try row.text("source"))
        }
    }

    public func findings(status: String?, sources selection: SourceSelection) async throws -> [FindingRow] {
        let filter = try await selected(selection)
        return try await rows("""
            SELECT finding.*, source.name AS source FROM finding JOIN source ON source.id = finding.source_id
            WHERE (\(filter.all) OR source.name = ANY(\(filter.names))) AND (\(status)::text IS NULL OR finding.status = \(status))
            ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, file COLLATE "C", line, rule COLLATE "C", source.name COLLATE "C"
            """).map(Self.findingRow)
    }

    static func findingRow(_ row: PostgresRandomAccessRow) throws -> FindingRow {
        FindingRow(rule: try row.text("rule"), severity: try row.text("severity"), status: try row.text("status"),
                   deployment: try row.optionalText("deployment"), model: try row.optionalText("model"), file: try row.text("file"),
                   line: try row.int("line"), column: try row.int("column"), message: try row.text("message"),
                   waiver: try row.optionalText("waiver"), fingerprint: try row.text("fingerprint"), firstSeen: try row.text("first_seen_at"),
                   lastSeen: try row.text("last_seen_at"), source: try row.text("source"))
    }

    public func history(model: String?, deployment: String?, since: String?, sources selection: SourceSelection) async throws -> [EventRow] {
        let filter = try await selected(selection)
        let modelPattern = model.map { "%\(Self.escapeLike($0))%" }
        let deploymentPattern = deployment.map { "%\(Self.escapeLike($0))%" }
        return try await rows("""
            SELECT event.*, source.name AS source FROM event JOIN scan ON scan.id = event.scan_id JOIN source ON source.id = scan.source_id
            WHERE (\(filter.all) OR source.name = ANY(\(filter.names)))
              AND (\(modelPattern)::text IS NULL OR event.model ILIKE \(modelPattern) OR event.detail ILIKE \(modelPattern))
              AND (\(deploymentPattern)::text IS NULL OR event.deployment ILIKE \(deploymentPattern))
              AND (\(since)::text IS NULL OR event.at >= \(since))
            ORDER BY event.id
            """).map { row in
            EventRow(scanID: try row.int64("scan_id"), at: try row.text("at"), kind: try row.text("kind"),
                     deployment: try row.optionalText("deployment"), model: try row.optionalText("model"), subject: try row.text("subject"),
                     detail: try row.text("detail"), source: try row.text("source"))
        }
    }

    /// SQLite's LIKE is case-insensitive for ASCII and has no escape by default; ILIKE with `%` and `_` taken literally
    /// is the closest.
    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    public func tools(sources selection: SourceSelection) async throws -> [ToolRow] {
        let filter = try await selected(selection)
        return try await rows("""
            SELECT tool_server.*, source.name AS source FROM tool_server JOIN source ON source.id = tool_server.source_id
            WHERE tool_server.active AND (\(filter.all) OR source.name = ANY(\(filter.names)))
            ORDER BY tool_server.file COLLATE "C", tool_server.line, tool_server."column", tool_server.name COLLATE "C", source.name COLLATE "C"
            """).map { row in
            ToolRow(server: ToolRecord(
                        name: try row.text("name"), client: try row.text("client"), file: try row.text("file"), line: try row.int("line"),
                        column: try row.int("column"), enabled: try row["enabled"].decode(Bool.self), transport: try row.text("transport"),
                        launcher: try row.optionalText("launcher"), package: try row.optionalText("package"), version: try row.optionalText("version"),
                        pinned: try row["pinned"].decode(Bool.self), url: try row.optionalText("url"), host: try row.optionalText("host"),
                        hostScope: try row.optionalText("host_scope"), auth: ToolRecord.names(try row.text("auth")),
                        env: ToolRecord.names(try row.text("env")), dataClassification: try row.optionalText("data_classification")),
                    firstSeen: try row.text("first_seen_at"), lastSeen: try row.text("last_seen_at"), source: try row.text("source"),
                    scope: try row.text("scope"))
        }
    }

    public func scans(sources selection: SourceSelection) async throws -> [ScanRow] {
        let filter = try await selected(selection)
        return try await rows("""
            SELECT scan.*, source.name AS source FROM scan JOIN source ON source.id = scan.source_id
            WHERE (\(filter.all) OR source.name = ANY(\(filter.names))) ORDER BY scan.id
            """).map(Self.scanRow)
    }

    static func scanRow(_ row: PostgresRandomAccessRow) throws -> ScanRow {
        ScanRow(id: try row.int64("id"), startedAt: try row.text("started_at"), finishedAt: try row.text("finished_at"),
                status: try row.text("status"), files: try row.int("files"), filesParsed: try row.int("files_parsed"),
                deployments: try row.int("deployments"), usages: try row.int("usages"), findingsOpen: try row.int("findings_open"),
                findingsWaived: try row.int("findings_waived"), diagnostics: try row.int("diagnostics"),
                policyDigest: try row.text("policy_digest"), source: try row.text("source"))
    }

    // MARK: - Recording

    public func sourceState(_ source: String) async throws -> SourceState {
        var files: [String: SourceState.KnownFile] = [:]
        for row in try await rows("""
            SELECT file.absolute_path, file.size, file.mtime, file.sha256 FROM file JOIN source ON source.id = file.source_id
            WHERE source.name = \(source) AND file.present
            """) {
            files[try row.text("absolute_path")] = SourceState.KnownFile(size: try row.int64("size"), mtime: try row.double("mtime"),
                                                                         sha256: try row.text("sha256"))
        }
        let last = try await rows("""
            SELECT scan.id, scan.policy_digest FROM scan JOIN source ON source.id = scan.source_id
            WHERE source.name = \(source) ORDER BY scan.id DESC LIMIT 1
            """).first
        let evaluated = try await rows("""
            SELECT scan.started_at FROM scan JOIN source ON source.id = scan.source_id
            WHERE source.name = \(source) AND scan.status = 'complete' ORDER BY scan.id DESC LIMIT 1
            """).first
        return SourceState(files: files, lastScanID: try last?.int64("id"), lastPolicyDigest: try last?.text("policy_digest"),
                           lastEvaluatedAt: try evaluated?.text("started_at"))
    }

    public func cachedScans(source: String, paths: Set<String>) async throws -> [String: Data] {
        guard !paths.isEmpty else { return [:] }
        var result: [String: Data] = [:]
        for row in try await rows("""
            SELECT file.absolute_path, file_cache.scan FROM file JOIN file_cache ON file_cache.file_id = file.id
            JOIN source ON source.id = file.source_id WHERE source.name = \(source) AND file.present AND file.absolute_path = ANY(\(Array(paths)))
            """) {
            result[try row.text("absolute_path")] = try row["scan"].decode(Data.self)
        }
        return result
    }

    /// Runs a scan's transaction, again (at most three times in all) when PostgreSQL reports a serialization failure
    /// or a deadlock, which abort a transaction without changing anything.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as PSQLError where attempt < 3 && ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "") {
                logger.notice("scan transaction retried", metadata: ["attempt": "\(attempt)", "sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
                attempt += 1
            }
        }
    }

    /// The id of a source, created on its first scan; the row stays locked until the transaction ends.
    private static func lockSource(_ connection: PostgresConnection, _ name: String, logger: Logger) async throws -> Int64 {
        try await rows(connection, """
            INSERT INTO source (name) VALUES (\(name)) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id
            """, logger: logger)[0].int64("id")
    }

    public func estateCounts(source: String) async throws -> EstateCounts {
        let usages = try await rows("""
            SELECT usage.hosting, usage.license, count(*) AS n FROM usage JOIN source ON source.id = usage.source_id
            WHERE source.name = \(source) AND usage.active GROUP BY usage.hosting, usage.license
            """).map { EstateCounts.Usages(hosting: try $0.text("hosting"), license: try $0.text("license"), count: try $0.int("n")) }
        let findings = try await rows("""
            SELECT finding.severity, finding.rule, count(*) AS n FROM finding JOIN source ON source.id = finding.source_id
            WHERE source.name = \(source) AND finding.status = 'open' GROUP BY finding.severity, finding.rule
            """).map { EstateCounts.Findings(severity: try $0.text("severity"), rule: try $0.text("rule"), count: try $0.int("n")) }
        return EstateCounts(usages: usages, openFindings: findings)
    }

    public func recordUnchanged(_ scan: UnchangedScan) async throws -> ScanSummary {
        let logger = self.logger
        return try await transaction { connection in
            let sourceID = try await Self.lockSource(connection, scan.source, logger: logger)
            let last = try await Self.rows(connection, "SELECT * FROM scan WHERE id = \(scan.previousScanID) AND source_id = \(sourceID)", logger: logger)[0]
            let (deployments, usages, open, waived) = (try last.int("deployments"), try last.int("usages"), try last.int("findings_open"),
                                                       try last.int("findings_waived"))
            let id = try await Self.rows(connection, """
                INSERT INTO scan (source_id, started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages,
                                  findings_open, findings_waived, diagnostics)
                VALUES (\(sourceID), \(scan.startedAt), \(scan.finishedAt), 'unchanged', \(try last.text("roots")), \(try last.text("policy_digest")),
                        \(scan.files), 0, \(deployments), \(usages), \(open), \(waived), \(try last.int("diagnostics")))
                RETURNING id
                """, logger: logger)[0].int64("id")
            try await connection.query("UPDATE deployment SET last_seen_scan_id = \(id) WHERE source_id = \(sourceID) AND active", logger: logger)
            try await connection.query("""
                UPDATE usage SET last_seen_scan_id = \(id), last_seen_at = \(scan.seenAt) WHERE source_id = \(sourceID) AND active
                """, logger: logger)
            try await connection.query("""
                UPDATE tool_server SET last_seen_scan_id = \(id), last_seen_at = \(scan.seenAt) WHERE source_id = \(sourceID) AND active
                """, logger: logger)
            try await connection.query("""
                UPDATE finding SET last_seen_scan_id = \(id), last_seen_at = \(scan.seenAt) WHERE source_id = \(sourceID) AND status <> 'resolved'
                """, logger: logger)
            return ScanSummary(scanID: id, status: "unchanged", files: scan.files, filesParsed: 0, deployments: deployments, usages: usages,
                               openFindings: open, waivedFindings: waived, events: 0, diagnostics: [], source: scan.source)
        }
    }

    public func record(_ recording: ScanRecording) async throws -> ScanSummary {
        let logger = self.logger
        return try await transaction { connection in
            let sourceID = try await Self.lockSource(connection, recording.source, logger: logger)
            let scanID = try await Self.rows(connection, """
                INSERT INTO scan (source_id, started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages,
                                  findings_open, findings_waived, diagnostics)
                VALUES (\(sourceID), \(recording.startedAt), \(recording.finishedAt), 'complete', \(recording.rootsJSON), \(recording.policyDigest),
                        \(recording.files.count), \(recording.filesParsed), \(recording.deploymentsFound), \(recording.usagesFound),
                        \(recording.openFindings), \(recording.waivedFindings), \(recording.diagnostics.count))
                RETURNING id
                """, logger: logger)[0].int64("id")
            let ids = (source: sourceID, scan: scanID)
            try await Self.recordFiles(connection, recording, ids: ids, logger: logger)
            let deploymentIDs = try await Self.recordDeployments(connection, recording, ids: ids, logger: logger)
            let changes = ScanChanges(recording: recording, previousUsages: try await Self.previousUsages(connection, sourceID: sourceID, logger: logger),
                                      previousFindings: try await Self.previousFindings(connection, sourceID: sourceID, logger: logger),
                                      previousTools: try await Self.previousTools(connection, sourceID: sourceID, logger: logger))
            try await Self.recordUsages(connection, recording, changes: changes, deploymentIDs: deploymentIDs, ids: ids, logger: logger)
            try await Self.recordTools(connection, recording, changes: changes, ids: ids, logger: logger)
            try await Self.recordFindings(connection, recording, changes: changes, ids: ids, logger: logger)
            for event in changes.events {
                try await connection.query("""
                    INSERT INTO event (scan_id, at, kind, deployment, model, subject, detail)
                    VALUES (\(scanID), \(recording.seenAt), \(event.kind), \(event.deployment), \(event.model), \(event.subject), \(event.detail))
                    """, logger: logger)
            }
            return recording.summary(scanID: scanID, events: changes.events.count)
        }
    }

    private static func recordFiles(_ connection: PostgresConnection, _ recording: ScanRecording, ids: (source: Int64, scan: Int64),
                                    logger: Logger) async throws {
        for file in recording.files {
            let id = try await rows(connection, """
                INSERT INTO file (source_id, path, absolute_path, size, mtime, sha256, present, last_scan_id)
                VALUES (\(ids.source), \(file.path), \(file.absolutePath), \(file.size), \(file.mtime), \(file.sha256), TRUE, \(ids.scan))
                ON CONFLICT (source_id, absolute_path) DO UPDATE SET path = EXCLUDED.path, size = EXCLUDED.size, mtime = EXCLUDED.mtime,
                    sha256 = EXCLUDED.sha256, present = TRUE, last_scan_id = EXCLUDED.last_scan_id
                RETURNING id
                """, logger: logger)[0].int64("id")
            if let cache = file.cache {
                try await connection.query("""
                    INSERT INTO file_cache (file_id, scan) VALUES (\(id), \(cache))
                    ON CONFLICT (file_id) DO UPDATE SET scan = EXCLUDED.scan
                    """, logger: logger)
            }
        }
        if !recording.removedFiles.isEmpty {
            try await connection.query("""
                UPDATE file SET present = FALSE, last_scan_id = \(ids.scan) WHERE source_id = \(ids.source) AND absolute_path = ANY(\(recording.removedFiles))
                """, logger: logger)
        }
    }

    private static func recordDeployments(_ connection: PostgresConnection, _ recording: ScanRecording, ids: (source: Int64, scan: Int64),
                                          logger: Logger) async throws -> [String: Int64] {
        try await connection.query("UPDATE deployment SET active = FALSE WHERE source_id = \(ids.source) AND active", logger: logger)
        var result: [String: Int64] = [:]
        for deployment in recording.deployments {
            result[deployment.key] = try await rows(connection, """
                INSERT INTO deployment (source_id, kind, namespace, name, file, labels, first_seen_scan_id, last_seen_scan_id, active)
                VALUES (\(ids.source), \(deployment.kind), \(deployment.namespace), \(deployment.name), \(deployment.file), \(deployment.labels),
                        \(ids.scan), \(ids.scan), TRUE)
                ON CONFLICT (source_id, kind, namespace, name, file) DO UPDATE SET labels = EXCLUDED.labels,
                    last_seen_scan_id = EXCLUDED.last_seen_scan_id, active = TRUE
                RETURNING id
                """, logger: logger)[0].int64("id")
        }
        return result
    }

    private static func previousUsages(_ connection: PostgresConnection, sourceID: Int64, logger: Logger) async throws -> [String: ScanChanges.PreviousUsage] {
        var previous: [String: ScanChanges.PreviousUsage] = [:]
        for row in try await rows(connection, """
            SELECT usage.key, usage.model, deployment.kind, deployment.namespace, deployment.name
            FROM usage JOIN deployment ON deployment.id = usage.deployment_id WHERE usage.source_id = \(sourceID) AND usage.active
            """, logger: logger) {
            previous[try row.text("key")] = ScanChanges.PreviousUsage(deployment: try deploymentName(row), model: try row.optionalText("model"))
        }
        return previous
    }

    private static func previousFindings(_ connection: PostgresConnection, sourceID: Int64, logger: Logger) async throws -> [String: ScanChanges.PreviousFinding] {
        var previous: [String: ScanChanges.PreviousFinding] = [:]
        for row in try await rows(connection, "SELECT fingerprint, status, rule, deployment, model FROM finding WHERE source_id = \(sourceID)",
                                  logger: logger) {
            previous[try row.text("fingerprint")] = ScanChanges.PreviousFinding(
                status: try row.text("status"), rule: try row.text("rule"), deployment: try row.optionalText("deployment"),
                model: try row.optionalText("model"))
        }
        return previous
    }

    private static func recordUsages(_ connection: PostgresConnection, _ recording: ScanRecording, changes: ScanChanges,
                                     deploymentIDs: [String: Int64], ids: (source: Int64, scan: Int64), logger: Logger) async throws {
        for usage in recording.usages {
            guard let deploymentID = deploymentIDs[usage.deploymentKey] else { continue }
            try await connection.query("""
                INSERT INTO usage (source_id, key, deployment_id, model, vendor, family, license, hosting, runtime, api, file, line, "column",
                                   evidence, first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at, active)
                VALUES (\(ids.source), \(usage.key), \(deploymentID), \(usage.model), \(usage.vendor), \(usage.family), \(usage.license),
                        \(usage.hosting), \(usage.runtime), \(usage.api), \(usage.file), \(usage.line), \(usage.column), \(usage.evidence),
                        \(ids.scan), \(ids.scan), \(recording.seenAt), \(recording.seenAt), TRUE)
                ON CONFLICT (source_id, key) DO UPDATE SET deployment_id = EXCLUDED.deployment_id, vendor = EXCLUDED.vendor,
                    family = EXCLUDED.family, license = EXCLUDED.license, line = EXCLUDED.line, "column" = EXCLUDED."column",
                    evidence = EXCLUDED.evidence, last_seen_scan_id = EXCLUDED.last_seen_scan_id, last_seen_at = EXCLUDED.last_seen_at, active = TRUE
                """, logger: logger)
        }
        if !changes.disappearedUsages.isEmpty {
            try await connection.query("""
                UPDATE usage SET active = FALSE WHERE source_id = \(ids.source) AND key = ANY(\(changes.disappearedUsages))
                """, logger: logger)
        }
    }

    private static func previousTools(_ connection: PostgresConnection, sourceID: Int64, logger: Logger) async throws -> [String: ScanChanges.PreviousTool] {
        var previous: [String: ScanChanges.PreviousTool] = [:]
        for row in try await rows(connection, "SELECT key, name, package, version, host, url FROM tool_server WHERE source_id = \(sourceID) AND active",
                                  logger: logger) {
            previous[try row.text("key")] = ScanChanges.PreviousTool(
                name: try row.text("name"), package: try row.optionalText("package"), version: try row.optionalText("version"),
                host: try row.optionalText("host"), url: try row.optionalText("url"))
        }
        return previous
    }

    private static func recordTools(_ connection: PostgresConnection, _ recording: ScanRecording, changes: ScanChanges,
                                    ids: (source: Int64, scan: Int64), logger: Logger) async throws {
        for tool in recording.tools {
            try await connection.query("""
                INSERT INTO tool_server (source_id, key, name, client, file, line, "column", enabled, transport, launcher, package, version, pinned,
                                         url, host, host_scope, auth, env, data_classification, first_seen_scan_id, last_seen_scan_id,
                                         first_seen_at, last_seen_at, scope, active)
                VALUES (\(ids.source), \(tool.key), \(tool.name), \(tool.client), \(tool.file), \(tool.line), \(tool.column), \(tool.enabled),
                        \(tool.transport), \(tool.launcher), \(tool.package), \(tool.version), \(tool.pinned), \(tool.url), \(tool.host),
                        \(tool.hostScope), \(tool.auth), \(tool.env), \(tool.dataClassification), \(ids.scan), \(ids.scan), \(recording.seenAt),
                        \(recording.seenAt), \(tool.scope), TRUE)
                ON CONFLICT (source_id, key) DO UPDATE SET line = EXCLUDED.line, "column" = EXCLUDED."column", enabled = EXCLUDED.enabled,
                    transport = EXCLUDED.transport, launcher = EXCLUDED.launcher, package = EXCLUDED.package, version = EXCLUDED.version,
                    pinned = EXCLUDED.pinned, url = EXCLUDED.url, host = EXCLUDED.host, host_scope = EXCLUDED.host_scope, auth = EXCLUDED.auth,
                    env = EXCLUDED.env, data_classification = EXCLUDED.data_classification, last_seen_scan_id = EXCLUDED.last_seen_scan_id,
                    last_seen_at = EXCLUDED.last_seen_at, scope = EXCLUDED.scope, active = TRUE
                """, logger: logger)
        }
        if !changes.disappearedTools.isEmpty {
            try await connection.query("""
                UPDATE tool_server SET active = FALSE WHERE source_id = \(ids.source) AND key = ANY(\(changes.disappearedTools))
                """, logger: logger)
        }
    }

    private static func recordFindings(_ connection: PostgresConnection, _ recording: ScanRecording, changes: ScanChanges,
                                       ids: (source: Int64, scan: Int64), logger: Logger) async throws {
        for finding in recording.findings {
            try await connection.query("""
                INSERT INTO finding (source_id, fingerprint, rule, severity, status, deployment, model, file, line, "column", message, remediation,
                                     waiver, first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at)
                VALUES (\(ids.source), \(finding.fingerprint), \(finding.rule), \(finding.severity), \(finding.status), \(finding.deployment),
                        \(finding.model), \(finding.file), \(finding.line), \(finding.column), \(finding.message), \(finding.remediation),
                        \(finding.waiver), \(ids.scan), \(ids.scan), \(recording.seenAt), \(recording.seenAt))
                ON CONFLICT (source_id, fingerprint) DO UPDATE SET severity = EXCLUDED.severity, status = EXCLUDED.status, line = EXCLUDED.line,
                    "column" = EXCLUDED."column", message = EXCLUDED.message, remediation = EXCLUDED.remediation, waiver = EXCLUDED.waiver,
                    last_seen_scan_id = EXCLUDED.last_seen_scan_id, last_seen_at = EXCLUDED.last_seen_at
                """, logger: logger)
        }
        if !changes.resolvedFindings.isEmpty {
            try await connection.query("""
                UPDATE finding SET status = 'resolved', last_seen_scan_id = \(ids.scan)
                WHERE source_id = \(ids.source) AND fingerprint = ANY(\(changes.resolvedFindings))
                """, logger: logger)
        }
    }

    // MARK: - Reports

    /// The rows are read whole (a PostgreSQL report is read while the client runs, written after).
    public func reportData(since: String?, until: String?, sources selection: SourceSelection) async throws -> StoreReportData {
        let lower = Period.lower(since), upper = Period.upper(until)
        let filter = try await selected(selection)
        let active = try await rows("""
            SELECT usage.*, deployment.kind, deployment.namespace, deployment.name, deployment.labels, source.name AS source FROM usage
            JOIN deployment ON deployment.id = usage.deployment_id JOIN source ON source.id = usage.source_id
            WHERE usage.active AND usage.first_seen_at <= \(upper) AND (\(filter.all) OR source.name = ANY(\(filter.names)))
            ORDER BY usage.file COLLATE "C", usage.line, source.name COLLATE "C"
            """).map(Self.activeUsage)
        let deployments = try await rows("""
            SELECT count(*) AS n FROM deployment JOIN source ON source.id = deployment.source_id
            WHERE deployment.active AND (\(filter.all) OR source.name = ANY(\(filter.names)))
            """)[0].int("n")
        let counts = try await rows("""
            SELECT source.name AS source, finding.status, finding.severity, count(*) AS n FROM finding JOIN source ON source.id = finding.source_id
            WHERE finding.last_seen_at >= \(lower) AND finding.first_seen_at <= \(upper) AND (\(filter.all) OR source.name = ANY(\(filter.names)))
            GROUP BY source.name, finding.status, finding.severity
            """).map { StoreReportData.FindingCount(source: try $0.text("source"), status: try $0.text("status"), severity: try $0.text("severity"),
                                                   count: try $0.int("n")) }
        let scans = try await self.scans(sources: selection).filter { $0.finishedAt >= lower && $0.finishedAt <= upper }
        var overTime: [ComplianceReport.DayCount] = []
        for day in Array(Set(scans.map { String($0.finishedAt.prefix(10)) })).sorted().suffix(60) {
            let rows = try await rows("""
                SELECT finding.severity, count(*) AS n FROM finding JOIN source ON source.id = finding.source_id
                WHERE finding.first_seen_at <= \(day + "T99") AND finding.status <> 'waived' AND (finding.status = 'open' OR finding.last_seen_at >= \(day))
                  AND (\(filter.all) OR source.name = ANY(\(filter.names)))
                GROUP BY finding.severity
                """)
            var counts: [String: Int] = [:]
            for row in rows { counts[try row.text("severity")] = try row.int("n") }
            overTime.append(ComplianceReport.DayCount(day: day, error: counts["error"] ?? 0, warning: counts["warning"] ?? 0, info: counts["info"] ?? 0))
        }
        return StoreReportData(active: active, activeDeployments: deployments, findingCounts: counts, scans: scans, findingsOverTime: overTime,
                               usages: RowStream(try await usageRecords(lower: lower, upper: upper, filter: filter)),
                               findings: RowStream(try await findingRecords(lower: lower, upper: upper, filter: filter)))
    }

    static func activeUsage(_ row: PostgresRandomAccessRow) throws -> StoreReportData.ActiveUsage {
        let labels = (try? JSONDecoder().decode([String: String].self, from: Data(try row.text("labels").utf8))) ?? [:]
        let namespace = try row.text("namespace")
        return StoreReportData.ActiveUsage(record: try usageRecord(row), labels: labels, namespace: namespace.isEmpty ? nil : namespace)
    }

    static func usageRecord(_ row: PostgresRandomAccessRow) throws -> ComplianceReport.UsageRecord {
        ComplianceReport.UsageRecord(
            deployment: try deploymentName(row), model: try row.optionalText("model"), vendor: try row.text("vendor"), family: try row.text("family"),
            license: try row.text("license"), licenseKind: nil, hosting: try row.text("hosting"), runtime: try row.optionalText("runtime"),
            api: try row.optionalText("api"), file: try row.text("file"), line: try row.int("line"), firstSeen: try row.text("first_seen_at"),
            lastSeen: try row.text("last_seen_at"), active: try row["active"].decode(Bool.self), source: try row.text("source"))
    }

    /// Active usages first, by place; then the others in the order they were recorded.
    private func usageRecords(lower: String, upper: String, filter: (all: Bool, names: [String])) async throws -> [ComplianceReport.UsageRecord] {
        var records: [ComplianceReport.UsageRecord] = []
        for active in [true, false] {
            let order = active ? "usage.file COLLATE \"C\", usage.line, usage.id" : "usage.id"
            records += try await rows("""
                SELECT usage.*, deployment.kind, deployment.namespace, deployment.name, source.name AS source
                FROM usage JOIN deployment ON deployment.id = usage.deployment_id JOIN source ON source.id = usage.source_id
                WHERE usage.active = \(active) AND usage.last_seen_at >= \(lower) AND usage.first_seen_at <= \(upper)
                  AND (\(filter.all) OR source.name = ANY(\(filter.names)))
                ORDER BY \(unescaped: order)
                """).map(Self.usageRecord)
        }
        return records
    }

    private func findingRecords(lower: String, upper: String, filter: (all: Bool, names: [String])) async throws -> [ComplianceReport.FindingRecord] {
        try await rows("""
            SELECT finding.*, source.name AS source FROM finding JOIN source ON source.id = finding.source_id
            WHERE finding.last_seen_at >= \(lower) AND finding.first_seen_at <= \(upper) AND (\(filter.all) OR source.name = ANY(\(filter.names)))
            ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'waived' THEN 1 ELSE 2 END,
                     CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, file COLLATE "C", line, rule COLLATE "C", source.name COLLATE "C"
            """).map { row in
            ComplianceReport.FindingRecord(
                rule: try row.text("rule"), title: try row.text("rule"), severity: try row.text("severity"), status: try row.text("status"),
                deployment: try row.optionalText("deployment"), model: try row.optionalText("model"), file: try row.text("file"),
                line: try row.int("line"), column: try row.int("column"), message: try row.text("message"), remediation: try row.text("remediation"),
                waiver: try row.optionalText("waiver"), firstSeen: try row.text("first_seen_at"), lastSeen: try row.text("last_seen_at"),
                source: try row.text("source"))
        }
    }
}

extension PostgresRandomAccessRow {
    func text(_ column: String) throws -> String { try self[column].decode(String.self) }
    func optionalText(_ column: String) throws -> String? { try self[column].decode(String?.self) }
    func int(_ column: String) throws -> Int { try self[column].decode(Int.self) }
    func int64(_ column: String) throws -> Int64 { try self[column].decode(Int64.self) }
    func double(_ column: String) throws -> Double { try self[column].decode(Double.self) }
}

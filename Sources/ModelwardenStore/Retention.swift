import Foundation
import GRDB
import Logging
import PostgresNIO

/// `modelwarden prune`: scans that finished before a cutoff are deleted with their events, except the latest scan of
/// each source, which is its present state. Rows that only those scans saw last (usages that disappeared, findings
/// that were resolved, deployments and files that went away, all before the cutoff) go with them; rows still in use
/// that were first seen in a deleted scan point to the source's oldest kept scan instead (usages and findings keep
/// their first-seen time). Events are otherwise append-only: the schema lets only a prune run delete them, and each
/// run is itself recorded in `prune_run`.
public struct PruneSummary: Sendable, Equatable {
    public struct SourceCount: Sendable, Equatable {
        public var source: String
        public var scans: Int

        public init(source: String, scans: Int) {
            self.source = source
            self.scans = scans
        }
    }

    public var cutoff: String
    public var keepDays: Int
    public var scans = 0
    public var events = 0
    public var usages = 0
    public var findings = 0
    public var deployments = 0
    public var files = 0
    /// Scans deleted, by source name.
    public var sources: [SourceCount] = []

    public init(cutoff: String, keepDays: Int) {
        self.cutoff = cutoff
        self.keepDays = keepDays
    }
}

enum Retention {
    /// The columns that name a scan, with the table's own source column beside them.
    static let scanReferences: [(table: String, column: String)] = [
        ("file", "last_scan_id"), ("deployment", "first_seen_scan_id"), ("deployment", "last_seen_scan_id"),
        ("usage", "first_seen_scan_id"), ("usage", "last_seen_scan_id"), ("finding", "first_seen_scan_id"), ("finding", "last_seen_scan_id"),
        ("tool_server", "first_seen_scan_id"), ("tool_server", "last_seen_scan_id"),
    ]

    static func cutoff(keepDays: Int, now: Date) -> String {
        Recorder.timestamp(now.addingTimeInterval(-Double(keepDays) * 86400))
    }
}

// MARK: - SQLite

extension AuditDatabase {
    public func prune(keepDays: Int, now: Date = Date()) async throws -> PruneSummary {
        let cutoff = Retention.cutoff(keepDays: keepDays, now: now), at = Recorder.timestamp(now)
        return try await writer.write { db in try Self.prune(db, cutoff: cutoff, keepDays: keepDays, at: at) }
    }

    static func prune(_ db: Database, cutoff: String, keepDays: Int, at: String) throws -> PruneSummary {
        var summary = PruneSummary(cutoff: cutoff, keepDays: keepDays)
        let doomed = try Int64.fetchAll(db, sql: """
            SELECT id FROM scan WHERE finished_at < ? AND id NOT IN (SELECT max(id) FROM scan GROUP BY source_id)
            """, arguments: [cutoff])
        try db.execute(sql: "INSERT INTO prune_run (at, keep_days, cutoff) VALUES (?, ?, ?)", arguments: [at, keepDays, cutoff])
        let run = db.lastInsertedRowID
        if !doomed.isEmpty {
            let ids = "[" + doomed.map(String.init).joined(separator: ",") + "]"
            let inDoomed = "IN (SELECT value FROM json_each(?))"
            summary.sources = try Row.fetchAll(db, sql: """
                SELECT source.name, count(*) AS scans FROM scan JOIN source ON source.id = scan.source_id
                WHERE scan.id \(inDoomed) GROUP BY source.name ORDER BY source.name
                """, arguments: [ids]).map { PruneSummary.SourceCount(source: $0["name"], scans: $0["scans"]) }
            func delete(_ sql: String) throws -> Int {
                try db.execute(sql: sql, arguments: [ids])
                return db.changesCount
            }
            summary.usages = try delete("DELETE FROM usage WHERE active = 0 AND last_seen_scan_id \(inDoomed)")
            summary.findings = try delete("DELETE FROM finding WHERE status = 'resolved' AND last_seen_scan_id \(inDoomed)")
            summary.deployments = try delete("""
                DELETE FROM deployment WHERE active = 0 AND last_seen_scan_id \(inDoomed)
                  AND NOT EXISTS (SELECT 1 FROM usage WHERE usage.deployment_id = deployment.id)
                """)
            summary.files = try delete("DELETE FROM file WHERE present = 0 AND last_scan_id \(inDoomed)")
            for (table, column) in Retention.scanReferences {
                try db.execute(sql: """
                    UPDATE \(table) SET \(column) = (SELECT min(kept.id) FROM scan AS kept
                                                     WHERE kept.source_id = \(table).source_id AND kept.id NOT \(inDoomed))
                    WHERE \(column) \(inDoomed)
                    """, arguments: [ids, ids])
            }
            summary.events = try delete("DELETE FROM event WHERE scan_id \(inDoomed)")
            summary.scans = try delete("DELETE FROM scan WHERE id \(inDoomed)")
        }
        try db.execute(sql: "UPDATE prune_run SET scans = ?, events = ?, active = 0 WHERE id = ?", arguments: [summary.scans, summary.events, run])
        return summary
    }
}

// MARK: - PostgreSQL

extension PostgresAuditStore {
    public func prune(keepDays: Int, now: Date = Date()) async throws -> PruneSummary {
        let cutoff = Retention.cutoff(keepDays: keepDays, now: now), at = Recorder.timestamp(now)
        let logger = self.logger
        return try await transaction { connection in
            // Every source's row, in id order: scans (which lock their own source first) wait, and none deadlocks.
            _ = try await Self.rows(connection, "SELECT id FROM source ORDER BY id FOR UPDATE", logger: logger)
            var summary = PruneSummary(cutoff: cutoff, keepDays: keepDays)
            let doomed = try await Self.rows(connection, """
                SELECT id FROM scan WHERE finished_at < \(cutoff) AND id NOT IN (SELECT max(id) FROM scan GROUP BY source_id)
                """, logger: logger).map { try $0.int64("id") }
            let run = try await Self.rows(connection, """
                INSERT INTO prune_run (at, keep_days, cutoff) VALUES (\(at), \(keepDays), \(cutoff)) RETURNING id
                """, logger: logger)[0].int64("id")
            if !doomed.isEmpty {
                summary.sources = try await Self.rows(connection, """
                    SELECT source.name, count(*) AS scans FROM scan JOIN source ON source.id = scan.source_id
                    WHERE scan.id = ANY(\(doomed)) GROUP BY source.name ORDER BY source.name COLLATE "C"
                    """, logger: logger).map { PruneSummary.SourceCount(source: try $0.text("name"), scans: try $0.int("scans")) }
                /// Deletes the rows of `table` whose `column` names a doomed scan and that `condition` (fixed SQL) allows.
                func delete(_ table: String, _ column: String, _ condition: String = "TRUE") async throws -> Int {
                    try await Self.rows(connection, """
                        WITH gone AS (DELETE FROM \(unescaped: table) WHERE \(unescaped: column) = ANY(\(doomed)) AND \(unescaped: condition) RETURNING 1)
                        SELECT count(*) AS n FROM gone
                        """, logger: logger)[0].int("n")
                }
                summary.usages = try await delete("usage", "last_seen_scan_id", "NOT active")
                summary.findings = try await delete("finding", "last_seen_scan_id", "status = 'resolved'")
                summary.deployments = try await delete("deployment", "last_seen_scan_id",
                                                       "NOT active AND NOT EXISTS (SELECT 1 FROM usage WHERE usage.deployment_id = deployment.id)")
                summary.files = try await delete("file", "last_scan_id", "NOT present")
                for (table, column) in Retention.scanReferences {
                    _ = try await Self.rows(connection, """
                        UPDATE \(unescaped: table) SET \(unescaped: column) = (SELECT min(kept.id) FROM scan AS kept
                            WHERE kept.source_id = \(unescaped: table).source_id AND NOT (kept.id = ANY(\(doomed))))
                        WHERE \(unescaped: column) = ANY(\(doomed))
                        """, logger: logger)
                }
                summary.events = try await delete("event", "scan_id")
                summary.scans = try await delete("scan", "id")
            }
            _ = try await Self.rows(connection, """
                UPDATE prune_run SET scans = \(summary.scans), events = \(summary.events), active = FALSE WHERE id = \(run)
                """, logger: logger)
            return summary
        }
    }
}

import Foundation
import GRDB

/// Read-only views of the store; every row is a Sendable value (GRDB's `Row` is not).
extension AuditDatabase {
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
    }

    public struct EventRow: Sendable {
        public var scanID: Int64
        public var at: String
        public var kind: String
        public var deployment: String?
        public var model: String?
        public var subject: String
        public var detail: String
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
    }

    static func deploymentName(_ row: Row) -> String {
        let namespace: String = row["namespace"]
        return "\(row["kind"] as String) \(namespace.isEmpty ? "" : namespace + "/")\(row["name"] as String)"
    }

    /// The models in use now: active usages with their deployment.
    public func inventory() throws -> [InventoryRow] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT usage.*, deployment.kind, deployment.namespace, deployment.name FROM usage
                JOIN deployment ON deployment.id = usage.deployment_id
                WHERE usage.active = 1 ORDER BY usage.file, usage.line, usage.column, usage.model
                """).map { row in
                InventoryRow(deployment: Self.deploymentName(row), model: row["model"], vendor: row["vendor"], family: row["family"],
                             license: row["license"], hosting: row["hosting"], runtime: row["runtime"], api: row["api"], file: row["file"],
                             line: row["line"], column: row["column"], firstSeen: row["first_seen_at"], lastSeen: row["last_seen_at"])
            }
        }
    }

    public func findings(status: String? = nil) throws -> [FindingRow] {
        try writer.read { db in
            var sql = "SELECT * FROM finding"
            var arguments: StatementArguments = []
            if let status {
                sql += " WHERE status = ?"
                arguments = [status]
            }
            sql += " ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, file, line, rule"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                FindingRow(rule: row["rule"], severity: row["severity"], status: row["status"], deployment: row["deployment"], model: row["model"],
                           file: row["file"], line: row["line"], column: row["column"], message: row["message"], waiver: row["waiver"],
                           fingerprint: row["fingerprint"], firstSeen: row["first_seen_at"], lastSeen: row["last_seen_at"])
            }
        }
    }

    /// The append-only event trail, oldest first, optionally for one model or deployment and since a date.
    public func history(model: String? = nil, deployment: String? = nil, since: String? = nil) throws -> [EventRow] {
        try writer.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let model {
                clauses.append("(model LIKE ? OR detail LIKE ?)")
                arguments += ["%\(model)%", "%\(model)%"]
            }
            if let deployment {
                clauses.append("deployment LIKE ?")
                arguments += ["%\(deployment)%"]
            }
            if let since {
                clauses.append("at >= ?")
                arguments += [since]
            }
            let sql = "SELECT * FROM event" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")) + " ORDER BY id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                EventRow(scanID: row["scan_id"], at: row["at"], kind: row["kind"], deployment: row["deployment"], model: row["model"],
                         subject: row["subject"], detail: row["detail"])
            }
        }
    }

    public func scans() throws -> [ScanRow] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM scan ORDER BY id").map { row in
                ScanRow(id: row["id"], startedAt: row["started_at"], finishedAt: row["finished_at"], status: row["status"], files: row["files"],
                        filesParsed: row["files_parsed"], deployments: row["deployments"], usages: row["usages"],
                        findingsOpen: row["findings_open"], findingsWaived: row["findings_waived"], diagnostics: row["diagnostics"],
                        policyDigest: row["policy_digest"])
            }
        }
    }
}

import Foundation
import GRDB
import ModelwardenCore

/// Gathers a compliance report: from the store's history, or from one scan for users with no history yet.
public struct ReportBuilder: Sendable {
    public let policy: PolicySet
    public let toolVersion: String
    public let generatedAt: String

    public init(policy: PolicySet, toolVersion: String, generatedAt: String) {
        self.policy = policy
        self.toolVersion = toolVersion
        self.generatedAt = generatedAt
    }

    struct DeploymentInfo {
        var labels: [String: String]
        var namespace: String?
    }

    // MARK: - From the store

    /// Usages and findings seen in the period (`since`/`until` as YYYY-MM-DD, inclusive); aggregates over the usages
    /// active at the end of it.
    public func report(from database: AuditDatabase, since: String?, until: String?) throws -> ComplianceReport {
        let lower = since ?? "0000"
        let upper = until.map { $0 + "T99" } ?? "9999"
        let catalog = policy.catalog
        let active = try database.writer.read { db -> [(usage: ComplianceReport.UsageRecord, deployment: String, info: DeploymentInfo)] in
            try Row.fetchAll(db, sql: """
                SELECT usage.*, deployment.kind, deployment.namespace, deployment.name, deployment.labels AS labels FROM usage
                JOIN deployment ON deployment.id = usage.deployment_id
                WHERE usage.active = 1 AND usage.first_seen_at <= ? ORDER BY usage.file, usage.line
                """, arguments: [upper]).map { row in
                let name = AuditDatabase.deploymentName(row)
                let labels = (try? JSONDecoder().decode([String: String].self, from: Data((row["labels"] as String).utf8))) ?? [:]
                let namespace: String = row["namespace"]
                return (Self.usageRecord(row, deployment: name, catalog: catalog), name, DeploymentInfo(labels: labels, namespace: namespace.isEmpty ? nil : namespace))
            }
        }
        let findingCounts = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT status, severity, count(*) AS n FROM finding WHERE last_seen_at >= ? AND first_seen_at <= ? GROUP BY status, severity",
                             arguments: [lower, upper]).map { ($0["status"] as String, $0["severity"] as String, $0["n"] as Int) }
        }
        func count(_ status: String, _ severity: String? = nil) -> Int {
            findingCounts.filter { $0.0 == status && (severity == nil || $0.1 == severity) }.reduce(0) { $0 + $1.2 }
        }
        let scans = try database.scans().filter { $0.finishedAt >= lower && $0.finishedAt <= upper }
        let overTime = try findingsOverTime(database, days: Array(Set(scans.map { String($0.finishedAt.prefix(10)) })).sorted().suffix(60))
        let summary = ComplianceReport.Summary(
            deployments: try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM deployment WHERE active = 1") ?? 0 },
            models: Set(active.compactMap(\.usage.model)).count, usages: active.count,
            selfHosted: active.filter { $0.usage.hosting == "self-hosted" }.count, external: active.filter { $0.usage.hosting == "external-api" }.count,
            openErrors: count("open", "error"), openWarnings: count("open", "warning"), openInfo: count("open", "info"),
            waived: count("waived"), resolved: count("resolved"))
        let sinceValue = since, untilValue = until
        let usages = RowStream<ComplianceReport.UsageRecord> { body in
            try database.writer.read { db in
                // Columns by position: this loop runs once per usage row of the whole history. Active usages first,
                // by place; then the history in the order it was recorded, which needs no sort.
                var kinds: [String: String] = [:]
                for active in [1, 0] {
                    let cursor = try Row.fetchCursor(db, sql: """
                        SELECT deployment.kind, deployment.namespace, deployment.name, usage.model, usage.vendor, usage.family, usage.license,
                               usage.hosting, usage.runtime, usage.api, usage.file, usage.line, usage.first_seen_at, usage.last_seen_at, usage.active
                        FROM usage JOIN deployment ON deployment.id = usage.deployment_id
                        WHERE usage.active = ? AND usage.last_seen_at >= ? AND usage.first_seen_at <= ?
                        ORDER BY \(active == 1 ? "usage.file, usage.line, usage.id" : "usage.id")
                        """, arguments: [active, sinceValue ?? "0000", untilValue.map { $0 + "T99" } ?? "9999"])
                    while let row = try cursor.next() {
                        let kind: String = row[0], namespace: String = row[1], name: String = row[2]
                        let license: String = row[6]
                        if kinds[license] == nil { kinds[license] = catalog.licenses[license]?.kind.rawValue ?? "" }
                        try body(ComplianceReport.UsageRecord(
                            deployment: namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)", model: row[3], vendor: row[4],
                            family: row[5], license: license, licenseKind: kinds[license].flatMap { $0.isEmpty ? nil : $0 }, hosting: row[7],
                            runtime: row[8], api: row[9], file: row[10], line: row[11], firstSeen: row[12], lastSeen: row[13], active: (row[14] as Int) == 1))
                    }
                }
            }
        }
        let policy = self.policy
        let findings = RowStream<ComplianceReport.FindingRecord> { body in
            try database.writer.read { db in
                let cursor = try Row.fetchCursor(db, sql: """
                    SELECT * FROM finding WHERE last_seen_at >= ? AND first_seen_at <= ?
                    ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'waived' THEN 1 ELSE 2 END,
                             CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, file, line, rule
                    """, arguments: [sinceValue ?? "0000", untilValue.map { $0 + "T99" } ?? "9999"])
                while let row = try cursor.next() {
                    let rule: String = row["rule"]
                    try body(ComplianceReport.FindingRecord(
                        rule: rule, title: policy.rule(rule)?.title ?? Self.extraTitle(rule), severity: row["severity"], status: row["status"],
                        deployment: row["deployment"], model: row["model"], file: row["file"], line: row["line"], column: row["column"],
                        message: row["message"], remediation: row["remediation"], waiver: row["waiver"],
                        firstSeen: row["first_seen_at"], lastSeen: row["last_seen_at"]))
                }
            }
        }
        return assemble(
            active: active.map { ($0.usage, $0.deployment, $0.info) }, summary: summary, overTime: overTime,
            scans: scans.map { ComplianceReport.ScanRecord(id: $0.id, finishedAt: $0.finishedAt, status: $0.status, files: $0.files, usages: $0.usages,
                                                           findingsOpen: $0.findingsOpen, findingsWaived: $0.findingsWaived) },
            since: since, until: until, source: "store", usages: usages, findings: findings)
    }

    /// Open findings by severity at the end of each day that had a scan.
    private func findingsOverTime(_ database: AuditDatabase, days: ArraySlice<String>) throws -> [ComplianceReport.DayCount] {
        try database.writer.read { db in
            try days.map { day in
                let end = day + "T99"
                let rows = try Row.fetchAll(db, sql: """
                    SELECT severity, count(*) AS n FROM finding
                    WHERE first_seen_at <= ? AND status != 'waived' AND (status = 'open' OR last_seen_at >= ?)
                    GROUP BY severity
                    """, arguments: [end, day])
                func n(_ severity: String) -> Int { rows.first { ($0["severity"] as String) == severity }?["n"] ?? 0 }
                return ComplianceReport.DayCount(day: day, error: n("error"), warning: n("warning"), info: n("info"))
            }
        }
    }

    static func usageRecord(_ row: Row, deployment: String, catalog: Catalog) -> ComplianceReport.UsageRecord {
        let license: String = row["license"]
        return ComplianceReport.UsageRecord(
            deployment: deployment, model: row["model"], vendor: row["vendor"], family: row["family"], license: license,
            licenseKind: catalog.licenses[license]?.kind.rawValue, hosting: row["hosting"], runtime: row["runtime"], api: row["api"],
            file: row["file"], line: row["line"], firstSeen: row["first_seen_at"], lastSeen: row["last_seen_at"], active: (row["active"] as Int) == 1)
    }

    static func extraTitle(_ rule: String) -> String {
        rule == RuleSummary.expiredWaiver.id ? RuleSummary.expiredWaiver.title : rule == RuleSummary.inlineWaiverRefused.id ? RuleSummary.inlineWaiverRefused.title : rule
    }

    // MARK: - From one scan

    /// A report of a one-off scan, for users with no history yet.
    public func report(from result: AuditResult) -> ComplianceReport {
        let stamp = generatedAt
        let labels = Dictionary(result.deployments.map { ($0.ref, DeploymentInfo(labels: $0.labels, namespace: $0.ref.namespace)) }, uniquingKeysWith: { first, _ in first })
        let active = result.usages.map { resolved -> (ComplianceReport.UsageRecord, String, DeploymentInfo) in
            let usage = resolved.usage
            let record = ComplianceReport.UsageRecord(
                deployment: usage.deployment.description, model: usage.model.map(Secrets.redact), vendor: resolved.vendor, family: resolved.family,
                license: resolved.licenseID, licenseKind: resolved.license?.kind.rawValue, hosting: usage.hosting.rawValue, runtime: usage.runtime,
                api: usage.api, file: usage.location.file, line: usage.location.line, firstSeen: stamp, lastSeen: stamp, active: true)
            return (record, usage.deployment.description, labels[usage.deployment] ?? DeploymentInfo(labels: [:], namespace: usage.deployment.namespace))
        }
        let open = result.findings.filter { $0.status == .open }
        let summary = ComplianceReport.Summary(
            deployments: result.deployments.count, models: Set(active.compactMap(\.0.model)).count, usages: active.count,
            selfHosted: active.filter { $0.0.hosting == "self-hosted" }.count, external: active.filter { $0.0.hosting == "external-api" }.count,
            openErrors: open.filter { $0.severity == .error }.count, openWarnings: open.filter { $0.severity == .warning }.count,
            openInfo: open.filter { $0.severity == .info }.count, waived: result.count(status: .waived), resolved: 0)
        let findings = result.findings.map { finding in
            ComplianceReport.FindingRecord(
                rule: finding.rule, title: finding.title, severity: finding.severity.rawValue, status: finding.status == .waived ? "waived" : "open",
                deployment: finding.deployment?.description, model: finding.model.map(Secrets.redact), file: finding.location.file,
                line: finding.location.line, column: finding.location.column, message: finding.message, remediation: finding.remediation,
                waiver: finding.waiverReason, firstSeen: stamp, lastSeen: stamp)
        }.sorted(by: Self.findingOrder)
        let day = String(stamp.prefix(10))
        return assemble(
            active: active, summary: summary,
            overTime: [ComplianceReport.DayCount(day: day, error: summary.openErrors, warning: summary.openWarnings, info: summary.openInfo)],
            scans: [ComplianceReport.ScanRecord(id: 0, finishedAt: stamp, status: "one-off", files: result.files, usages: result.usages.count,
                                                findingsOpen: open.count, findingsWaived: summary.waived)],
            since: nil, until: nil, source: "scan", usages: RowStream(active.map(\.0)), findings: RowStream(findings))
    }

    /// Open first, then waived; errors before warnings before info; then by place.
    static func findingOrder(_ a: ComplianceReport.FindingRecord, _ b: ComplianceReport.FindingRecord) -> Bool {
        func rank(_ status: String) -> Int { status == "open" ? 0 : status == "waived" ? 1 : 2 }
        func weight(_ severity: String) -> Int { severity == "error" ? 0 : severity == "warning" ? 1 : 2 }
        if rank(a.status) != rank(b.status) { return rank(a.status) < rank(b.status) }
        if weight(a.severity) != weight(b.severity) { return weight(a.severity) < weight(b.severity) }
        if a.file != b.file { return a.file < b.file }
        return a.line < b.line
    }

    // MARK: - Shared

    private func assemble(active: [(usage: ComplianceReport.UsageRecord, deployment: String, info: DeploymentInfo)], summary: ComplianceReport.Summary,
                          overTime: [ComplianceReport.DayCount], scans: [ComplianceReport.ScanRecord], since: String?, until: String?, source: String,
                          usages: RowStream<ComplianceReport.UsageRecord>, findings: RowStream<ComplianceReport.FindingRecord>) -> ComplianceReport {
        let catalog = policy.catalog
        let organization = policy.organization
        func slices(_ key: (ComplianceReport.UsageRecord) -> String) -> [ComplianceReport.Slice] {
            Dictionary(grouping: active.map(\.usage), by: key).map { ComplianceReport.Slice(label: $0.key, count: $0.value.count) }
                .sorted { ($1.count, $0.label) < ($0.count, $1.label) }
        }
        func label(_ info: DeploymentInfo, _ key: String) -> String? { organization.label(key, in: info.labels) }
        // Obligations: each licence in use, and per deployment whether its attribution and threshold hold.
        var licenses: [ComplianceReport.LicenseInUse] = []
        for (licenseID, rows) in Dictionary(grouping: active, by: \.usage.license).sorted(by: { $0.key < $1.key }) {
            let license = catalog.licenses[licenseID]
            var uses: [ComplianceReport.LicenseInUse.Use] = []
            for (deployment, deploymentRows) in Dictionary(grouping: rows, by: \.deployment).sorted(by: { $0.key < $1.key }) {
                let info = deploymentRows[0].info
                let declared = label(info, LabelKey.attribution)
                let product = label(info, LabelKey.product)
                let users = product.flatMap { organization.products[$0] }
                let met = license?.attribution.map { required in declared?.includes(required) == true } ?? true
                let exceeded = (users ?? 0) > (license?.monthlyActiveUserThreshold ?? Int.max)
                uses.append(.init(deployment: deployment, models: Array(Set(deploymentRows.compactMap(\.usage.model))).sorted(), product: product,
                                  declaredAttribution: declared, attributionMet: met, monthlyActiveUsers: users, thresholdExceeded: exceeded))
            }
            licenses.append(.init(license: license, id: licenseID, uses: uses))
        }
        // External APIs and the classifications of the data sent to them.
        var services: [ComplianceReport.ExternalService] = []
        for (api, rows) in Dictionary(grouping: active.filter { $0.usage.hosting == "external-api" }, by: { $0.usage.api ?? "unknown" }).sorted(by: { $0.key < $1.key }) {
            let provider = catalog.providers[api]
            let classifications = Set(rows.map { row in
                label(row.info, LabelKey.dataClassification)?.lowercased() ?? organization.defaults(forNamespace: row.info.namespace)?.dataClassification ?? "unknown"
            })
            services.append(.init(provider: provider, id: api, endpoints: (provider?.hosts ?? []).filter { !$0.includes("*") },
                                  classifications: classifications.sorted(), deployments: Set(rows.map(\.deployment)).sorted(),
                                  models: Set(rows.compactMap(\.usage.model)).sorted()))
        }
        return ComplianceReport(
            organization: organization.name, toolVersion: toolVersion, generatedAt: generatedAt, since: since, until: until, source: source,
            summary: summary, byHosting: slices(\.hosting), byVendor: slices(\.vendor), byLicenseKind: slices { $0.licenseKind ?? "unknown" },
            findingsOverTime: overTime, licenses: licenses, externalServices: services, waivers: policy.waivers, scans: scans,
            usages: usages, findings: findings)
    }
}

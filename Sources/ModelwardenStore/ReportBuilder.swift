import Foundation
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

    /// Usages and findings seen in the period (`since`/`until` as YYYY-MM-DD, inclusive) in the selected sources;
    /// aggregates over the usages active at the end of it.
    public func report(from store: any AuditStore, since: String?, until: String?, sources: SourceSelection = .all,
                       staleAfterDays: Int? = nil, now: Date = Date()) async throws -> ComplianceReport {
        let data = try await store.reportData(since: since, until: until, sources: sources)
        let catalog = policy.catalog
        let active = data.active.map { usage -> (usage: ComplianceReport.UsageRecord, deployment: String, info: DeploymentInfo) in
            var record = usage.record
            record.licenseKind = catalog.licenses[record.license]?.kind.rawValue
            return (record, record.deployment, DeploymentInfo(labels: usage.labels, namespace: usage.namespace))
        }
        func count(_ status: String, _ severity: String? = nil) -> Int {
            data.findingCounts.filter { $0.status == status && (severity == nil || $0.severity == severity) }.reduce(0) { $0 + $1.count }
        }
        let summary = ComplianceReport.Summary(
            deployments: data.activeDeployments, models: Set(active.compactMap(\.usage.model)).count, usages: active.count,
            selfHosted: active.filter { $0.usage.hosting == "self-hosted" }.count, external: active.filter { $0.usage.hosting == "external-api" }.count,
            openErrors: count("open", "error"), openWarnings: count("open", "warning"), openInfo: count("open", "info"),
            waived: count("waived"), resolved: count("resolved"))
        let usages = data.usages.map { usage in
            var usage = usage
            usage.licenseKind = catalog.licenses[usage.license]?.kind.rawValue
            return usage
        }
        let policy = self.policy
        let findings = data.findings.map { finding in
            var finding = finding
            finding.title = policy.rule(finding.rule)?.title ?? Self.extraTitle(finding.rule)
            return finding
        }
        var report = assemble(
            active: active, summary: summary, overTime: data.findingsOverTime,
            scans: data.scans.map { ComplianceReport.ScanRecord(id: $0.id, finishedAt: $0.finishedAt, status: $0.status, files: $0.files, usages: $0.usages,
                                                                findingsOpen: $0.findingsOpen, findingsWaived: $0.findingsWaived) },
            since: since, until: until, source: "store", usages: usages, findings: findings)
        report.fleet = Self.fleet(active: active.map(\.usage), data: data)
        if let staleAfterDays, var fleet = report.fleet {
            // The source's last scan of all, not of the period: a source is stale by what it reported at all.
            let stale = Staleness(days: staleAfterDays, now: now).staleSources(try await store.sources())
            fleet.staleAfterDays = staleAfterDays
            for index in fleet.sources.indices { fleet.sources[index].stale = stale.contains(fleet.sources[index].name) }
            report.fleet = fleet
        }
        report.tools = try await store.tools(sources: sources).map(Self.resolvedTool)
        return report
    }

    /// One row per source that reported in the period, and models and licences by how many sources use them.
    static func fleet(active: [ComplianceReport.UsageRecord], data: StoreReportData) -> ComplianceReport.Fleet {
        let bySource = Dictionary(grouping: active) { $0.source ?? "" }
        var names = Set(data.scans.map(\.source)).union(bySource.keys)
        names.remove("")
        let sources = names.sorted().map { name in
            let scans = data.scans.filter { $0.source == name }
            let usages = bySource[name] ?? []
            return ComplianceReport.SourceRecord(
                name: name, lastScan: scans.last?.finishedAt, scans: scans.count, deployments: Set(usages.map(\.deployment)).count,
                usages: usages.count, models: Set(usages.compactMap(\.model)).count,
                openFindings: data.findingCounts.filter { $0.source == name && $0.status == "open" }.reduce(0) { $0 + $1.count })
        }
        func spread(_ key: (ComplianceReport.UsageRecord) -> String?) -> [ComplianceReport.Spread] {
            var groups: [String: (sources: Set<String>, usages: Int)] = [:]
            for usage in active {
                guard let label = key(usage) else { continue }
                groups[label, default: ([], 0)].sources.insert(usage.source ?? "")
                groups[label, default: ([], 0)].usages += 1
            }
            return groups.map { ComplianceReport.Spread(label: $0.key, sources: $0.value.sources.count, usages: $0.value.usages) }
                .sorted { ($1.sources, $1.usages, $0.label) < ($0.sources, $0.usages, $1.label) }
        }
        return ComplianceReport.Fleet(sources: sources, models: spread(\.model), licenses: spread { $0.license })
    }

    /// A recorded MCP server as the reports show it.
    static func resolvedTool(_ row: ToolRow) -> ResolvedToolServer {
        var server = ToolServer(name: row.name, client: row.client, location: SourceLocation(file: row.file, line: row.line, column: row.column),
                                transport: ToolServer.Transport(rawValue: row.transport) ?? .stdio)
        server.enabled = row.enabled
        server.launcher = row.launcher
        server.package = row.package
        server.version = row.version
        server.pinned = row.pinned
        server.url = row.url
        server.host = row.host
        server.hostScope = row.hostScope.flatMap(ToolServer.HostScope.init)
        server.auth = row.auth
        server.env = row.env
        var resolved = ResolvedToolServer(server: server)
        resolved.dataClassification = row.dataClassification
        return resolved
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
        var report = assemble(
            active: active, summary: summary,
            overTime: [ComplianceReport.DayCount(day: day, error: summary.openErrors, warning: summary.openWarnings, info: summary.openInfo)],
            scans: [ComplianceReport.ScanRecord(id: 0, finishedAt: stamp, status: "one-off", files: result.files, usages: result.usages.count,
                                                findingsOpen: open.count, findingsWaived: summary.waived)],
            since: nil, until: nil, source: "scan", usages: RowStream(active.map(\.0)), findings: RowStream(findings))
        report.tools = result.tools
        return report
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

import ModelwardenCore

/// The report as one JSON document (docs/report-json.md); the usage and finding arrays are written element by element.
public struct JSONReportWriter: ComplianceReportWriter {
    public init() {}

    public func write(_ report: ComplianceReport, language: ComplianceReport.Language, to sink: inout some ReportSink) throws {
        func slices(_ items: [ComplianceReport.Slice]) -> JSONValue {
            .array(items.map { .object([("label", .string($0.label)), ("count", .int($0.count))]) })
        }
        let summary = report.summary
        var head: [(String, JSONValue)] = [
            ("schemaVersion", .int(1)),
            ("tool", .object([("name", .string("modelwarden")), ("version", .string(report.toolVersion))])),
            ("organization", .string(report.organization)),
            ("generatedAt", .string(report.generatedAt)),
            ("period", .object([("since", .optional(report.since)), ("until", .optional(report.until))])),
            ("source", .string(report.source)),
            ("summary", .object([
                ("deployments", .int(summary.deployments)), ("models", .int(summary.models)), ("usages", .int(summary.usages)),
                ("selfHosted", .int(summary.selfHosted)), ("externalAPI", .int(summary.external)),
                ("openFindings", .object([("error", .int(summary.openErrors)), ("warning", .int(summary.openWarnings)), ("info", .int(summary.openInfo))])),
                ("waived", .int(summary.waived)), ("resolved", .int(summary.resolved)),
            ])),
            ("usagesByHosting", slices(report.byHosting)),
            ("usagesByVendor", slices(report.byVendor)),
            ("usagesByLicenseKind", slices(report.byLicenseKind)),
            ("findingsOverTime", .array(report.findingsOverTime.map {
                .object([("day", .string($0.day)), ("error", .int($0.error)), ("warning", .int($0.warning)), ("info", .int($0.info))])
            })),
            ("licenses", .array(report.licenses.map(license))),
            ("externalServices", .array(report.externalServices.map { service in
                .object([
                    ("api", .string(service.id)), ("name", .optional(service.provider?.name)), ("endpoints", .array(service.endpoints.map(JSONValue.string))),
                    ("dataClassifications", .array(service.classifications.map(JSONValue.string))),
                    ("deployments", .array(service.deployments.map(JSONValue.string))), ("models", .array(service.models.map(JSONValue.string))),
                ])
            })),
            ("waivers", .array(report.waivers.map { waiver in
                .object([
                    ("rule", .string(waiver.rule)), ("reason", .string(waiver.reason)), ("approvedBy", .string(waiver.approvedBy)),
                    ("expires", .string(waiver.expires.description)), ("location", .string(waiver.location.description)),
                ])
            })),
            ("scans", .array(report.scans.map { scan in
                .object([
                    ("id", .int(Int(scan.id))), ("finishedAt", .string(scan.finishedAt)), ("status", .string(scan.status)), ("files", .int(scan.files)),
                    ("usages", .int(scan.usages)), ("findingsOpen", .int(scan.findingsOpen)), ("findingsWaived", .int(scan.findingsWaived)),
                ])
            })),
        ]
        if let fleet = report.fleet { head.append(("fleet", Self.fleet(fleet))) }
        // The head as an object without its closing brace, then the streamed arrays.
        let opened = JSONValue.object(head).serialized()
        try sink.write(String(opened.dropLast(2)) + ",\n  \"usages\": [")
        var first = true
        try report.usages.forEach { usage in
            let value: JSONValue = .object([
                ("deployment", .string(usage.deployment)), ("model", .optional(usage.model)), ("vendor", .string(usage.vendor)),
                ("family", .string(usage.family)), ("license", .string(usage.license)), ("licenseKind", .optional(usage.licenseKind)),
                ("hosting", .string(usage.hosting)), ("runtime", .optional(usage.runtime)), ("api", .optional(usage.api)), ("file", .string(usage.file)),
                ("line", .int(usage.line)), ("firstSeen", .string(usage.firstSeen)), ("lastSeen", .string(usage.lastSeen)), ("active", .bool(usage.active)),
                ("source", .optional(usage.source)),
            ])
            try sink.write((first ? "\n    " : ",\n    ") + value.serialized(indent: nil))
            first = false
        }
        try sink.write(first ? "],\n  \"findings\": [" : "\n  ],\n  \"findings\": [")
        first = true
        try report.findings.forEach { finding in
            let value: JSONValue = .object([
                ("rule", .string(finding.rule)), ("title", .string(finding.title)), ("severity", .string(finding.severity)), ("status", .string(finding.status)),
                ("deployment", .optional(finding.deployment)), ("model", .optional(finding.model)), ("file", .string(finding.file)), ("line", .int(finding.line)),
                ("column", .int(finding.column)), ("message", .string(finding.message)), ("remediation", .string(finding.remediation)),
                ("waiver", .optional(finding.waiver)), ("firstSeen", .string(finding.firstSeen)), ("lastSeen", .string(finding.lastSeen)),
                ("source", .optional(finding.source)),
            ])
            try sink.write((first ? "\n    " : ",\n    ") + value.serialized(indent: nil))
            first = false
        }
        try sink.write(first ? "]\n}\n" : "\n  ]\n}\n")
    }

    /// Sources, and models and licences by the number of sources using them.
    static func fleet(_ fleet: ComplianceReport.Fleet) -> JSONValue {
        func spread(_ items: [ComplianceReport.Spread]) -> JSONValue {
            .array(items.map { .object([("label", .string($0.label)), ("sources", .int($0.sources)), ("usages", .int($0.usages))]) })
        }
        return .object([
            ("sources", .array(fleet.sources.map { source in
                .object([
                    ("name", .string(source.name)), ("lastScan", .optional(source.lastScan)), ("scans", .int(source.scans)),
                    ("deployments", .int(source.deployments)), ("usages", .int(source.usages)), ("models", .int(source.models)),
                    ("openFindings", .int(source.openFindings)), ("stale", .bool(source.stale)),
                ])
            })),
            ("staleAfterDays", fleet.staleAfterDays.map { JSONValue.int($0) } ?? .null),
            ("modelsBySources", spread(fleet.models)),
            ("licensesBySources", spread(fleet.licenses)),
        ])
    }

    private func license(_ item: ComplianceReport.LicenseInUse) -> JSONValue {
        let license = item.license
        return .object([
            ("id", .string(item.id)), ("name", .optional(license?.name)), ("kind", .optional(license?.kind.rawValue)), ("spdx", .optional(license?.spdx)),
            ("attribution", .optional(license?.attribution)), ("notice", .optional(license?.notice)),
            ("monthlyActiveUserThreshold", license?.monthlyActiveUserThreshold.map(JSONValue.int) ?? .null),
            ("obligations", .array((license?.obligations ?? []).map(JSONValue.string))),
            ("sources", .array((license?.sources ?? []).map(JSONValue.string))),
            ("uses", .array(item.uses.map { use in
                .object([
                    ("deployment", .string(use.deployment)), ("models", .array(use.models.map(JSONValue.string))), ("product", .optional(use.product)),
                    ("declaredAttribution", .optional(use.declaredAttribution)), ("attributionMet", .bool(use.attributionMet)),
                    ("monthlyActiveUsers", use.monthlyActiveUsers.map(JSONValue.int) ?? .null), ("thresholdExceeded", .bool(use.thresholdExceeded)),
                ])
            })),
        ])
    }
}

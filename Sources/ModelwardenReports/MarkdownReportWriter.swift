import ModelwardenCore

/// The compliance report as Markdown, for wikis and tickets; every human-facing word from `ReportStrings`.
public struct MarkdownReportWriter: ComplianceReportWriter {
    public init() {}

    public func write(_ report: ComplianceReport, language: ComplianceReport.Language, to sink: inout some ReportSink) throws {
        let s = ReportStrings.for(language)
        let summary = report.summary
        func cell(_ text: String?) -> String { (text ?? "").replacingAll("|", "\\|").replacingAll("\n", " ") }
        func code(_ text: String?) -> String { text.map { $0.isEmpty ? "" : "`\(cell($0))`" } ?? "" }

        try sink.write("# \(s.title)\n\n**\(cell(report.organization))**\n\n")
        try sink.write("| \(s.period) | \(s.generated) | \(s.source) | \(s.toolVersion) |\n|---|---|---|---|\n")
        try sink.write("| \(s.period(since: report.since, until: report.until)) | \(s.dateTime(report.generatedAt)) | \(s.sourceName(report.source)) | \(report.toolVersion) |\n\n")

        try sink.write("## 1. \(s.summary)\n\n")
        try sink.write("| \(s.deployments) | \(s.models) | \(s.usages) | \(s.selfHosted) | \(s.externalAPI) | \(s.errors) | \(s.warnings) | \(s.info) | \(s.waived) | \(s.resolved) |\n")
        try sink.write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        let counts = [summary.deployments, summary.models, summary.usages, summary.selfHosted, summary.external, summary.openErrors,
                      summary.openWarnings, summary.openInfo, summary.waived, summary.resolved]
        try sink.write("| " + counts.map(s.number).joined(separator: " | ") + " |\n\n")
        let charts: [(String, [ComplianceReport.Slice], (String) -> String)] = [
            (s.usagesByHosting, report.byHosting, { s.hosting($0) }),
            (s.usagesByVendor, Array(report.byVendor.prefix(10)), { $0 }),
            (s.usagesByLicenseKind, report.byLicenseKind, { s.licenseKind($0) }),
        ]
        for (title, slices, name) in charts {
            try sink.write("**\(title)**: " + (slices.isEmpty ? s.noData : slices.map { "\(cell(name($0.label))) \(s.number($0.count))" }.joined(separator: " · ")) + "\n\n")
        }

        try sink.write("## 2. \(s.inventory)\n\n")
        let header = "| \(s.deployment) | \(s.model) | \(s.family) | \(s.license) | \(s.hosting) | \(s.runtimeOrAPI) | \(s.location) | \(s.firstSeen) | \(s.lastSeen) |\n|---|---|---|---|---|---|---|---|---|\n"
        try sink.write(header)
        var inGoneTable = false
        try report.usages.forEach { usage in
            if !usage.active && !inGoneTable {
                inGoneTable = true
                try sink.write("\n### \(s.noLongerInUse)\n\n" + header)
            }
            try sink.write("| \(cell(usage.deployment)) | \(code(usage.model ?? s.noModelNamed)) | \(cell(usage.family)) | \(code(usage.license)) | \(s.hosting(usage.hosting)) | \(cell(usage.runtime ?? usage.api)) | \(code("\(usage.file):\(usage.line)")) | \(s.date(usage.firstSeen)) | \(s.date(usage.lastSeen)) |\n")
        }

        try sink.write("\n## 3. \(s.findings)\n\n| \(s.severity) | \(s.status) | \(s.rule) | \(s.deploymentAndModel) | \(s.evidence) | \(s.finding) | \(s.remediation) |\n|---|---|---|---|---|---|---|\n")
        try report.findings.forEach { finding in
            let target = [finding.deployment ?? s.policyWide, finding.model].compactMap { $0 }.joined(separator: " · ")
            let status = finding.waiver.map { "\(s.status(finding.status)): \(cell($0))" } ?? s.status(finding.status)
            try sink.write("| \(s.severity(finding.severity)) | \(status) | \(code(finding.rule)) | \(cell(target)) | \(code("\(finding.file):\(finding.line)")) | \(cell(finding.message)) | \(cell(finding.remediation)) |\n")
        }

        try sink.write("\n## 4. \(s.obligations)\n\n")
        for item in report.licenses {
            let license = item.license
            try sink.write("### \(cell(license?.name ?? s.unknownLicenseTitle)) (`\(item.id)`)\n\n")
            guard let license else {
                try sink.write("\(s.unknownLicense)\n\n")
                try sink.write(item.uses.map { "- \(cell($0.deployment)): " + $0.models.map(code).joined(separator: ", ") }.joined(separator: "\n") + "\n\n")
                continue
            }
            try sink.write("- \(s.licenseKind): \(s.licenseKind(license.kind.rawValue))\n")
            try sink.write("- \(s.requiredAttribution): \(license.attribution.map { "“\(cell($0))”" } ?? s.noAttributionRequired)\n")
            try sink.write("- \(s.notice): \(license.notice.map(cell) ?? s.noNotice)\n")
            let thresholds = license.thresholds.map { s.thresholdRule(metric: $0.metric, comparison: $0.comparison, value: $0.value) }
            try sink.write("- \(s.thresholds): \(thresholds.isEmpty ? s.noThresholds : thresholds.joined(separator: "; "))\n")
            if let url = license.url ?? license.sources.first { try sink.write("- \(s.licenseTerms): <\(url)>\n") }
            try sink.write("\n| \(s.deployment) | \(s.models) | \(s.product) | \(s.monthlyActiveUsers) | \(s.declaredAttribution) | \(s.attribution) | \(s.threshold) |\n|---|---|---|---|---|---|---|\n")
            for use in item.uses {
                let attribution = license.attribution == nil ? s.notRequired : use.attributionMet ? "✓ \(s.met)" : "✗ \(s.notMet)"
                let threshold = license.monthlyActiveUserThreshold == nil ? s.notApplicable
                    : use.monthlyActiveUsers == nil ? s.unknown : use.thresholdExceeded ? "✗ \(s.exceeded)" : "✓ \(s.withinThreshold)"
                try sink.write("| \(cell(use.deployment)) | \(use.models.map(code).joined(separator: ", ")) | \(cell(use.product)) | \(use.monthlyActiveUsers.map(s.number) ?? "") | \(cell(use.declaredAttribution ?? s.noneDeclared)) | \(attribution) | \(threshold) |\n")
            }
            try sink.write("\n")
        }

        try sink.write("## 5. \(s.waivers)\n\n")
        if report.waivers.isEmpty {
            try sink.write("\(s.noData)\n\n")
        } else {
            try sink.write("| \(s.rule) | \(s.scope) | \(s.reason) | \(s.approvedBy) | \(s.expires) | \(s.status) |\n|---|---|---|---|---|---|\n")
            let today = String(report.generatedAt.prefix(10))
            for waiver in report.waivers {
                let scope = waiver.deployments.isEmpty ? s.allDeployments
                    : waiver.deployments.map { [$0.kind, $0.namespace, $0.name].compactMap { $0 }.joined(separator: "/") }.joined(separator: ", ")
                let state = waiver.expires.description < today ? "✗ \(s.expired)" : s.valid
                try sink.write("| \(code(waiver.rule)) | \(cell(scope)) | \(cell(waiver.reason)) | \(cell(waiver.approvedBy)) | \(s.date(waiver.expires.description)) | \(state) |\n")
            }
            try sink.write("\n")
        }

        try sink.write("## 6. \(s.externalAPIs)\n\n")
        if report.externalServices.isEmpty {
            try sink.write("\(s.noData)\n\n")
        } else {
            try sink.write("| \(s.provider) | \(s.endpoints) | \(s.dataClassifications) | \(s.deployments) | \(s.models) |\n|---|---|---|---|---|\n")
            for service in report.externalServices {
                try sink.write("| \(cell(service.provider?.name ?? service.id)) | \(service.endpoints.map(code).joined(separator: ", ")) | \(service.classifications.map(s.classification).joined(separator: ", ")) | \(cell(service.deployments.joined(separator: ", "))) | \(service.models.map(code).joined(separator: ", ")) |\n")
            }
            try sink.write("\n")
        }

        try sink.write("## 7. \(s.scanHistory)\n\n| \(s.scan) | \(s.finishedAt) | \(s.status) | \(s.files) | \(s.usages) | \(s.findingsOpen) | \(s.findingsWaived) |\n|---:|---|---|---:|---:|---:|---:|\n")
        for scan in report.scans {
            try sink.write("| \(scan.id) | \(s.dateTime(scan.finishedAt)) | \(s.scanStatus(scan.status)) | \(s.number(scan.files)) | \(s.number(scan.usages)) | \(s.number(scan.findingsOpen)) | \(s.number(scan.findingsWaived)) |\n")
        }
        try sink.write("\n_\(s.generatedBy(report.toolVersion))_\n")
    }
}

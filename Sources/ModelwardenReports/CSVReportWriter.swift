import ModelwardenCore

/// One CSV for spreadsheets: a row per usage and a row per finding, the `record` column telling which.
public struct CSVReportWriter: ComplianceReportWriter {
    public init() {}

    static let columns = ["record", "deployment", "model", "vendor", "family", "license", "license_kind", "hosting", "runtime_or_api",
                          "status", "severity", "rule", "file", "line", "first_seen", "last_seen", "message", "remediation", "waiver", "source"]

    public func write(_ report: ComplianceReport, language: ComplianceReport.Language, to sink: inout some ReportSink) throws {
        try sink.write(Self.columns.joined(separator: ",") + "\r\n")
        try report.usages.forEach { usage in
            try sink.write(Self.row([
                "usage", usage.deployment, usage.model ?? "", usage.vendor, usage.family, usage.license, usage.licenseKind ?? "", usage.hosting,
                usage.runtime ?? usage.api ?? "", usage.active ? "active" : "gone", "", "", usage.file, String(usage.line), usage.firstSeen,
                usage.lastSeen, "", "", "", usage.source ?? "",
            ]))
        }
        try report.findings.forEach { finding in
            try sink.write(Self.row([
                "finding", finding.deployment ?? "", finding.model ?? "", "", "", "", "", "", "", finding.status, finding.severity, finding.rule,
                finding.file, String(finding.line), finding.firstSeen, finding.lastSeen, finding.message, finding.remediation, finding.waiver ?? "", finding.source ?? "",
            ]))
        }
    }

    static func row(_ fields: [String]) -> String {
        fields.map(ReportTable.csvField).joined(separator: ",") + "\r\n"
    }
}

import ModelwardenCore

/// The formats of `modelwarden report`; adding one is a case here and a writer file.
public enum ReportFormat: String, CaseIterable, Sendable {
    case html, csv, json, markdown, cyclonedx, notice

    public var writer: any ComplianceReportWriter {
        switch self {
        case .html: return HTMLReportWriter()
        case .markdown: return MarkdownReportWriter()
        case .csv: return CSVReportWriter()
        case .json: return JSONReportWriter()
        case .cyclonedx: return CycloneDXReportWriter()
        case .notice: return NoticeReportWriter()
        }
    }
}

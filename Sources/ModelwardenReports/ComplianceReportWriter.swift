import ModelwardenCore

/// One format of `modelwarden report`. Writers stream: they write section by section and row by row to the
/// sink, and read the long lists (`report.usages`, `report.findings`) once, in order.
public protocol ComplianceReportWriter: Sendable {
    func write(_ report: ComplianceReport, language: ComplianceReport.Language, to sink: inout some ReportSink) throws
}

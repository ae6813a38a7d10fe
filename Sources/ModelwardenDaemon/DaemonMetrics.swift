import Foundation
import ModelwardenCore
import ModelwardenStore
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics, served at `/metrics`.
/// Gauges that describe the estate (usages, findings) are set from the store's counts when they are read; a label set that
/// disappears is set to 0 rather than left at its last value.
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let scanDuration: DurationHistogram
    private let filesScanned: Gauge
    private let filesParsed: Counter
    private let parseErrors: Gauge
    private let parseErrorsTotal: Counter
    private let lastScan: Gauge
    private let ready: Gauge
    private let estateLabels = Mutex<(usages: Set<[String]>, findings: Set<[String]>)>(([], []))

    /// Names and help texts in one place (docs/api.md lists them). Computed: the descriptor type is not Sendable.
    enum Metric {
        static var scanDuration: MetricNameDescriptor { name("scan_duration", unit: "seconds", help: "Time to scan, evaluate and record the watched paths.") }
        static var filesScanned: MetricNameDescriptor { name("files_scanned", help: "Manifest files in the last scan.") }
        static var filesParsed: MetricNameDescriptor { name("files_parsed", unit: "total", help: "Files parsed (not served from the cache) over all scans.") }
        static var parseErrors: MetricNameDescriptor { name("parse_errors", help: "Input problems (files that do not parse or cannot be read) in the last scan.") }
        static var parseErrorsTotal: MetricNameDescriptor { name("parse_errors", unit: "total", help: "Input problems over all scans.") }
        static var lastScan: MetricNameDescriptor { name("last_scan_timestamp", unit: "seconds", help: "Unix time at which the last scan was recorded.") }
        static var ready: MetricNameDescriptor { name("ready", help: "1 once the first scan is recorded.") }
        static var buildInfo: MetricNameDescriptor { name("build_info", help: "The running version.") }
        static var scans: MetricNameDescriptor { name("scans", unit: "total", help: "Scans by outcome: complete, unchanged (nothing changed) or failed.") }
        static var reloads: MetricNameDescriptor { name("policy_reloads", unit: "total", help: "Policy reloads (SIGHUP) applied or rejected as invalid.") }
        static var usages: MetricNameDescriptor { name("active_usages", help: "Model usages in the last scan, by hosting and licence kind.") }
        static var findings: MetricNameDescriptor { name("open_findings", help: "Open findings (not waived, not resolved), by severity and rule.") }

        static func name(_ metric: String, unit: String = "", help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "modelwarden", metricName: metric, unitName: unit, helpText: help)
        }
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), version: String) {
        self.registry = registry
        scanDuration = registry.makeDurationHistogram(
            descriptor: Metric.scanDuration,
            buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                      .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)])
        filesScanned = registry.makeGauge(descriptor: Metric.filesScanned)
        filesParsed = registry.makeCounter(descriptor: Metric.filesParsed)
        parseErrors = registry.makeGauge(descriptor: Metric.parseErrors)
        parseErrorsTotal = registry.makeCounter(descriptor: Metric.parseErrorsTotal)
        lastScan = registry.makeGauge(descriptor: Metric.lastScan)
        ready = registry.makeGauge(descriptor: Metric.ready)
        registry.makeGauge(descriptor: Metric.buildInfo, labels: [("version", version)]).set(to: 1)
        for status in ["complete", "unchanged", "failed"] { scans(status) }
        for result in ["applied", "rejected"] { reloads(result) }
    }

    @discardableResult
    private func scans(_ status: String) -> Counter {
        registry.makeCounter(descriptor: Metric.scans, labels: [("status", status)])
    }

    @discardableResult
    private func reloads(_ result: String) -> Counter {
        registry.makeCounter(descriptor: Metric.reloads, labels: [("result", result)])
    }

    /// One recorded scan.
    public func recordScan(_ summary: ScanSummary, duration: Duration, at date: Date) {
        scans(summary.status).increment()
        scanDuration.record(duration)
        filesScanned.set(to: Double(summary.files))
        filesParsed.increment(by: Int64(summary.filesParsed))
        let errors = summary.diagnostics.filter { $0.level == .error }.count
        parseErrors.set(to: Double(errors))
        parseErrorsTotal.increment(by: Int64(errors))
        lastScan.set(to: date.timeIntervalSince1970)
        ready.set(to: 1)
    }

    /// The estate as the store counts it now (read when `/metrics` is).
    public func recordEstate(_ estate: EstateCounts, licenseKind: (String) -> String) {
        var usages: [[String]: Int] = [:]
        for row in estate.usages { usages[[row.hosting, licenseKind(row.license)], default: 0] += row.count }
        var findings: [[String]: Int] = [:]
        for row in estate.openFindings { findings[[row.severity, row.rule], default: 0] += row.count }
        let (staleUsages, staleFindings) = estateLabels.withLock { labels in
            defer { labels = (Set(usages.keys), Set(findings.keys)) }
            return (labels.usages.subtracting(usages.keys), labels.findings.subtracting(findings.keys))
        }
        for key in staleUsages { usages[key] = 0 }
        for key in staleFindings { findings[key] = 0 }
        for (key, count) in usages {
            registry.makeGauge(descriptor: Metric.usages, labels: [("hosting", key[0]), ("license_kind", key[1])]).set(to: Double(count))
        }
        for (key, count) in findings {
            registry.makeGauge(descriptor: Metric.findings, labels: [("severity", key[0]), ("rule", key[1])]).set(to: Double(count))
        }
    }

    public func recordFailedScan(duration: Duration) {
        scans("failed").increment()
        scanDuration.record(duration)
    }

    public func recordReload(applied: Bool) {
        reloads(applied ? "applied" : "rejected").increment()
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

import Foundation
import ModelwardenCore
import ModelwardenStore
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics, served at `/metrics`.
/// Gauges that describe the estate (usages, findings) are set from the store after each scan; a label set that
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

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), version: String) {
        self.registry = registry
        scanDuration = registry.makeDurationHistogram(
            name: "modelwarden_scan_duration_seconds",
            buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                      .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)],
            help: "Time to scan, evaluate and record the watched paths.")
        filesScanned = registry.makeGauge(name: "modelwarden_files_scanned", help: "Manifest files in the last scan.")
        filesParsed = registry.makeCounter(name: "modelwarden_files_parsed_total", help: "Files parsed (not served from the cache) over all scans.")
        parseErrors = registry.makeGauge(name: "modelwarden_parse_errors", help: "Input problems (files that do not parse or cannot be read) in the last scan.")
        parseErrorsTotal = registry.makeCounter(name: "modelwarden_parse_errors_total", help: "Input problems over all scans.")
        lastScan = registry.makeGauge(name: "modelwarden_last_scan_timestamp_seconds", help: "Unix time at which the last scan was recorded.")
        ready = registry.makeGauge(name: "modelwarden_ready", help: "1 once the first scan is recorded.")
        registry.makeGauge(name: "modelwarden_build_info", labels: [("version", version)], help: "The running version.").set(to: 1)
        for status in ["complete", "unchanged", "failed"] { scans(status) }
        for result in ["applied", "rejected"] { reloads(result) }
    }

    @discardableResult
    private func scans(_ status: String) -> Counter {
        registry.makeCounter(name: "modelwarden_scans_total", labels: [("status", status)], help: "Scans by outcome: complete, unchanged (nothing changed) or failed.")
    }

    @discardableResult
    private func reloads(_ result: String) -> Counter {
        registry.makeCounter(name: "modelwarden_policy_reloads_total", labels: [("result", result)], help: "Policy reloads (SIGHUP) applied or rejected as invalid.")
    }

    /// One recorded scan, with the estate as the store now holds it.
    public func recordScan(_ summary: ScanSummary, duration: Duration, at date: Date, inventory: [AuditDatabase.InventoryRow],
                           openFindings: [AuditDatabase.FindingRow], licenseKind: (String) -> String) {
        scans(summary.status).increment()
        scanDuration.record(duration)
        filesScanned.set(to: Double(summary.files))
        filesParsed.increment(by: Int64(summary.filesParsed))
        let errors = summary.diagnostics.filter { $0.level == .error }.count
        parseErrors.set(to: Double(errors))
        parseErrorsTotal.increment(by: Int64(errors))
        lastScan.set(to: date.timeIntervalSince1970)
        ready.set(to: 1)

        var usages: [[String]: Int] = [:]
        for row in inventory { usages[[row.hosting, licenseKind(row.license)], default: 0] += 1 }
        var findings: [[String]: Int] = [:]
        for row in openFindings { findings[[row.severity, row.rule], default: 0] += 1 }
        let (staleUsages, staleFindings) = estateLabels.withLock { labels in
            defer { labels = (Set(usages.keys), Set(findings.keys)) }
            return (labels.usages.subtracting(usages.keys), labels.findings.subtracting(findings.keys))
        }
        for key in staleUsages { usages[key] = 0 }
        for key in staleFindings { findings[key] = 0 }
        for (key, count) in usages {
            registry.makeGauge(name: "modelwarden_active_usages", labels: [("hosting", key[0]), ("license_kind", key[1])],
                               help: "Model usages in the last scan, by hosting and licence kind.").set(to: Double(count))
        }
        for (key, count) in findings {
            registry.makeGauge(name: "modelwarden_open_findings", labels: [("severity", key[0]), ("rule", key[1])],
                               help: "Open findings (not waived, not resolved), by severity and rule.").set(to: Double(count))
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

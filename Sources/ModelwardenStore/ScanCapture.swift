import Foundation
import ModelwardenCore
import Synchronization

/// The store `scan --push` records into: empty before the scan (every file is read, nothing is cached on the CI
/// machine), and keeping the one recording the `Recorder` hands it so that it can be sent to a daemon instead.
public final class ScanCapture: AuditStore {
    private let captured = Mutex<ScanRecording?>(nil)

    public init() {}

    public var location: String { "a scan to push" }

    /// The recording of the scan, once `Recorder.scan` has returned.
    public var recording: ScanRecording? { captured.withLock { $0 } }

    public func sourceState(_ source: String) async throws -> SourceState { SourceState() }
    public func cachedScans(source: String, paths: Set<String>) async throws -> [String: Data] { [:] }

    /// Never asked: an empty store has no previous scan to be unchanged from.
    public func recordUnchanged(_ scan: UnchangedScan) async throws -> ScanSummary {
        throw RecorderError.invalidSource("a pushed scan has no previous scan")
    }

    public func record(_ recording: ScanRecording) async throws -> ScanSummary {
        captured.withLock { $0 = recording }
        return recording.summary(scanID: 0, events: 0)
    }

    // An empty store: nothing to prune, and the readers have nothing to show.
    public func prune(keepDays: Int, now: Date) async throws -> PruneSummary {
        PruneSummary(cutoff: Retention.cutoff(keepDays: keepDays, now: now), keepDays: keepDays)
    }

    public func sources() async throws -> [SourceRow] { [] }
    public func inventory(sources: SourceSelection) async throws -> [InventoryRow] { [] }
    public func findings(status: String?, sources: SourceSelection) async throws -> [FindingRow] { [] }
    public func estateCounts(source: String) async throws -> EstateCounts { EstateCounts() }
    public func history(model: String?, deployment: String?, since: String?, sources: SourceSelection) async throws -> [EventRow] { [] }
    public func scans(sources: SourceSelection) async throws -> [ScanRow] { [] }
    public func tools(sources: SourceSelection) async throws -> [ToolRow] { [] }

    public func reportData(since: String?, until: String?, sources: SourceSelection) async throws -> StoreReportData {
        StoreReportData(active: [], activeDeployments: 0, findingCounts: [], scans: [], findingsOverTime: [],
                        usages: RowStream([]), findings: RowStream([]))
    }
}

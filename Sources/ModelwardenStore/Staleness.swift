import Foundation

/// `--stale-after DAYS` on `inventory` and `report`: a source whose last scan finished longer ago than that has
/// stopped reporting (a server switched off, a CI job removed), and what the store says about it may be out of date.
public struct Staleness: Sendable {
    public var days: Int
    public var now: Date

    public init(days: Int, now: Date = Date()) {
        self.days = days
        self.now = now
    }

    /// Timestamps before this are stale (ISO 8601 text sorts like time).
    public var cutoff: String { Retention.cutoff(keepDays: days, now: now) }

    public func isStale(lastScanAt: String?) -> Bool {
        guard let lastScanAt else { return true }
        return lastScanAt < cutoff
    }

    /// The names of the stale sources among the store's.
    public func staleSources(_ sources: [SourceRow]) -> Set<String> {
        Set(sources.filter { isStale(lastScanAt: $0.lastScanAt) }.map(\.name))
    }
}

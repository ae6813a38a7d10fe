import Dispatch
import Foundation
import Logging
import ModelwardenCore
import ModelwardenManifests
import ModelwardenStore
import Synchronization

/// Why a scan or a reload did not happen.
public struct DaemonFailure: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Runs scans one at a time against the current policy set and keeps what the API and systemd need to know.
/// Requests that arrive during a scan share the next one: a burst of changes or API calls costs at most two scans.
/// The scan's parsing and evaluation run on a Dispatch thread (`Recorder`), off the cooperative pool that serves HTTP
/// requests; its one transaction goes to the store, SQLite or PostgreSQL.
public actor ScanCoordinator {
    public let paths: [String]
    public let store: any AuditStore
    /// The source every scan of this daemon records under; nil: the host name and the watched roots.
    public let source: String?
    public let policySource: PolicySource
    public private(set) var policy: PolicySet
    public private(set) var lastSummary: ScanSummary?
    public private(set) var lastScanAt: Date?
    public private(set) var isReady = false
    /// How the watched folders are walked (`follow_symlinks:`).
    public let discovery: DiscoveryOptions
    /// Folders whose MCP client files are read for servers only (`user_tool_configs:`).
    public let userToolFolders: [String]
    private let metrics: DaemonMetrics
    private let scanCache = ScanCache()
    private let notifier: SystemdNotifier
    private let logger: Logger
    private var scanning = false {
        didSet { busy.store(scanning, ordering: .relaxed) }
    }
    private nonisolated let busy = Atomic<Bool>(false)
    /// Why the last scan could not be recorded (the store unreachable, say); nil once a scan is recorded again.
    /// `/healthz` and `/readyz` report it, and the scanner retries with backoff while it is set.
    public private(set) var degradedReason: String?
    /// One wake-up for the scanner's retry loop each time a scan fails.
    public nonisolated let failures: AsyncStream<Void>
    private nonisolated let failureSignal: AsyncStream<Void>.Continuation
    private var queued: [CheckedContinuation<Result<ScanSummary, DaemonFailure>, Never>] = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    public init(paths: [String], store: any AuditStore, source: String? = nil, policySource: PolicySource, policy: PolicySet,
                metrics: DaemonMetrics, notifier: SystemdNotifier, logger: Logger, discovery: DiscoveryOptions = DiscoveryOptions(),
                userToolFolders: [String] = []) {
        self.paths = paths
        self.userToolFolders = userToolFolders
        self.discovery = discovery
        self.store = store
        self.source = source
        self.policySource = policySource
        self.policy = policy
        self.metrics = metrics
        self.notifier = notifier
        self.logger = logger
        (failures, failureSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The name this daemon's scans record under.
    public nonisolated var sourceName: String { source ?? SourceName.defaultName(roots: paths) }

    /// Whether a scan is running, readable from outside the actor (a shutdown handler cannot wait for it).
    public nonisolated var isScanning: Bool { busy.load(ordering: .relaxed) }

    /// Scans now, or, when a scan is running, with the next one; returns what that scan recorded. With the files the
    /// watcher saw change (and no need to walk), only those are read again; a scan that waited for another walks.
    public func scan(reason: String, changes: FileWatcher.Changes? = nil) async -> Result<ScanSummary, DaemonFailure> {
        if scanning {
            return await withCheckedContinuation { queued.append($0) }
        }
        scanning = true
        let outcome = await performScan(reason: reason, changed: changes.flatMap { $0.needsWalk ? nil : $0.files })
        while !queued.isEmpty {
            let waiting = queued
            queued = []
            let next = await performScan(reason: "queued during the previous scan")
            for continuation in waiting { continuation.resume(returning: next) }
        }
        scanning = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
        return outcome
    }

    /// Returns once no scan is running: shutdown waits here so that a scan in flight is committed, never cut.
    public func waitUntilIdle() async {
        guard scanning else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func performScan(reason: String, changed: Set<String>? = nil) async -> Result<ScanSummary, DaemonFailure> {
        let recorder = Recorder(store: store, auditor: Auditor(policy: policy, discovery: discovery), source: source, cache: scanCache,
                                userToolFolders: userToolFolders, logger: logger)
        let clock = ContinuousClock()
        let start = clock.now
        logger.debug("scan started", metadata: ["reason": "\(reason)"])
        let result: Result<ScanSummary, DaemonFailure>
        do {
            // Its own task, so that a shutdown (which cancels the scanner's tasks) lets a scan in flight commit whole.
            let paths = self.paths
            result = .success(try await Task { try await recorder.scan(paths: paths, changed: changed) }.value)
        } catch {
            result = .failure(DaemonFailure("could not record the scan: \(StoreLocation.describe(error))"))
        }
        let duration = clock.now - start
        switch result {
        case .success(let summary):
            await recordSuccess(summary, duration: duration, reason: reason)
        case .failure(let failure):
            metrics.recordFailedScan(duration: duration)
            degradedReason = failure.description
            logger.error("scan failed; the previous scan stays recorded, and the scan is retried", metadata: ["reason": "\(reason)", "error": "\(failure)"])
            notifier.status("degraded: last scan failed: \(failure)")
            failureSignal.yield()
        }
        return result
    }

    private func recordSuccess(_ summary: ScanSummary, duration: Duration, reason: String) async {
        let now = Date()
        if let previous = degradedReason {
            degradedReason = nil
            logger.notice("the store records again; the daemon has caught up", metadata: ["was": "\(previous)", "scan": "\(summary.scanID)"])
        }
        lastSummary = summary
        lastScanAt = now
        metrics.recordScan(summary, duration: duration, at: now)
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        logger.info("scan recorded", metadata: [
            "scan": "\(summary.scanID)", "source": "\(summary.source)", "status": "\(summary.status)", "reason": "\(reason)", "files": "\(summary.files)",
            "parsed": "\(summary.filesParsed)", "usages": "\(summary.usages)", "open_findings": "\(summary.openFindings)",
            "waived": "\(summary.waivedFindings)", "events": "\(summary.events)", "duration_ms": "\(milliseconds)",
        ])
        for diagnostic in summary.diagnostics.prefix(20) {
            logger.warning("\(diagnostic.message)", metadata: ["location": "\(diagnostic.location)", "level": "\(diagnostic.level.rawValue)"])
        }
        if summary.diagnostics.count > 20 {
            logger.warning("more input problems not logged; `modelwarden check` lists them all", metadata: ["count": "\(summary.diagnostics.count - 20)"])
        }
        let status = Self.statusLine(summary)
        if isReady {
            notifier.status(status)
        } else {
            isReady = true
            notifier.ready(status: status)
        }
    }

    /// Counts the estate for the gauges when `/metrics` is read: a scrape every few seconds costs two grouped queries,
    /// where counting after every scan would cost them on each change. The gauges describe this daemon's source.
    public func refreshEstateGauges() async {
        guard let source = lastSummary?.source, let estate = try? await store.estateCounts(source: source) else { return }
        let catalog = policy.catalog
        metrics.recordEstate(estate) { license in catalog.licenses[license]?.kind.rawValue ?? "unknown" }
    }

    static func statusLine(_ summary: ScanSummary) -> String {
        "scan \(summary.scanID) \(summary.status): \(summary.files) files, \(summary.usages) model usages, "
            + "\(summary.openFindings) open findings, \(summary.waivedFindings) waived, \(summary.diagnostics.count) input problems"
    }

    /// Loads the policy layers again; an invalid set is rejected with every problem logged, and the last good set stays.
    public func reloadPolicies() async -> Bool {
        notifier.reloading()
        let source = policySource
        let layers = await Self.offload { source.layers() }
        let directory = layers.map(\.origin).joined(separator: " + ")
        let loaded = await Self.offload { PolicyLoader.load(layers: layers) }
        defer { notifier.send("READY=1\nSTATUS=" + (lastSummary.map(Self.statusLine) ?? "waiting for the first scan")) }
        guard let policy = loaded.policy else {
            for diagnostic in loaded.errors {
                logger.error("\(diagnostic.location): \(diagnostic.message)")
            }
            logger.error("policy reload rejected; the last good policy set stays in force",
                         metadata: ["dir": "\(directory)", "errors": "\(loaded.errors.count)", "digest": "\(self.policy.digest.prefix(12))"])
            metrics.recordReload(applied: false)
            return false
        }
        let changed = policy.digest != self.policy.digest
        self.policy = policy
        metrics.recordReload(applied: true)
        logger.notice("policies reloaded", metadata: ["dir": "\(directory)", "digest": "\(policy.digest.prefix(12))", "changed": "\(changed)"])
        return true
    }

    /// Runs blocking work on a Dispatch thread and resumes with its value.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await Offload.run(work)
    }

    /// A glob that matches exactly this name: the wildcard characters escaped.
    static func literalPattern(_ name: String) -> String {
        var pattern = ""
        for character in name {
            if "*?[]\\".contains(character) { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern
    }
}

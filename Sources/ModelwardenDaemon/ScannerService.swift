import Logging
import ServiceLifecycle

/// Scans at start, then after each burst of filesystem changes (once they have been quiet for the debounce) and on the
/// interval. On shutdown it stops asking for scans and waits for the one in flight to commit.
public struct ScannerService: Service {
    let coordinator: ScanCoordinator
    let watcher: FileWatcher?
    let interval: Duration
    let debounce: Duration
    let logger: Logger
    /// The first wait before scanning again after a failed scan; it doubles up to `maxRetryDelay`.
    static let firstRetryDelay: Duration = .seconds(1)
    static let maxRetryDelay: Duration = .seconds(30)

    public init(coordinator: ScanCoordinator, watcher: FileWatcher?, interval: Duration, debounce: Duration, logger: Logger) {
        self.coordinator = coordinator
        self.watcher = watcher
        self.interval = interval
        self.debounce = debounce
        self.logger = logger
    }

    public func run() async throws {
        // Without a first scan there is nothing to serve: a database that cannot be written stops the daemon.
        if case .failure(let failure) = await coordinator.scan(reason: "start") { throw failure }
        let coordinator = self.coordinator, logger = self.logger
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown { [self] in await rescanOnChangesAndInterval() }
        } onGracefulShutdown: {
            if coordinator.isScanning { logger.notice("shutting down: waiting for the scan in flight to commit") }
        }
        watcher?.stop()
        await coordinator.waitUntilIdle()
        logger.debug("scanner stopped")
    }

    /// Runs until cancelled; a scan already started is not cancelled (the coordinator finishes it).
    private func rescanOnChangesAndInterval() async {
        let coordinator = self.coordinator, watcher = self.watcher, interval = self.interval, debounce = self.debounce
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil {
                    _ = await coordinator.scan(reason: "interval")
                }
            }
            // After a failed scan (the database gone, say), scan again with backoff until one is recorded.
            group.addTask {
                for await _ in coordinator.failures {
                    var delay = Self.firstRetryDelay
                    while let reason = await coordinator.degradedReason {
                        logger.warning("degraded: retrying the scan", metadata: ["in": "\(DurationText.format(delay))", "error": "\(reason)"])
                        guard (try? await Task.sleep(for: delay)) != nil else { return }
                        _ = await coordinator.scan(reason: "retry after a failed scan")
                        delay = min(delay * 2, Self.maxRetryDelay)
                    }
                }
            }
            guard let watcher else { return }
            group.addTask {
                var scanned: UInt64 = 0
                for await _ in watcher.changes {
                    // The stream keeps one wake-up while we scan; it is stale when no event came after the last scan began.
                    if watcher.generation == scanned { continue }
                    // Wait until the changes stop for `debounce`: a checkout of many files is one scan.
                    var seen = watcher.generation
                    while (try? await Task.sleep(for: debounce)) != nil, watcher.generation != seen {
                        seen = watcher.generation
                    }
                    if Task.isCancelled { return }
                    scanned = seen
                    _ = await coordinator.scan(reason: "files changed", changes: watcher.takeChanges())
                }
            }
        }
    }
}

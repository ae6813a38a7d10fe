import Foundation
import Logging
import NIOCore
import ModelwardenCore
import ModelwardenManifests
import ModelwardenStore
import Prometheus
import ServiceLifecycle

/// Puts the daemon together: one `ServiceGroup` of the scanner, the SIGHUP reloader, the HTTP API and the systemd
/// notifier. SIGTERM and SIGINT shut it down gracefully, in reverse order: systemd hears STOPPING=1, the API stops
/// accepting requests, then the scanner lets a scan in flight commit.
public struct Daemon {
    public let configuration: DaemonConfiguration
    public let version: String
    public let logger: Logger
    public let notifier: SystemdNotifier

    public init(configuration: DaemonConfiguration, version: String, logger: Logger, notifier: SystemdNotifier = SystemdNotifier()) {
        self.configuration = configuration
        self.version = version
        self.logger = logger
        self.notifier = notifier
    }

    /// Everything that can fail before the services start: configuration, policies, database, token.
    /// Each failure is one message naming what to fix.
    public func run(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                    onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        if let problem = configuration.validate().first { throw DaemonFailure(problem) }
        // The built-in set, the watched repositories' own configuration, then `policies:` from the configuration.
        let policySource = PolicySource(scanning: configuration.watch, explicit: configuration.policies)
        let policyDirectory = policySource.layers().map(\.origin).joined(separator: " + ")
        let loaded = policySource.load()
        for diagnostic in loaded.errors { logger.error("\(diagnostic.location): \(diagnostic.message)") }
        guard let policy = loaded.policy else {
            throw DaemonFailure("the policy set (\(policyDirectory)) is invalid (\(loaded.errors.count) errors)")
        }
        let database: AuditDatabase
        do {
            database = try AuditDatabase.open(path: configuration.database)
        } catch {
            throw DaemonFailure("\(error)")
        }
        let token: AccessToken
        do {
            token = try AccessToken(file: configuration.tokenFile)
        } catch {
            throw DaemonFailure("\(error)")
        }

        let paths = configuration.watch.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let databasePath = URL(fileURLWithPath: configuration.database).standardizedFileURL.path
        let watcher = try? FileWatcher(ignoring: ["", "-wal", "-shm", "-journal"].map { databasePath + $0 }, logger: logger)
        if let watcher {
            for path in paths { watcher.watchRoot(path) }
            watcher.start()
        } else {
            logger.warning("inotify is not available; changes are seen at the interval scan")
        }

        let metrics = DaemonMetrics(registry: registry, version: version)
        let coordinator = ScanCoordinator(paths: paths, database: database, policySource: policySource, policy: policy,
                                          metrics: metrics, notifier: notifier, logger: logger,
                                          discovery: DiscoveryOptions(followSymlinks: configuration.followSymlinks))
        logger.notice("modelwarden daemon starting", metadata: [
            "version": "\(version)", "watch": "\(paths.joined(separator: ","))", "policies": "\(policyDirectory)",
            "database": "\(configuration.database)", "interval": "\(DurationText.format(configuration.interval))",
            "watches": "\(watcher?.watchCount ?? 0)", "systemd": "\(notifier.isActive)",
        ])
        let api = APIServer.application(listen: configuration.listen, coordinator: coordinator, metrics: metrics, token: token,
                                        logger: logger, onListening: onListening)
        var group = ServiceGroupConfiguration(
            services: [
                ScannerService(coordinator: coordinator, watcher: watcher, interval: configuration.interval,
                               debounce: configuration.debounce, logger: logger),
                PolicyReloadService(coordinator: coordinator, token: token, logger: logger),
                api,
                SystemdService(notifier: notifier, coordinator: coordinator),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // Below systemd's default TimeoutStopSec (90 s), so a stuck shutdown ends as a cancellation, not a SIGKILL.
        group.maximumGracefulShutdownDuration = .seconds(80)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as IOError {
            // The only socket the daemon opens itself is the API's.
            throw DaemonFailure("cannot listen on \(configuration.listen): \(String(cString: strerror(error.errnoCode)))")
        }
        logger.notice("modelwarden daemon stopped")
    }
}

import Foundation
import Logging
import NIOCore
import ModelwardenCore
import ModelwardenManifests
import ModelwardenStore
import PostgresNIO
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
        // Read the layers once: their origins name the set in the log, and the same files are loaded.
        let layers = policySource.layers()
        let policyDirectory = layers.map(\.origin).joined(separator: " + ")
        let loaded = PolicyLoader.load(layers: layers)
        for diagnostic in loaded.errors { logger.error("\(diagnostic.location): \(diagnostic.message)") }
        guard let policy = loaded.policy else {
            throw DaemonFailure("the policy set (\(policyDirectory)) is invalid (\(loaded.errors.count) errors)")
        }
        let (store, storeServices, location) = try await openStore()
        let token: AccessToken
        let pushTokens: PushTokens
        do {
            token = try AccessToken(file: configuration.tokenFile)
            pushTokens = try PushTokens(file: configuration.pushTokensFile)
        } catch {
            throw DaemonFailure("\(error)")
        }

        let paths = configuration.watch.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var ignored: [String] = []
        if case .sqlite(let path) = location {
            let databasePath = URL(fileURLWithPath: path).standardizedFileURL.path
            ignored = ["", "-wal", "-shm", "-journal"].map { databasePath + $0 }
        }
        let watcher = try? FileWatcher(ignoring: ignored, logger: logger)
        if let watcher {
            for path in paths { watcher.watchRoot(path) }
            watcher.start()
        } else {
            logger.warning("inotify is not available; changes are seen at the interval scan")
        }

        let metrics = DaemonMetrics(registry: registry, version: version)
        let coordinator = ScanCoordinator(paths: paths, store: store, source: configuration.source, policySource: policySource,
                                          policy: policy, metrics: metrics, notifier: notifier, logger: logger,
                                          discovery: DiscoveryOptions(followSymlinks: configuration.followSymlinks),
                                          userToolFolders: configuration.userToolConfigs)
        logger.notice("modelwarden daemon starting", metadata: [
            "version": "\(version)", "watch": "\(paths.joined(separator: ","))", "policies": "\(policyDirectory)",
            "database": "\(location)", "source": "\(coordinator.sourceName)", "push_tokens": "\(pushTokens.count)", "interval": "\(DurationText.format(configuration.interval))",
            "user_tool_configs": "\(configuration.userToolConfigs.joined(separator: ","))",
            "watches": "\(watcher?.watchCount ?? 0)", "systemd": "\(notifier.isActive)",
        ])
        let api = APIServer.application(listen: configuration.listen, coordinator: coordinator, metrics: metrics, token: token,
                                        pushTokens: pushTokens, logger: logger, onListening: onListening)
        var group = ServiceGroupConfiguration(
            // The store's PostgreSQL client first: it runs before the scanner needs it and stops after it.
            services: storeServices + [
                ScannerService(coordinator: coordinator, watcher: watcher, interval: configuration.interval,
                               debounce: configuration.debounce, logger: logger),
                PolicyReloadService(coordinator: coordinator, token: token, pushTokens: pushTokens, logger: logger),
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

    /// The store `database:` names. A PostgreSQL database is checked (reachable, password accepted, schema migrated)
    /// before the services start, so a wrong URL stops the daemon with its reason; its pooled client is then one of
    /// the daemon's services.
    func openStore() async throws -> (store: any AuditStore, services: [any Service], location: StoreLocation) {
        let location: StoreLocation
        do {
            location = try StoreLocation(configuration.database)
        } catch {
            throw DaemonFailure("\(error)")
        }
        switch location {
        case .sqlite(let path):
            do {
                return (try AuditDatabase.open(path: path), [], location)
            } catch {
                throw DaemonFailure("\(error)")
            }
        case .postgres(let postgres):
            do {
                try await postgres.prepare(logger: logger)
            } catch {
                throw DaemonFailure("cannot use the database \(postgres): \(StoreLocation.describe(error))")
            }
            let client = postgres.makeClient(logger: logger)
            return (PostgresAuditStore(client: client, location: postgres, logger: logger), [client], location)
        }
    }
}

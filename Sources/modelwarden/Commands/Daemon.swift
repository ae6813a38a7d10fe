import ArgumentParser
import Foundation
import Logging
import Metrics
import ModelwardenCore
import ModelwardenDaemon
import ModelwardenStore
import Prometheus

extension Modelwarden {
    struct Daemon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "daemon",
            abstract: "Watch manifest folders, rescan on change and on a timer, record in SQLite, serve a local API.",
            discussion: """
                Reads \(DaemonConfiguration.defaultPath) (or --config FILE); flags override it. Speaks the systemd notify \
                protocol when $NOTIFY_SOCKET is set. SIGHUP reloads the policies (an invalid set is rejected and the last \
                good one stays); SIGTERM or SIGINT stops gracefully, exit 0. Exit 2 when the configuration, the policies \
                or the database cannot be used.
                """)

        @Option(name: .long, help: "Configuration file (default: \(DaemonConfiguration.defaultPath) when it exists).")
        var config: String?

        @Option(name: .long, help: "A folder or file to watch; repeat for several. Replaces the configuration's list.")
        var watch: [String] = []

        @Option(name: .long, help: "Policy folder.")
        var policies: String?

        @Option(name: .long, help: "SQLite database (default: \(DaemonConfiguration.defaultDatabase)).")
        var db: String?

        @Option(name: .long, help: ArgumentHelp("The source the daemon's scans belong to (default: the host name and the watched roots).", valueName: "name"))
        var source: String?

        @Option(name: .long, help: "HTTP API address, HOST:PORT (default: 127.0.0.1:9464).")
        var listen: String?

        @Option(name: .long, help: "Full rescan period, e.g. 30s, 15m, 1h (default: 15m).")
        var interval: String?

        @Option(name: .long, help: "Quiet time after a change before rescanning (default: 2s).")
        var debounce: String?

        @Option(name: .long, help: "File holding the API's bearer token; required when listening off loopback.")
        var tokenFile: String?

        @Option(name: .long, help: ArgumentHelp(
            "File of push tokens, one a line, each optionally followed by a source glob: they may POST scans to /v1/sources/NAME/scans (scan --push). Default: no pushes.",
            valueName: "file"))
        var pushTokens: String?

        @Option(name: .long, help: "Log level (default: info).")
        var logLevel: Logger.Level?

        @Flag(name: .long, help: "Follow symbolic links that lead outside the watched folders (configuration: follow_symlinks: true).")
        var followSymlinks = false

        func validate() throws {
            if let interval, DurationText.parse(interval) == nil { throw ValidationError("--interval takes a duration such as 30s, 15m or 1h.") }
            if let debounce, DurationText.parse(debounce) == nil { throw ValidationError("--debounce takes a duration such as 500ms or 2s.") }
            if let source, let problem = SourceName.problem(source) { throw ValidationError("--source: \(problem).") }
            if let listen, ListenAddress(listen) == nil { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464.") }
        }

        func run() async throws {
            var configuration = try loadConfiguration()
            if !watch.isEmpty { configuration.watch = watch }
            if let policies { configuration.policies = policies }
            if let db { configuration.database = db }
            if let source { configuration.source = source }
            if let listen { configuration.listen = ListenAddress(listen)! }
            if let interval { configuration.interval = DurationText.parse(interval)! }
            if let debounce { configuration.debounce = DurationText.parse(debounce)! }
            if let tokenFile { configuration.tokenFile = tokenFile }
            if let pushTokens { configuration.pushTokensFile = pushTokens }
            if let logLevel { configuration.logLevel = logLevel }
            if followSymlinks { configuration.followSymlinks = true }
            // Under systemd, `LoadCredential=token:...` hands the token over without making it readable to the service's user.
            if configuration.tokenFile == nil, let credentials = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"],
               FileManager.default.fileExists(atPath: credentials + "/token") {
                configuration.tokenFile = credentials + "/token"
            }

            let level = configuration.logLevel
            LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level) }
            var logger = Logger(label: "modelwarden")
            logger.logLevel = level
            // swift-metrics users (Hummingbird among them) report into the same registry that /metrics serves.
            let metricsRegistry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metricsRegistry))
            do {
                try await ModelwardenDaemon.Daemon(configuration: configuration, version: Modelwarden.version, logger: logger)
                    .run(registry: metricsRegistry)
            } catch let failure as DaemonFailure {
                logger.critical("\(failure.description)")
                throw ExitCode(2)
            } catch {
                logger.critical("stopped by an error: \(error)")
                throw ExitCode(1)
            }
        }

        /// The configuration file: the one named by --config (which must exist), or the default path when it exists.
        func loadConfiguration() throws -> DaemonConfiguration {
            let path = config ?? (FileManager.default.fileExists(atPath: DaemonConfiguration.defaultPath) ? DaemonConfiguration.defaultPath : nil)
            guard let path else { return DaemonConfiguration() }
            let (configuration, diagnostics) = DaemonConfiguration.load(path: path)
            for diagnostic in diagnostics { printError(diagnostic.description) }
            guard let configuration else {
                printError("modelwarden: the configuration \(path) is invalid")
                throw ExitCode(2)
            }
            return configuration
        }
    }
}

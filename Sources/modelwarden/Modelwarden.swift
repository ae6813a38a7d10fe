import ArgumentParser
import Foundation
import Logging
import ModelwardenCore

@main
struct Modelwarden: AsyncParsableCommand {
    static let version = "0.1.0"

    // Every command names itself (`commandName:`): ArgumentParser otherwise derives each name from its type with
    // `String(describing:)`, whose runtime conformance lookups were a tenth of a start's CPU time.
    static let configuration = CommandConfiguration(
        commandName: "modelwarden",
        abstract: "Audit which AI models your deployments use, under which licence, and where their data goes.",
        discussion: """
            Exit codes of gating commands: 0 nothing at or above --fail-on; 1 findings at or above it; \
            2 input or policy set could not be read; 64 usage error.
            """,
        version: version,
        subcommands: [Check.self, Scan.self, Inventory.self, Findings.self, History.self, Report.self, Prune.self, Daemon.self, Policy.self, Rules.self, Explain.self, Init.self]
    )

    /// `check` in its plain spelling skips ArgumentParser's parse (see `Check.init?(plainArguments:)`) and runs as
    /// ArgumentParser runs it, errors included; every other command line is ArgumentParser's.
    static func main() async {
        if let check = Check(plainArguments: Array(CommandLine.arguments.dropFirst())) {
            do {
                try check.run()
            } catch {
                exit(withError: error)
            }
            return
        }
        await main(nil)
    }
}

/// Options every command that reads a policy set shares. The set is layered: the built-in policies, the
/// repository's `.modelwarden.yaml` / `.modelwarden/` (from the scanned paths and the working folder up to the
/// repository root), `--policies` or `$MODELWARDEN_POLICIES`, then `--skip-rule` and `--ignore`.
struct PolicyOptions: ParsableArguments {
    // `Check.init?(plainArguments:)` sets each of these, defaults included: a new option goes there too.
    @Option(name: .long, help: ArgumentHelp(
        "A policy folder shaped like Policies/, or a .modelwarden.yaml-shaped file, layered over the built-in set and the repository's configuration (default: $MODELWARDEN_POLICIES).",
        valueName: "path"))
    var policies: String?

    @Flag(name: .customLong("no-config"), help: "Do not read the repository's .modelwarden.yaml or .modelwarden/ folder.")
    var noConfig = false

    @Option(name: .customLong("skip-rule"), help: ArgumentHelp("Turn a rule off for this run (repeatable).", valueName: "rule-id"))
    var skipRules: [String] = []

    @Option(name: .customLong("ignore"), help: ArgumentHelp("Leave matching paths out of the scan, gitignore-style, relative to the working folder (repeatable).", valueName: "glob"))
    var ignores: [String] = []

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    /// The layers for a run over these paths.
    func source(scanning paths: [String]) -> PolicySource {
        let environment = ProcessInfo.processInfo.environment["MODELWARDEN_POLICIES"].flatMap { $0.isEmpty ? nil : $0 }
        return PolicySource(scanning: paths, explicit: policies ?? environment, readsRepositoryConfiguration: !noConfig,
                            skippedRules: skipRules, ignoredPaths: ignores)
    }

    /// Loads and validates the layered policy set, printing every problem; exits 2 when it is invalid.
    func loadPolicy(scanning paths: [String] = [], logger: Logger) throws -> PolicySet {
        let source = source(scanning: paths)
        let layers = source.layers()
        logger.debug("loading policies", metadata: ["layers": "\(layers.map(\.origin).joined(separator: " + "))"])
        let loaded = PolicyLoader.load(layers: layers)
        // Warnings (an expired waiver) reach the report as findings; errors stop here.
        for diagnostic in loaded.errors { printError(diagnostic.description) }
        guard let policy = loaded.policy else {
            printError("modelwarden: the policy set (\(layers.map(\.origin).joined(separator: " + "))) is invalid (\(loaded.errors.count) errors)")
            throw ExitCode(2)
        }
        return policy
    }

    func makeLogger() -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace
            return handler
        }
        var logger = Logger(label: "modelwarden")
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

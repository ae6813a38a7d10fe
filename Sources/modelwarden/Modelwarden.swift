import ArgumentParser
import Foundation
import Logging
import ModelwardenCore

@main
struct Modelwarden: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "modelwarden",
        abstract: "Audit which AI models your deployments use, under which licence, and where their data goes.",
        discussion: """
            Exit codes of gating commands: 0 nothing at or above --fail-on; 1 findings at or above it; \
            2 input or policy set could not be read; 64 usage error.
            """,
        version: version,
        subcommands: [Check.self, Scan.self, Inventory.self, Findings.self, History.self, Report.self, Daemon.self, Policy.self, Rules.self, Explain.self]
    )
}

/// Options every command that reads a policy set shares.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: "Policy folder (default: $MODELWARDEN_POLICIES, the installed policies, or ./Policies).")
    var policies: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func policyDirectory() throws -> String {
        if let policies { return policies }
        guard let found = PolicyLocator.defaultDirectory() else {
            throw ValidationError("No policy folder found: pass --policies DIR or set MODELWARDEN_POLICIES.")
        }
        return found
    }

    /// Loads and validates the policy set, printing every problem; exits 2 when it is invalid.
    func loadPolicy(logger: Logger) throws -> PolicySet {
        let directory = try policyDirectory()
        logger.debug("loading policies", metadata: ["dir": "\(directory)"])
        let loaded = PolicyLoader.load(from: directory)
        // Warnings (an expired waiver) reach the report as findings; errors stop here.
        for diagnostic in loaded.errors { printError(diagnostic.description) }
        guard let policy = loaded.policy else {
            printError("modelwarden: the policy set in \(directory) is invalid (\(loaded.errors.count) errors)")
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

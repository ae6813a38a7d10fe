import ArgumentParser
import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports

extension OutputFormat: ExpressibleByArgument {}

/// `--fail-on` threshold: a severity, or never.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, info, never

    var severity: Severity? { Severity(rawValue: rawValue) }
}

extension Modelwarden {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan manifests, evaluate the policies and print findings; no database needed.",
            discussion: "Exit 0: nothing at or above --fail-on. 1: findings at or above it. 2: a manifest or the policy set could not be read. 64: usage error.")

        @Argument(help: "Files or folders to scan.")
        var paths: [String]

        @OptionGroup var options: PolicyOptions

        @Option(name: .long, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        var format: OutputFormat = .text

        @Option(name: .long, help: "Write the report to this file instead of standard output.")
        var output: String?

        @Option(name: .long, help: "Lowest severity that fails the run: error, warning, info or never.")
        var failOn: FailOn = .error

        @Flag(name: .long, inversion: .prefixedNo, help: "Colour in text output (default: only on a terminal).")
        var color: Bool?

        func run() throws {
            let logger = options.makeLogger()
            let policy = try options.loadPolicy(logger: logger)
            let started = Date()
            let result = Auditor(policy: policy).audit(paths: paths, logger: logger)
            logger.info("scan finished", metadata: ["files": "\(result.files)", "seconds": "\(Date().timeIntervalSince(started))"])
            let toTerminal = output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            let context = ReportContext(toolVersion: Modelwarden.version, colors: color ?? toTerminal, failOn: failOn.severity)
            let text = format.reporter.render(result, context: context)
            if let output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output))
                } catch {
                    printError("modelwarden: cannot write \(output): \(error.localizedDescription)")
                    throw ExitCode(2)
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            if result.diagnostics.contains(where: { $0.level == .error }) { throw ExitCode(2) }
            if let threshold = failOn.severity, result.findings.contains(where: { $0.status == .open && $0.severity >= threshold }) {
                throw ExitCode(1)
            }
        }
    }
}

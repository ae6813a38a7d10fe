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
            commandName: "check",
            abstract: "Scan manifests, evaluate the policies and print findings; no database needed.",
            discussion: """
                Several --format/--output pairs write several reports in one run: the n-th --output is the file of the \
                n-th --format, and a format without one goes to standard output.
                Exit 0: nothing new at or above --fail-on. 1: findings at or above it. 2: a manifest, the policy set or the \
                baseline could not be read. 64: usage error.
                """)

        // `init?(plainArguments:)` sets each of these, defaults included: a new option goes there too.
        @Argument(help: "Files or folders to scan, or '-' for manifests on standard input (helm template, kubectl get -o yaml|json).")
        var paths: [String]

        @OptionGroup var input: StandardInputOptions

        @OptionGroup var options: PolicyOptions
        @OptionGroup var walk: WalkOptions

        @Option(name: .long, help: "Output format, repeatable: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        var format: [OutputFormat] = []

        @Option(name: .long, help: "File for the report of the --format in the same position.")
        var output: [String] = []

        @Option(name: .long, help: "Lowest severity that fails the run: error, warning, info or never.")
        var failOn: FailOn = .error

        @Option(name: .long, help: "Findings recorded in this baseline are reported as baselined and do not fail the run.")
        var baseline: String?

        @Option(name: .long, help: "Record the current findings' fingerprints in this file.")
        var writeBaseline: String?

        @Flag(name: .long, inversion: .prefixedNo, help: "Colour in text output (default: only on a terminal).")
        var color: Bool?

        @Flag(name: .long, help: "Print every file read with its role (configuration or data) and the reason, before the report.")
        var explainRoles = false

        func validate() throws {
            try input.validate(paths: paths)
            if output.count > max(format.count, 1) {
                throw ValidationError("More --output than --format: give one --format for each --output.")
            }
            if max(format.count, 1) - output.count > 1 {
                throw ValidationError("Only one format can go to standard output: give an --output for the others.")
            }
            let toStandardOutput = (format.isEmpty ? [OutputFormat.text] : format).enumerated().filter { $0.offset >= output.count }.map(\.element)
            if explainRoles, let machine = toStandardOutput.first(where: { $0 != .text }) {
                throw ValidationError("--explain-roles prints to standard output: give an --output for --format \(machine.rawValue).")
            }
        }

        func run() throws {
            let logger = options.makeLogger()
            let policy = try options.loadPolicy(scanning: paths, logger: logger)
            let started = Date()
            let auditor = Auditor(policy: policy, discovery: walk.discovery)
            var result = input.readsStandardInput(paths)
                ? auditor.audit(stream: input.read(limits: auditor.limits)) : auditor.audit(paths: paths, logger: logger)
            logger.info("scan finished", metadata: ["files": "\(result.files)", "seconds": "\(Date().timeIntervalSince(started))"])
            if explainRoles { FileHandle.standardOutput.write(Data(RoleExplanation.text(result.roles).utf8)) }
            if let baseline {
                do {
                    result.applyBaseline(try Baseline.load(baseline).fingerprints)
                } catch {
                    printError("modelwarden: \(error)")
                    throw ExitCode(2)
                }
            }
            if let writeBaseline {
                do {
                    try Baseline(findings: result.findings, on: .today).write(to: writeBaseline)
                } catch {
                    printError("modelwarden: cannot write \(writeBaseline): \(error.localizedDescription)")
                    throw ExitCode(2)
                }
            }
            let exitCode: Int32 = result.diagnostics.contains { $0.level == .error } ? 2 : result.fails(at: failOn.severity) ? 1 : 0

            let formats = format.isEmpty ? [OutputFormat.text] : format
            for (index, format) in formats.enumerated() {
                let file = index < output.count ? output[index] : nil
                let toTerminal = file == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                let context = ReportContext(
                    toolVersion: Modelwarden.version, colors: color ?? toTerminal, failOn: failOn.severity, exitCode: exitCode,
                    scanRoot: scanRoot, pathPrefix: pathPrefix)
                if let file {
                    do {
                        try write(format.reporter, result, context, to: file)
                    } catch {
                        printError("modelwarden: cannot write \(file): \(error.localizedDescription)")
                        throw ExitCode(2)
                    }
                } else {
                    try? write(format.reporter, result, context, to: FileHandle.standardOutput)
                }
            }
            // The process ends here: its exit returns the result's memory at once, where freeing its tens of thousands
            // of objects one by one would keep a core busy after the report is written.
            KeptUntilExit.keep(result)
            if exitCode != 0 { throw ExitCode(exitCode) }
        }

        /// A report can be tens of megabytes: it is written in the pieces the reporter hands on, from their own bytes.
        private func write(_ reporter: any Reporter, _ result: AuditResult, _ context: ReportContext, to path: String) throws {
            // Creating (or emptying) the file first gives the usual error for a missing folder or a read-only file.
            try Data().write(to: URL(fileURLWithPath: path))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try write(reporter, result, context, to: handle)
        }

        private func write(_ reporter: any Reporter, _ result: AuditResult, _ context: ReportContext, to handle: FileHandle) throws {
            try reporter.render(result, context: context) { piece in
                var piece = piece
                try piece.withUTF8 { try handle.write(contentsOf: UnsafeRawBufferPointer($0)) }
            }
        }

        /// The folder file paths are relative to, when one folder is scanned.
        private var scanRoot: String? {
            guard paths.count == 1, !input.readsStandardInput(paths) else { return FileManager.default.currentDirectoryPath }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: paths[0], isDirectory: &isDirectory) else { return FileManager.default.currentDirectoryPath }
            let url = URL(fileURLWithPath: paths[0]).standardizedFileURL
            return isDirectory.boolValue ? url.path : url.deletingLastPathComponent().path
        }

        /// For annotations, paths relative to the working folder: the scanned folder as given, then the file.
        private var pathPrefix: String {
            guard paths.count == 1, !input.readsStandardInput(paths) else { return "" }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: paths[0], isDirectory: &isDirectory) else { return "" }
            var root = isDirectory.boolValue ? paths[0] : (paths[0] as NSString).deletingLastPathComponent
            while root.hasPrefix("./") { root.removeFirst(2) }
            if root == "." || root.isEmpty { return "" }
            return root.hasSuffix("/") ? root : root + "/"
        }
    }
}

/// A value kept until the process exits, so that its memory is not freed object by object just before the exit.
private final class KeptUntilExit<Value> {
    let value: Value

    private init(_ value: Value) { self.value = value }

    static func keep(_ value: Value) { _ = Unmanaged.passRetained(KeptUntilExit(value)) }
}

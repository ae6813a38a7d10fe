import ArgumentParser
import Foundation
import ModelwardenCore
import ModelwardenManifests

/// `-` as the path and `--stdin-name`, shared by the commands that scan (`check`, `scan`, `report`).
struct StandardInputOptions: ParsableArguments {
    // `Check.init?(plainArguments:)` sets each of these, defaults included: a new option goes there too.
    @Option(name: .long, help: "File name findings use for manifests read from standard input (path '-').")
    var stdinName: String = StandardInputStream.defaultName

    /// Whether the paths ask for standard input; `-` stands alone, so its findings have one unambiguous root.
    func readsStandardInput(_ paths: [String]) -> Bool {
        paths.contains(StandardInputStream.argument)
    }

    func validate(paths: [String]) throws {
        if readsStandardInput(paths) && paths.count > 1 {
            throw ValidationError("'-' (standard input) cannot be combined with other paths: scan the stream and the folders in separate runs.")
        }
        // The name is a SARIF artifact URI relative to the working folder.
        if stdinName.isEmpty || stdinName.hasPrefix("/") || stdinName.contains(where: { "<>\\".contains($0) || $0.isNewline })
            || stdinName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--stdin-name takes a relative file name such as 'cluster.yaml' (no leading '/', no angle brackets, backslashes or control characters).")
        }
    }

    /// Reads the whole stream, within the scan limits.
    func read(limits: ScanLimits) -> StandardInputStream {
        if isatty(STDIN_FILENO) == 1 { printError("modelwarden: reading manifests from standard input (end with Ctrl-D)") }
        return StandardInputStream.read(name: stdinName, limits: limits)
    }

    /// The stream, or exit 2 when it cannot be read at all: a recorded scan would mark every usage of the previous stream
    /// as gone, and a report would look like an estate without models.
    func readOrExit(limits: ScanLimits, nothingDone: String) throws -> StandardInputStream {
        let stream = read(limits: limits)
        guard stream.isReadable else {
            for diagnostic in stream.diagnostics { printError(diagnostic.description) }
            printError("modelwarden: standard input could not be read; \(nothingDone)")
            throw ExitCode(2)
        }
        return stream
    }
}

import Foundation
import ModelwardenCore

/// Finds the manifest files under the given paths, without following symlink loops.
public enum Discovery {
    public struct Candidate: Sendable {
        /// Relative to the scanned folder (or the path as given for a file argument).
        public var path: String
        public var absolutePath: String

        public init(path: String, absolutePath: String) {
            self.path = path
            self.absolutePath = absolutePath
        }
    }

    static let skippedFiles: Set<String> = ["package.json", "package-lock.json", "tsconfig.json", "composer.json", "composer.lock", "renovate.json", ".eslintrc.json"]
    public static let skippedFolders: Set<String> = [".git", ".hg", ".svn", "node_modules", ".build", ".venv", "venv", "__pycache__", ".terraform", ".idea", ".vscode"]

    /// Whether a file name is one the scanners read.
    public static func isCandidate(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") || EnvFileScanner.isEnvFileName(name)
            || TerraformScanner.isTerraformFileName(name)
            || ModelfileScanner().acceptsText(ManifestFile(path: name, absolutePath: name, text: ""))
    }

    /// Model files read for what they declare: GGUF weights (header only) and a Hugging Face model card
    /// (README.md in a folder holding config.json).
    static func isModelFile(_ name: String, besides names: [String]) -> Bool {
        GGUFScanner.claims(name) || (name == "README.md" && names.contains("config.json"))
    }

    public static func discover(_ paths: [String]) -> (candidates: [Candidate], diagnostics: [Diagnostic]) {
        var candidates: [Candidate] = []
        var diagnostics: [Diagnostic] = []
        let fm = FileManager.default
        for root in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: root, isDirectory: &isDirectory) else {
                let broken = (try? fm.destinationOfSymbolicLink(atPath: root)) != nil
                diagnostics.append(Diagnostic(SourceLocation(file: root, line: 1, column: 1), broken ? "broken symbolic link" : "no such file or folder"))
                continue
            }
            if !isDirectory.boolValue {
                // A file named on the command line is always scanned.
                candidates.append(Candidate(path: (root as NSString).lastPathComponent, absolutePath: root))
                continue
            }
            let prefix = paths.count > 1 ? standardized(root) : ""
            var visited = Set<String>()
            walk(root, relative: prefix, visited: &visited, into: &candidates, diagnostics: &diagnostics)
        }
        return (candidates, diagnostics)
    }

    private static func standardized(_ path: String) -> String {
        var trimmed = path
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed == "." ? "" : trimmed
    }

    private static func walk(_ folder: String, relative: String, visited: inout Set<String>, into candidates: inout [Candidate], diagnostics: inout [Diagnostic]) {
        let fm = FileManager.default
        let real = (folder as NSString).resolvingSymlinksInPath
        guard visited.insert(real).inserted else {
            diagnostics.append(Diagnostic(SourceLocation(file: relative.isEmpty ? folder : relative, line: 1, column: 1), "symbolic link loop: folder already scanned as \(real)", level: .warning))
            return
        }
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            diagnostics.append(Diagnostic(SourceLocation(file: relative.isEmpty ? folder : relative, line: 1, column: 1), "cannot read folder: permission denied or not readable"))
            return
        }
        for name in names {
            let absolute = (folder as NSString).appendingPathComponent(name)
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
                if (try? fm.destinationOfSymbolicLink(atPath: absolute)) != nil, isCandidate(name) {
                    diagnostics.append(Diagnostic(SourceLocation(file: path, line: 1, column: 1), "broken symbolic link or symbolic link loop", level: .warning))
                }
                continue
            }
            if isDirectory.boolValue {
                if skippedFolders.contains(name) { continue }
                walk(absolute, relative: path, visited: &visited, into: &candidates, diagnostics: &diagnostics)
            } else if (isCandidate(name) || isModelFile(name, besides: names)) && !skippedFiles.contains(name) {
                candidates.append(Candidate(path: path, absolutePath: absolute))
            }
        }
    }
}

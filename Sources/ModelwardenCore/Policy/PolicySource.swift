import Foundation

/// Where the effective policy set comes from, in the order the layers apply (like Trivy's and Checkov's
/// config files): the built-in set; the repository's `.modelwarden/` folders and `.modelwarden.yaml` files
/// found from the working folder and from each scanned path upwards to the repository root, outermost
/// first; `--policies` (or `$MODELWARDEN_POLICIES`); then flags. Loading again (SIGHUP) reads the same places.
public struct PolicySource: Sendable {
    public var scannedPaths: [String]
    public var workingDirectory: String
    /// A folder shaped like `Policies/`, or a `.modelwarden.yaml`-shaped file.
    public var explicit: String?
    public var readsRepositoryConfiguration: Bool
    public var skippedRules: [String]
    /// gitignore-style globs relative to the working folder.
    public var ignoredPaths: [String]

    public static let configurationFileNames = [".modelwarden.yaml", ".modelwarden.yml"]
    public static let configurationFolderName = ".modelwarden"

    public init(scanning paths: [String], workingDirectory: String = FileManager.default.currentDirectoryPath, explicit: String? = nil,
                readsRepositoryConfiguration: Bool = true, skippedRules: [String] = [], ignoredPaths: [String] = []) {
        self.scannedPaths = paths
        self.workingDirectory = workingDirectory
        self.explicit = explicit
        self.readsRepositoryConfiguration = readsRepositoryConfiguration
        self.skippedRules = skippedRules
        self.ignoredPaths = ignoredPaths
    }

    public func load(today: PolicyDate = .today) -> PolicyLoader.Result {
        PolicyLoader.load(layers: layers(), today: today)
    }

    public func layers() -> [PolicyLayer] {
        var layers = [PolicyLayer.builtin]
        if readsRepositoryConfiguration {
            layers += Self.repositoryLayers(around: scannedPaths, workingDirectory: workingDirectory)
        }
        if let explicit { layers.append(Self.explicitLayer(explicit)) }
        if !skippedRules.isEmpty || !ignoredPaths.isEmpty { layers.append(flagLayer()) }
        return layers
    }

    static func explicitLayer(_ path: String) -> PolicyLayer {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return .configuration(path)
        }
        return .folder(path)
    }

    private func flagLayer() -> PolicyLayer {
        var layer = PolicyLayer(kind: .flags, origin: "command line", files: [], baseFolder: workingDirectory)
        layer.ruleSettings = skippedRules.map {
            RuleSetting(rule: $0, enabled: false, severity: nil, location: SourceLocation(file: "--skip-rule", line: 1, column: 1))
        }
        layer.ignores = ignoredPaths.map {
            IgnoreGlob(base: PolicyLayer.absolute(workingDirectory), pattern: $0, location: SourceLocation(file: "--ignore", line: 1, column: 1))
        }
        return layer
    }

    /// The repository configurations that apply to a scan of these paths, outermost folder first.
    public static func repositoryLayers(around paths: [String], workingDirectory: String) -> [PolicyLayer] {
        var layers: [PolicyLayer] = []
        for folder in configurationFolders(around: paths, workingDirectory: workingDirectory) {
            let fm = FileManager.default
            var isDirectory: ObjCBool = false
            let policyFolder = (folder as NSString).appendingPathComponent(configurationFolderName)
            if fm.fileExists(atPath: policyFolder, isDirectory: &isDirectory), isDirectory.boolValue {
                let shown = RepositoryConfiguration.relativeToWorkingFolder(policyFolder)
                layers.append(.folder(shown, origin: shown + "/"))
            }
            for name in configurationFileNames {
                let file = (folder as NSString).appendingPathComponent(name)
                if fm.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue {
                    layers.append(.configuration(RepositoryConfiguration.relativeToWorkingFolder(file)))
                }
            }
        }
        return layers
    }

    /// Every folder from each start (the working folder, each scanned folder or a scanned file's folder) up to the
    /// repository root (the first folder holding `.git`). Outside a repository, only the start itself.
    static func configurationFolders(around paths: [String], workingDirectory: String) -> [String] {
        let fm = FileManager.default
        var starts = [PolicyLayer.absolute(workingDirectory)]
        for path in paths where path != "-" {
            var isDirectory: ObjCBool = false
            let absolute = PolicyLayer.absolute(path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path))
            guard fm.fileExists(atPath: absolute, isDirectory: &isDirectory) else { continue }
            starts.append(isDirectory.boolValue ? absolute : (absolute as NSString).deletingLastPathComponent)
        }
        var folders = Set<String>()
        for start in starts {
            var chain = [start]
            var folder = start
            while !fm.fileExists(atPath: (folder as NSString).appendingPathComponent(".git")) {
                let parent = (folder as NSString).deletingLastPathComponent
                if parent == folder || parent.isEmpty {
                    chain = [start]
                    break
                }
                folder = parent
                chain.append(folder)
            }
            folders.formUnion(chain)
        }
        return folders.sorted { a, b in
            let depthA = a.split(separator: "/").count, depthB = b.split(separator: "/").count
            return depthA != depthB ? depthA < depthB : a < b
        }
    }
}

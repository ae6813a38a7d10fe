import Foundation
import ModelwardenBuiltinPolicies

/// One file of a policy layer, read into memory.
public struct PolicyFile: Sendable {
    /// Path inside a policy folder (`rules/default.yaml`), or the file name of a configuration file.
    public var relativePath: String
    /// How diagnostics and `policy show` name it: `<built-in>/rules/default.yaml`, `Deployments/.modelwarden.yaml`.
    public var displayPath: String
    public var bytes: [UInt8]
    /// The built-in files' one YAML document, parsed when the executable was built (`YAMLCompact`), so a start
    /// never runs libyaml over the shipped set; nil for files read at run time.
    public var compactTree: String?

    public init(relativePath: String, displayPath: String, bytes: [UInt8], compactTree: String? = nil) {
        self.relativePath = relativePath
        self.displayPath = displayPath
        self.bytes = bytes
        self.compactTree = compactTree
    }
}

/// A rule turned off or given another severity by a configuration file or a flag.
public struct RuleSetting: Sendable {
    public var rule: String
    /// nil: leave as is; false: the rule never fires; true: turned on again after a lower layer turned it off.
    public var enabled: Bool?
    public var severity: Severity?
    public var location: SourceLocation

    public init(rule: String, enabled: Bool?, severity: Severity?, location: SourceLocation) {
        self.rule = rule
        self.enabled = enabled
        self.severity = severity
        self.location = location
    }
}

/// A path glob that keeps files out of a scan, relative to the folder of the configuration that declares it.
public struct IgnoreGlob: Sendable, Equatable {
    /// Absolute folder the pattern is relative to.
    public var base: String
    /// gitignore-style: `*`, `**`, a leading `/` anchors to `base`, a trailing `/` names folders.
    public var pattern: String
    public var location: SourceLocation

    public init(base: String, pattern: String, location: SourceLocation) {
        self.base = base
        self.pattern = pattern
        self.location = location
    }
}

/// One layer of the effective policy set. Layers apply in order: the built-in set, the repository's
/// `.modelwarden/` folders and `.modelwarden.yaml` files from the outermost in, `--policies`, then flags.
/// Catalog entries, licences, providers and rules of a later layer replace earlier ones with the same id;
/// organisation keys replace the same keys; waivers and ignores add up.
public struct PolicyLayer: Sendable {
    public enum Kind: String, Sendable {
        /// Shaped like `Policies/`: licenses/, providers/, models/, rules/, organization.yaml, waivers.yaml.
        case folder
        /// A `.modelwarden.yaml`: organization, waivers, rules, ignore.
        case configuration
        /// Settings from the command line.
        case flags
    }

    public var kind: Kind
    /// Where it comes from, as `policy show` prints it.
    public var origin: String
    /// Folder layers: every file; configuration layers: the one file.
    public var files: [PolicyFile]
    /// Absolute folder that relative paths in a configuration are resolved against.
    public var baseFolder: String
    /// Flag layers only.
    public var ruleSettings: [RuleSetting] = []
    public var ignores: [IgnoreGlob] = []
    /// A folder or file that could not be read; the loader reports it.
    public var unreadable: String?
    /// The set compiled into the executable: validated by the test suite, so its patterns compile on first use.
    public var isBuiltIn = false

    public init(kind: Kind, origin: String, files: [PolicyFile], baseFolder: String) {
        self.kind = kind
        self.origin = origin
        self.files = files
        self.baseFolder = baseFolder
    }

    /// The files of one subfolder (`licenses`), in name order.
    func files(in folder: String) -> [PolicyFile] {
        files.filter {
            $0.relativePath.hasPrefix(folder + "/") && !$0.relativePath.dropFirst(folder.count + 1).contains("/")
                && ($0.relativePath.hasSuffix(".yaml") || $0.relativePath.hasSuffix(".yml"))
        }.sorted { $0.relativePath < $1.relativePath }
    }

    func file(_ relativePath: String) -> PolicyFile? {
        files.first { $0.relativePath == relativePath }
    }

    /// The shipped `Policies/` compiled into the executable.
    public static let builtin: PolicyLayer = {
        var layer = PolicyLayer(
            kind: .folder, origin: "built-in",
            files: BuiltinPolicies.files.map {
                PolicyFile(relativePath: $0.path, displayPath: "<built-in>/\($0.path)", bytes: Array($0.text.utf8), compactTree: $0.tree)
            },
            baseFolder: "/")
        layer.isBuiltIn = true
        return layer
    }()

    /// A folder shaped like `Policies/`, read from disk now.
    public static func folder(_ path: String, origin: String? = nil) -> PolicyLayer {
        let fm = FileManager.default
        var layer = PolicyLayer(kind: .folder, origin: origin ?? path, files: [], baseFolder: absolute(path))
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            layer.unreadable = path
            return layer
        }
        let known = ["organization.yaml", "waivers.yaml"] + ["licenses", "providers", "models", "rules"].flatMap { sub in
            ((try? fm.contentsOfDirectory(atPath: (path as NSString).appendingPathComponent(sub))) ?? []).map { "\(sub)/\($0)" }
        }
        for relative in known.sorted() {
            let full = (path as NSString).appendingPathComponent(relative)
            guard let data = fm.contents(atPath: full) else { continue }
            let bytes = Array(data)
            // A file byte for byte the shipped one (a copy of `Policies/`) takes the tree parsed when the executable was
            // built: its text decides, whatever folder it lies in.
            let shipped = builtinFiles[relative].flatMap { $0.bytes == bytes ? $0.compactTree : nil }
            layer.files.append(PolicyFile(relativePath: relative, displayPath: full, bytes: bytes, compactTree: shipped))
        }
        return layer
    }

    /// The built-in files by their path inside `Policies/`.
    private static let builtinFiles: [String: PolicyFile] = Dictionary(builtin.files.map { ($0.relativePath, $0) }, uniquingKeysWith: { first, _ in first })

    /// A `.modelwarden.yaml`, read from disk now.
    public static func configuration(_ path: String) -> PolicyLayer {
        let base = (absolute(path) as NSString).deletingLastPathComponent
        var layer = PolicyLayer(kind: .configuration, origin: path, files: [], baseFolder: base)
        guard let data = FileManager.default.contents(atPath: path) else {
            layer.unreadable = path
            return layer
        }
        layer.files = [PolicyFile(relativePath: (path as NSString).lastPathComponent, displayPath: path, bytes: Array(data))]
        return layer
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }
}

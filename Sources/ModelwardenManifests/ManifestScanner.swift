import ModelwardenCore
import ModelwardenYAML

/// One manifest format. YAML scanners get each parsed document; text scanners get the file.
public protocol ManifestScanner: Sendable {
    /// A short name for diagnostics and `--help`.
    var format: String { get }
    /// Whether the scanner reads this file as text (env files) rather than as YAML documents.
    func acceptsText(_ file: ManifestFile) -> Bool
    /// Whether the scanner reads this YAML document.
    func accepts(_ document: YAMLNode) -> Bool
    /// Whether the scanner reads this YAML document of this file: formats known by their file name and content.
    func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool
    func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan)
    func scanText(_ file: ManifestFile, into result: inout FileScan)
}

extension ManifestScanner {
    public func acceptsText(_ file: ManifestFile) -> Bool { false }
    public func accepts(_ document: YAMLNode) -> Bool { false }
    public func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool { accepts(document) }
    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {}
    public func scanText(_ file: ManifestFile, into result: inout FileScan) {}
}

/// The scanners of this release, tried in order; the first that accepts a document reads it.
public enum ScannerRegistry {
    public static let all: [any ManifestScanner] = [
        KubernetesScanner(),
        ComposeScanner(),
        LiteLLMScanner(),
        // Tools' own configs, known by file name and content.
        CrewAIScanner(),
        AiderScanner(),
        PromptfooScanner(),
        GitHubActionsScanner(),
        GitLabCIScanner(),
        HaystackPipelineScanner(),
        LangChainYAMLScanner(),
        LibreChatScanner(),
        GooseScanner(),
        EnvFileScanner(),
        ModelfileScanner(),
        ModelCardScanner(),
        LocalAIScanner(),
        TerraformScanner(),
        DockerfileScanner(),
        ShellScriptScanner(),
        AutoGenScanner(),
        TOMLConfigScanner(),
        // Last: claims any YAML or JSON document the others leave.
        ValuesScanner(),
    ]
}

/// Reads labels and annotations (maps of strings) from a metadata-like node.
func stringMap(_ node: YAMLNode?) -> [String: String] {
    var result: [String: String] = [:]
    if let pairs = node?.pairs {
        for pair in pairs {
            if let key = pair.key.scalar, let value = pair.value.scalar { result[key] = value }
        }
    } else if let items = node?.sequence {
        // compose `labels: ["key=value"]`
        for item in items {
            guard let text = item.scalar, let eq = text.firstIndex(of: "=") else { continue }
            result[String(text[..<eq])] = String(text[text.index(after: eq)...])
        }
    }
    return result
}

/// Strings of a scalar or a list of scalars (`command`, `args`).
func locatedStrings(_ node: YAMLNode?) -> [Located] {
    guard let node else { return [] }
    if let items = node.sequence { return items.compactMap { Located($0) } }
    return Located(node).map { [$0] } ?? []
}

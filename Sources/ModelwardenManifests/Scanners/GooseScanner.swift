import ModelwardenCore
import ModelwardenYAML

/// Goose `config.yaml`: `GOOSE_MODEL` is sent to the provider `GOOSE_PROVIDER` names (`anthropic`, `openai` with
/// `OPENAI_HOST`, `ollama`, `codex`, ...); the other top-level variables are its settings. Extensions are tools.
public struct GooseScanner: ManifestScanner {
    public let format = "goose"

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        document["GOOSE_MODEL"] != nil || document["GOOSE_PROVIDER"] != nil
    }

    /// Goose provider ids and the variable stem the analyser knows them by.
    static let providerStems: [String: String] = [
        "anthropic": "ANTHROPIC", "claude-code": "ANTHROPIC", "openai": "OPENAI", "codex": "OPENAI", "chatgpt_codex": "OPENAI",
        "google": "GEMINI", "gemini-cli": "GEMINI", "gcp_vertex_ai": "VERTEX", "aws_bedrock": "BEDROCK", "azure_openai": "AZURE_OPENAI",
        "ollama": "OLLAMA", "groq": "GROQ", "openrouter": "OPENROUTER", "xai": "XAI", "mistral": "MISTRAL",
    ]

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let provider = document["GOOSE_PROVIDER"]?.string?.lowercased() ?? ""
        let stem = GooseScanner.providerStems[provider]
        var env: [EnvVar] = []
        for pair in document.pairs ?? [] {
            guard let name = pair.key.scalar, name != "GOOSE_PROVIDER", ValuesScanner.isEnvName(name),
                  let nameLocation = Located(pair.key) else { continue }
            let renamed = name == "GOOSE_MODEL" ? (stem.map { "\($0)_MODEL" } ?? "MODEL_0") : name
            env.append(EnvVar(name: renamed, nameLocation: nameLocation, value: Located(pair.value)))
        }
        guard env.contains(where: { $0.name.hasSuffix("MODEL") || $0.name == "MODEL_0" }) else { return }
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Goose", namespace: nil, name: folder ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [ContainerSpec(name: "goose", env: env)]))
    }
}

extension GooseScanner {
    /// Goose's config: its `GOOSE_*` settings, a `goose` folder, or extensions written in Goose's shape (`type` and
    /// `cmd` or `uri`).
    static func isGooseConfig(_ document: YAMLNode, file: ManifestFile) -> Bool {
        if document["GOOSE_MODEL"] != nil || document["GOOSE_PROVIDER"] != nil { return true }
        if file.path.lowercased().split(separator: "/").dropLast().last == "goose" { return true }
        return (document["extensions"]?.pairs ?? []).contains { pair in
            ["stdio", "sse", "streamable_http", "builtin"].contains(pair.value["type"]?.string ?? "")
                && (pair.value["cmd"] != nil || pair.value["uri"] != nil || pair.value["bundled"] != nil)
        }
    }

    /// Goose `extensions:` that are MCP servers (`stdio` with `cmd` and `args`, `sse` or `streamable_http` with `uri`);
    /// built-in extensions run inside Goose itself and are not servers.
    static func extensions(_ mapping: YAMLNode, file: ManifestFile) -> [ToolServer] {
        (mapping.pairs ?? []).compactMap { pair in
            guard let name = pair.key.scalar, let type = pair.value["type"]?.string, ["stdio", "sse", "streamable_http"].contains(type),
                  MCPServerEntry.isServer(pair.value) else { return nil }
            return MCPServerEntry.server(named: name, at: file.location(pair.key.mark), entry: pair.value, client: "goose")
        }
    }
}

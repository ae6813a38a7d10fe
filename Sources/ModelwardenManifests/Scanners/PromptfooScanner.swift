import ModelwardenCore
import ModelwardenYAML

/// promptfoo `promptfooconfig.yaml`: each entry of `providers:` (a string or `{id, config}`) and the grader in
/// `defaultTest.options.provider` is a model the eval calls, written `provider:model` (`openai:gpt-4o`,
/// `anthropic:messages:claude-...`, `ollama:chat:llama3`, `bedrock:...`, `azure:chat:...`). An id with no model
/// (`openai` with a `baseUrl`) is that provider or server with the model unnamed; `echo`, scripts and URLs are not models.
public struct PromptfooScanner: ManifestScanner {
    public let format = "promptfoo"

    public init() {}

    public func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool {
        let base = file.name.lowercased()
        let named = base.hasPrefix("promptfooconfig") || base.hasSuffix(".promptfooconfig.yaml")
        return named && (document["providers"] != nil || document["targets"] != nil)
    }

    static let urlKeys = ["apiBaseUrl", "baseUrl", "apiHost", "base_url", "apiBase"]
    static let notModels = ["echo", "exec:", "python:", "file:", "http:", "https:", "webhook:", "sequence", "golang:", "script:"]

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        var entries: [YAMLNode] = (document["providers"] ?? document["targets"]).map { $0.sequence ?? [$0] } ?? []
        if let grader = document["defaultTest"]?["options"]?["provider"] { entries.append(grader) }
        var containers: [ContainerSpec] = []
        var direct: [Usage] = []
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Promptfoo", namespace: nil, name: folder ?? file.name)
        for entry in entries {
            guard let id = Located(entry) ?? Located(entry["id"]) else { continue }
            let lower = id.text.lowercased()
            if PromptfooScanner.notModels.contains(where: { lower.hasPrefix($0) }) { continue }
            let url = PromptfooScanner.urlKeys.lazy.compactMap { Located(entry["config"]?[$0]) }.first
            guard id.text.contains(":") else {
                // `openai` alone: that API, or the server its base URL names, with the model unnamed.
                direct.append(PromptfooScanner.unnamedModel(provider: lower, url: url, at: id, ref: ref, file: file))
                continue
            }
            var env = [EnvVar(name: "MODEL_0", nameLocation: id, value: id)]
            if let url { env.append(EnvVar(name: "BASE_URL", nameLocation: url, value: url)) }
            containers.append(ContainerSpec(name: id.text, env: env))
        }
        guard !containers.isEmpty || !direct.isEmpty else { return }
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.usages += direct
        if !containers.isEmpty { result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers)) }
    }

    static func unnamedModel(provider: String, url: Located?, at id: Located, ref: DeploymentRef, file: ManifestFile) -> Usage {
        let location = file.location(id)
        if let url, let host = EndpointClassifier.host(of: url.text)?.host, EndpointClassifier.isInHouse(host) {
            return Usage(deployment: ref, model: nil, location: location, hosting: .selfHosted, runtime: "unknown", evidence: "providers \(provider)")
        }
        let api = ["openai": "openai", "anthropic": "anthropic", "azure": "azure-openai", "bedrock": "aws-bedrock", "vertex": "google-vertex-ai",
                   "google": "google-gemini-api", "mistral": "mistral", "groq": "groq", "openrouter": "openrouter"][provider] ?? "openai-compatible"
        return Usage(deployment: ref, model: nil, location: location, hosting: .externalAPI, api: api, evidence: "providers \(provider)")
    }
}

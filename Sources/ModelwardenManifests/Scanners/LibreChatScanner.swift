import ModelwardenCore
import ModelwardenYAML

/// LibreChat `librechat.yaml`: each `endpoints.custom[]` entry sends its `models.default` list, `titleModel` and
/// `summaryModel` to its `baseURL`; `endpoints.azureOpenAI.groups[]` name Azure OpenAI models as the keys of
/// `models:` (a `deploymentName` is the customer's alias); `modelSpecs.list[].preset` picks a model of an endpoint.
/// `fetch: true` with no default list leaves the models to the server: the endpoint is used, its model unnamed.
/// `memory.agent` (a provider and a model) and `speech.stt`/`speech.tts` (a model per provider) call models too.
public struct LibreChatScanner: ManifestScanner {
    public let format = "librechat"

    public init() {}

    public func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool {
        let base = file.name.lowercased()
        return base.hasPrefix("librechat") && (base.hasSuffix(".yaml") || base.hasSuffix(".yml")) && document["endpoints"]?.isMapping == true
    }

    /// LibreChat's built-in endpoint names and the stem the analyser knows each provider by.
    static let builtInStems: [String: String] = ["openai": "OPENAI", "azureopenai": "AZURE_OPENAI", "anthropic": "ANTHROPIC", "google": "GEMINI",
                                                 "bedrock": "BEDROCK", "assistants": "OPENAI", "azureassistants": "AZURE_OPENAI"]

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let endpoints = document["endpoints"]
        var containers: [ContainerSpec] = []
        var customURLs: [String: Located] = [:]
        for entry in endpoints?["custom"]?.sequence ?? [] {
            let name = entry["name"]?.string ?? "custom"
            let url = Located(entry["baseURL"])
            if let url { customURLs[name.lowercased()] = url }
            var env: [EnvVar] = url.map { [EnvVar(name: "BASE_URL", nameLocation: $0, value: $0)] } ?? []
            let listed = (entry["models"]?["default"]?.sequence ?? []).compactMap { Located($0) }
            for model in listed + ["titleModel", "summaryModel"].compactMap({ Located(entry[$0]) }) where model.text != "current_model" {
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: model, value: model))
            }
            containers.append(ContainerSpec(name: name, env: env))
        }
        for group in endpoints?["azureOpenAI"]?["groups"]?.sequence ?? [] {
            var env: [EnvVar] = []
            for pair in group["models"]?.pairs ?? [] where pair.value.bool != false {
                if let model = Located(pair.key) { env.append(EnvVar(name: "AZURE_OPENAI_MODEL_\(env.count)", nameLocation: model, value: model)) }
            }
            if !env.isEmpty { containers.append(ContainerSpec(name: group["group"]?.string ?? "azureOpenAI", env: env)) }
        }
        for spec in document["modelSpecs"]?["list"]?.sequence ?? [] {
            guard let preset = spec["preset"], let model = Located(preset["model"]), let endpoint = preset["endpoint"]?.string else { continue }
            var env = [EnvVar(name: "MODEL_0", nameLocation: model, value: model)]
            if let url = customURLs[endpoint.lowercased()] {
                env.append(EnvVar(name: "BASE_URL", nameLocation: url, value: url))
            } else if let stem = LibreChatScanner.builtInStems[endpoint.lowercased()] {
                env = env.named(forStem: stem)
            }
            containers.append(ContainerSpec(name: spec["name"]?.string ?? endpoint, env: env))
        }
        containers += Self.agentAndSpeech(document)
        containers.removeAll { container in !container.env.contains { $0.name.includes("MODEL") || $0.name == "BASE_URL" } }
        guard !containers.isEmpty else { return }
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "LibreChat", namespace: nil, name: folder ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }

    /// The memory agent's model, and the speech-to-text and text-to-speech models, each under its provider.
    static func agentAndSpeech(_ document: YAMLNode) -> [ContainerSpec] {
        var containers: [ContainerSpec] = []
        func add(_ name: String, provider: String, _ node: YAMLNode?) {
            guard let model = Located(node?["model"]) else { return }
            var env = [EnvVar(name: "MODEL_0", nameLocation: model, value: model)]
            if let stem = builtInStems[provider.lowercased()] {
                env = env.named(forStem: stem)
            } else if let url = Located(node?["url"]) ?? Located(node?["baseURL"]) {
                env.append(EnvVar(name: "BASE_URL", nameLocation: url, value: url))
            } else {
                return  // a provider the analyser cannot place (ElevenLabs, a local engine without a URL)
            }
            containers.append(ContainerSpec(name: name, env: env))
        }
        if let agent = document["memory"]?["agent"], let provider = agent["provider"]?.string {
            add("memory-agent", provider: provider, agent)
        }
        for direction in ["stt", "tts"] {
            for pair in document["speech"]?[direction]?.pairs ?? [] {
                guard let provider = pair.key.string else { continue }
                add("speech-\(direction)-\(provider)", provider: provider, pair.value)
            }
        }
        return containers
    }
}

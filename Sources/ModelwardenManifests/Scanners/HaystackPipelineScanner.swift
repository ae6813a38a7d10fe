import ModelwardenCore
import ModelwardenYAML

/// Haystack pipelines serialised as YAML: 2.x `components: {name: {type: <class path>, init_parameters: {...}}}` and
/// 1.x `components: [{name, type, params}]`. The component's class says where its model runs (`OpenAIChatGenerator`,
/// `AzureOpenAIGenerator` with `azure_deployment`, `OllamaGenerator` with `url`, `SentenceTransformersTextEmbedder`
/// in the process itself); `model`, `model_name_or_path` and `azure_deployment` name the model.
public struct HaystackPipelineScanner: ManifestScanner {
    public let format = "haystack-pipeline"

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        !HaystackPipelineScanner.components(document).isEmpty && (document["connections"] != nil || document["pipelines"] != nil)
    }

    /// Each component: its name, class and parameters.
    static func components(_ document: YAMLNode) -> [(name: String, type: String, parameters: YAMLNode)] {
        if let pairs = document["components"]?.pairs {
            return pairs.compactMap { pair in
                guard let name = pair.key.scalar, let type = pair.value["type"]?.string, let parameters = pair.value["init_parameters"] else { return nil }
                return (name, type, parameters)
            }
        }
        return (document["components"]?.sequence ?? []).compactMap { item in
            guard let name = item["name"]?.string, let type = item["type"]?.string, let parameters = item["params"] else { return nil }
            return (name, type, parameters)
        }
    }

    static let modelKeys = ["model", "model_name_or_path", "azure_deployment", "model_name", "model_id"]
    static let urlKeys = ["url", "api_base_url", "azure_endpoint", "base_url", "api_base"]

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        var containers: [ContainerSpec] = []
        for component in HaystackPipelineScanner.components(document) {
            let parameters = component.parameters
            // `api_params: {model: ..., url: ...}` of the Hugging Face API components.
            let holders = [parameters, parameters["api_params"]].compactMap { $0 }
            var env: [EnvVar] = []
            for holder in holders {
                for key in HaystackPipelineScanner.modelKeys {
                    if let model = Located(holder[key]) { env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: model, value: model)) }
                }
                for key in HaystackPipelineScanner.urlKeys {
                    if let url = Located(holder[key]), url.text.includes("://") { env.append(EnvVar(name: "BASE_URL", nameLocation: url, value: url)) }
                }
            }
            guard env.contains(where: { $0.name.hasPrefix("MODEL_") }) else { continue }
            let client = ClientClass.of(component.type)
            if let stem = client.stem { env = env.named(forStem: stem) }
            containers.append(ContainerSpec(name: component.name, env: env, runtimeHint: client.runtime))
        }
        guard !containers.isEmpty else { return }
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Pipeline", namespace: folder, name: file.name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }
}

/// Where a client class of an LLM framework sends its model, by a word of its name (`AzureOpenAIGenerator`,
/// `ChatAnthropic`, `OllamaChatGenerator`, `SentenceTransformersTextEmbedder`): a provider's variable stem, or the
/// runtime of a model run locally.
enum ClientClass {
    /// Checked in order: `azure` before `openai`.
    static let stems: [(word: String, stem: String)] = [
        ("azure", "AZURE_OPENAI"), ("openai", "OPENAI"), ("anthropic", "ANTHROPIC"), ("claude", "ANTHROPIC"), ("bedrock", "BEDROCK"),
        ("vertex", "VERTEX"), ("gemini", "GEMINI"), ("googleai", "GEMINI"), ("googlegenai", "GEMINI"), ("cohere", "COHERE"),
        ("mistral", "MISTRAL"), ("groq", "GROQ"),
    ]
    static let runtimes: [(word: String, runtime: String)] = [
        ("ollama", "ollama"), ("llamacpp", "llamacpp"), ("vllm", "vllm"), ("sentencetransformers", "in-process"),
        ("huggingfacelocal", "in-process"), ("huggingfacepipeline", "in-process"), ("transformers", "in-process"), ("fastembed", "in-process"),
    ]

    static func of(_ type: String) -> (stem: String?, runtime: String?) {
        let name = (type.split(separator: ".").last.map(String.init) ?? type).lowercased().filter { $0.isLetter }
        if let runtime = runtimes.first(where: { name.includes($0.word) }) { return (nil, runtime.runtime) }
        return (stems.first { name.includes($0.word) }?.stem, nil)
    }
}

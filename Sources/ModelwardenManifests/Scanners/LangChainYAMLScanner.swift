import ModelwardenCore
import ModelwardenYAML

/// LangChain objects saved as YAML: the legacy `llm.save()` / chain format (`_type: openai-chat`, `model_name: X`,
/// nested under `llm:` in a chain) and `dumpd` constructors (`lc: 1`, `type: constructor`, `id: [..., ChatOpenAI]`,
/// `kwargs: {model_name: X}`). The type or class says the provider; `model_name`, `model`, `model_id`, `repo_id` and
/// `deployment_name` name the model.
public struct LangChainYAMLScanner: ManifestScanner {
    public let format = "langchain-yaml"

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        !LangChainYAMLScanner.clients(document).isEmpty
    }

    static let modelKeys = ["model_name", "model", "model_id", "repo_id", "deployment_name"]
    static let urlKeys = ["openai_api_base", "base_url", "azure_endpoint", "endpoint_url", "api_base"]

    /// Every serialised model object in the document: its class (or `_type`) and the mapping with its settings.
    static func clients(_ document: YAMLNode) -> [(type: String, settings: YAMLNode)] {
        var found: [(String, YAMLNode)] = []
        document.walk { node, _ in
            if let type = node["_type"]?.string, modelKeys.contains(where: { node[$0] != nil }) {
                found.append((type, node))
            } else if node["lc"]?.int == 1, node["type"]?.string == "constructor", let kwargs = node["kwargs"],
                      let type = node["id"]?.sequence?.last?.string, modelKeys.contains(where: { kwargs[$0] != nil }) {
                found.append((type, kwargs))
            }
        }
        return found
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        var containers: [ContainerSpec] = []
        for (type, settings) in LangChainYAMLScanner.clients(document) {
            var env: [EnvVar] = []
            for key in LangChainYAMLScanner.modelKeys {
                if let model = Located(settings[key]) { env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: model, value: model)) }
            }
            for key in LangChainYAMLScanner.urlKeys {
                if let url = Located(settings[key]), url.text.includes("://") { env.append(EnvVar(name: "BASE_URL", nameLocation: url, value: url)) }
            }
            guard !env.isEmpty else { continue }
            let client = ClientClass.of(type)
            if let stem = client.stem { env = env.named(forStem: stem) }
            containers.append(ContainerSpec(name: type, env: env, runtimeHint: client.runtime))
        }
        guard !containers.isEmpty else { return }
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Chain", namespace: folder, name: file.name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }
}

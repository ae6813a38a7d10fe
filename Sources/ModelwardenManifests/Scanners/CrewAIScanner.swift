import ModelwardenCore
import ModelwardenYAML

/// CrewAI `agents.yaml` / `crew.yaml`: each agent (a mapping with `role` and `goal` or `backstory`) names its model in
/// `llm:` (LiteLLM style, `openai/gpt-4o-mini`), sometimes `model:` with a `base_url`. One workload per file, so one
/// model shared by several agents is one usage.
public struct CrewAIScanner: ManifestScanner {
    public let format = "crewai"

    public init() {}

    static let fileNames: Set<String> = ["agents.yaml", "agents.yml", "crew.yaml", "crew.yml"]
    static let modelKeys = ["llm", "model", "function_calling_llm", "manager_llm", "planning_llm"]

    public func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool {
        let base = file.name.lowercased()
        return CrewAIScanner.fileNames.contains(base) && !CrewAIScanner.agents(document).isEmpty
    }

    /// Top-level entries that describe an agent.
    static func agents(_ document: YAMLNode) -> [(name: String, node: YAMLNode)] {
        (document.pairs ?? []).compactMap { pair in
            guard let name = pair.key.scalar, pair.value.isMapping, pair.value["role"] != nil,
                  pair.value["goal"] != nil || pair.value["backstory"] != nil else { return nil }
            return (name, pair.value)
        }
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "CrewAI", namespace: nil, name: folder ?? file.name)
        var containers: [ContainerSpec] = []
        for (name, agent) in CrewAIScanner.agents(document) {
            var env: [EnvVar] = []
            for key in CrewAIScanner.modelKeys {
                // The last of repeated keys is the one YAML loaders keep.
                guard let value = Located(agent.pairs?.last(where: { $0.key.scalar == key })?.value) else { continue }
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: value, value: value))
            }
            if let url = Located(agent["base_url"]) ?? Located(agent["api_base"]) {
                env.append(EnvVar(name: "BASE_URL", nameLocation: url, value: url))
            }
            if env.contains(where: { $0.name.hasPrefix("MODEL_") }) { containers.append(ContainerSpec(name: name, env: env)) }
        }
        guard !containers.isEmpty else { return }
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }
}

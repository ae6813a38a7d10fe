import ModelwardenCore
import ModelwardenYAML

/// aider's `.aider.conf.yml`: `model`, `weak-model`, `editor-model` (LiteLLM names), `openai-api-base` and
/// `set-env` entries that send them elsewhere. Key values (`openai-api-key`, `api-key`) are never read.
public struct AiderScanner: ManifestScanner {
    public let format = "aider"

    public init() {}

    static let modelKeys = ["model", "weak-model", "editor-model"]

    public func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool {
        let base = file.name
        return (base == ".aider.conf.yml" || base == ".aider.conf.yaml") && document.isMapping
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        var env: [EnvVar] = []
        for key in AiderScanner.modelKeys {
            guard let value = Located(document[key]) else { continue }
            env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: value, value: value))
        }
        if let base = Located(document["openai-api-base"]) { env.append(EnvVar(name: "OPENAI_API_BASE", nameLocation: base, value: base)) }
        for item in locatedStrings(document["set-env"]) where !Secrets.isSecretName(item.text.split(separator: "=").first.map(String.init) ?? "") {
            env.append(ComposeScanner.assignment(item))
        }
        guard env.contains(where: { $0.name.hasPrefix("MODEL_") }) else { return }
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Aider", namespace: nil, name: folder ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [ContainerSpec(name: "aider", env: env)]))
    }
}

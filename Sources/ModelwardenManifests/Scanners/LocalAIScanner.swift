import ModelwardenCore
import ModelwardenYAML

/// LocalAI model configs: `name` is the alias clients call (a config named `gpt-4` still serves a local model);
/// `parameters.model` (or `model`) is the weights file or repository LocalAI loads.
public struct LocalAIScanner: ManifestScanner {
    public let format = "localai-config"

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        guard document["name"]?.scalar != nil else { return false }
        let hasModel = document["parameters"]?["model"]?.scalar != nil
        let localAIKeys = ["backend", "template", "mmproj", "context_size", "f16", "gpu_layers", "known_usecases", "stopwords"]
        return hasModel && localAIKeys.contains { document[$0] != nil }
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let ref = DeploymentRef(kind: "LocalAIModel", namespace: file.path.split(separator: "/").dropLast().last.map(String.init),
                                name: document["name"]?.string ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        guard let model = Located(document["parameters"]?["model"]) else { return }
        result.usages.append(Usage(deployment: ref, model: model.text, location: file.location(model), hosting: .selfHosted,
                                   runtime: "localai", evidence: "parameters.model"))
    }
}

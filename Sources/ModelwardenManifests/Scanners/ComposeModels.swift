import ModelwardenCore
import ModelwardenYAML

/// Docker Model Runner in Compose: top-level `models:` (`model: ai/llama3.2`) used by services through their own
/// `models:`, and services with `provider: {type: model, options: {model: ...}}`. The models run on the machine's
/// Model Runner, so they are self-hosted; its default engine is llama.cpp, the closest runtime in the vocabulary.
enum ComposeModels {
    static let runtime = "llamacpp"

    /// Containers holding each model a service uses, to add to that service's workload.
    static func containers(for service: YAMLNode, in document: YAMLNode) -> [ContainerSpec] {
        var models: [Located] = []
        if service["provider"]?["type"]?.string == "model", let model = Located(service["provider"]?["options"]?["model"]) {
            models.append(model)
        }
        for name in usedModelNames(service) {
            guard let definition = document["models"]?[name] else { continue }
            if let model = Located(definition["model"]) ?? Located(definition["image"]) { models.append(model) }
        }
        return models.enumerated().map { index, model in
            ContainerSpec(name: "model-runner", env: [EnvVar(name: "MODEL_\(index)", nameLocation: model, value: model)], runtimeHint: runtime)
        }
    }

    /// `models: [llm]` or `models: {llm: {endpoint_var: ...}}`.
    static func usedModelNames(_ service: YAMLNode) -> [String] {
        if let items = service["models"]?.sequence { return items.compactMap(\.string) }
        return service["models"]?.pairs?.compactMap { $0.key.scalar } ?? []
    }

    /// Top-level models no service uses: still pulled and served by `compose up`.
    static func unusedModels(in document: YAMLNode) -> [(name: String, model: Located)] {
        let used = Set((document["services"]?.pairs ?? []).flatMap { usedModelNames($0.value) })
        return (document["models"]?.pairs ?? []).compactMap { pair in
            guard let name = pair.key.scalar, !used.contains(name),
                  let model = Located(pair.value["model"]) ?? Located(pair.value["image"]) else { return nil }
            return (name, model)
        }
    }
}

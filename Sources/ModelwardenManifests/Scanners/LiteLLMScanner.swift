import ModelwardenCore
import ModelwardenYAML

/// LiteLLM proxy configs: each `model_list` entry routes a client-facing name to a provider model.
public struct LiteLLMScanner: ManifestScanner {
    public let format = "litellm-config"

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        document["model_list"]?.sequence != nil
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let directory = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "LiteLLMProxy", namespace: nil, name: directory ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark)))
        result.routes += LiteLLMScanner.routes(document, deployment: ref)
    }

    static func routes(_ document: YAMLNode, deployment ref: DeploymentRef) -> [ProxyRoute] {
        var routes: [ProxyRoute] = []
        for entry in document["model_list"]?.sequence ?? [] {
            var params = entry["litellm_params"]
            var model = Located(params?["model"])
            var alias = entry["model_name"]?.string
            // An entry with no `litellm_params.model` but its own `api_base` (settings written beside `model_name`):
            // the name it is served under is the only model it names.
            if model == nil, entry["api_base"] != nil || entry["base_url"] != nil, let name = Located(entry["model_name"]) {
                model = name
                params = entry
                alias = nil
            }
            guard let model else { continue }
            let info = entry["model_info"]
            let baseModel = info?["base_model"]?.string ?? params?["base_model"]?.string
            routes.append(ProxyRoute(
                deployment: ref, model: model, apiBase: Located(params?["api_base"]) ?? Located(params?["base_url"]),
                baseModel: baseModel, alias: alias))
        }
        return routes
    }
}

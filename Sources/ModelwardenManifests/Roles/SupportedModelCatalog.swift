import ModelwardenCore
import ModelwardenYAML

/// A catalog of the models a product can be configured with: a list of model entries (an id and capability or
/// listing fields: context window, max tokens, `supports_*`, pricing, `object: model`), where nothing selects one
/// (no top-level default or selected model) and no entry carries what a deployment would (credentials, endpoints,
/// routing parameters, an enabled switch). Such entries are supported models, never usages.
enum SupportedModelCatalog {
    static let idKeys = ["id", "model_id", "modelId", "name", "model_name", "slug"]
    static let capabilityKeys: Set<String> = ["context_window", "contextwindow", "context_length", "contextlength", "max_tokens", "maxtokens",
                                              "max_output_tokens", "max_input_tokens", "max_completion_tokens", "capabilities", "modalities",
                                              "input_modalities", "output_modalities", "pricing", "price", "input_cost_per_token",
                                              "output_cost_per_token", "input_price", "output_price", "knowledge_cutoff", "owned_by",
                                              "display_name", "displayname", "tokenizer", "architecture"]
    static let capabilityPrefixes = ["supports_", "supports"]
    /// Keys that make an entry something deployed or called, not a listing.
    static let deploymentKeys: Set<String> = ["api_key", "apikey", "api_base", "apibase", "base_url", "baseurl", "litellm_params", "endpoint",
                                              "image", "command", "args", "env", "enabled", "deploy", "replicas", "model", "selected",
                                              "default", "url", "host", "provider_config", "credentials"]
    /// Top-level keys that select one entry.
    static let selectorKeys: Set<String> = ["default_model", "defaultmodel", "selected_model", "selectedmodel", "model", "active_model",
                                            "current_model", "default"]

    /// The entries of the catalog, or nil when the documents are not one.
    static func entries(_ documents: [YAMLNode]) -> [SupportedModel]? {
        guard documents.count == 1, let top = documents.first else { return nil }
        if let pairs = top.pairs, pairs.contains(where: { selectorKeys.contains(($0.key.scalar ?? "").lowercased()) && $0.value.isScalar }) {
            return nil
        }
        guard let list = modelList(in: top), !list.isEmpty else { return nil }
        let provider = top["provider"]?.scalar
        var result: [SupportedModel] = []
        var listed = 0
        for entry in list {
            guard let pairs = entry.pairs else { return nil }
            let keys = pairs.compactMap { $0.key.scalar?.lowercased() }
            if keys.contains(where: deploymentKeys.contains) { return nil }
            guard let idNode = idKeys.lazy.compactMap({ entry[$0] }).first, let id = Located(idNode) else { return nil }
            let describes = keys.contains { capabilityKeys.contains($0) || capabilityPrefixes.contains(where: $0.hasPrefix) }
                || entry["object"]?.scalar == "model"
            if describes { listed += 1 }
            let entryProvider = entry["provider"]?.scalar ?? entry["provider"]?["id"]?.scalar ?? entry["owned_by"]?.scalar ?? provider
            result.append(SupportedModel(model: id.text, location: SourceLocation(file: "", line: id.line, column: id.column),
                                         provider: entryProvider))
        }
        // Most entries must describe a model; a list of names alone could be anything.
        return listed * 10 >= list.count * 6 ? result : nil
    }

    /// The list of entries: the document itself, or the list under `models`, `data` or `items`.
    private static func modelList(in top: YAMLNode) -> [YAMLNode]? {
        if let items = top.sequence { return items }
        for key in ["models", "data", "items", "model_list_supported"] {
            if let items = top[key]?.sequence { return items }
        }
        return nil
    }

    /// The entries with the file they were read from.
    static func supported(_ documents: [YAMLNode], file: ManifestFile) -> [SupportedModel] {
        (entries(documents) ?? []).map { entry in
            var located = entry
            located.location = file.location(Mark(line: entry.location.line, column: entry.location.column))
            return located
        }
    }
}

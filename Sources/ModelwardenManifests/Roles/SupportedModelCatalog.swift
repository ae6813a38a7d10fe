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
                                              "display_name", "displayname", "tokenizer", "architecture", "input_cost", "output_cost",
                                              "cost", "input_cost_per_million", "output_cost_per_million", "cost_per_token"]
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
        guard let groups = modelLists(in: top), !groups.isEmpty else { return nil }
        var result: [SupportedModel] = []
        var listed = 0, total = 0
        for group in groups {
            for entry in group.entries {
                guard let pairs = entry.pairs else { return nil }
                let keys = pairs.compactMap { $0.key.scalar?.lowercased() }
                if keys.contains(where: deploymentKeys.contains) { return nil }
                guard let idNode = idKeys.lazy.compactMap({ entry[$0] }).first, let id = Located(idNode) else { return nil }
                let describes = keys.contains { capabilityKeys.contains($0) || capabilityPrefixes.contains(where: $0.hasPrefix) }
                    || entry["object"]?.scalar == "model"
                if describes { listed += 1 }
                total += 1
                let entryProvider = entry["provider"]?.scalar ?? entry["provider"]?["id"]?.scalar ?? entry["owned_by"]?.scalar ?? group.provider
                result.append(SupportedModel(model: id.text, location: SourceLocation(file: "", line: id.line, column: id.column),
                                             provider: entryProvider))
            }
        }
        // Most entries must describe a model; a list of names alone could be anything.
        return total > 0 && listed * 10 >= total * 6 ? result : nil
    }

    /// One list of model entries and the provider its group names.
    struct EntryList {
        var entries: [YAMLNode]
        var provider: String?
    }

    /// The lists of entries: the document itself, the list under `models`, `data` or `items`, or provider groups
    /// (`{chat: [{name: provider, models: [...]}, ...]}`, as a product's model picker ships them) whose groups carry
    /// nothing a deployment would.
    private static func modelLists(in top: YAMLNode) -> [EntryList]? {
        let provider = top["provider"]?.scalar
        if let items = top.sequence { return providerGroups(items) ?? [EntryList(entries: items, provider: provider)] }
        for key in ["models", "data", "items", "model_list_supported"] {
            if let items = top[key]?.sequence { return [EntryList(entries: items, provider: provider)] }
        }
        guard let pairs = top.pairs else { return nil }
        var lists: [EntryList] = []
        for pair in pairs {
            guard let items = pair.value.sequence, let groups = providerGroups(items) else { return nil }
            lists += groups
        }
        return lists.isEmpty ? nil : lists
    }

    /// Groups shaped `{name: provider, models: [entries]}`, or nil when the items are not all such groups.
    private static func providerGroups(_ items: [YAMLNode]) -> [EntryList]? {
        var groups: [EntryList] = []
        for item in items {
            guard let pairs = item.pairs, let entries = item["models"]?.sequence else { return nil }
            let keys = pairs.compactMap { $0.key.scalar?.lowercased() }
            if keys.contains(where: { deploymentKeys.contains($0) && $0 != "model" }) { return nil }
            groups.append(EntryList(entries: entries, provider: item["name"]?.scalar ?? item["provider"]?.scalar))
        }
        return groups.isEmpty ? nil : groups
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

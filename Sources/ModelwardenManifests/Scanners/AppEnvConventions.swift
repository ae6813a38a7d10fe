import ModelwardenCore

/// Env-file conventions of self-hosted LLM apps that the general variable rules read wrongly, each rewritten into
/// the names the analyser understands:
/// - AnythingLLM: `LLM_PROVIDER` chooses one of many `*_MODEL_PREF` variables (`OPEN_MODEL_PREF` serves both
///   `openai` and `azure`); the others are unselected alternatives.
/// - Open WebUI: `DEFAULT_MODELS=gpt-4o,llama3.1:8b` lists the models new chats use; each is a model.
enum AppEnvConventions {
    static func refined(_ variables: [EnvVar]) -> [EnvVar] {
        openWebUIDefaultModels(anythingLLMModelPreferences(variables))
    }

    /// AnythingLLM's provider ids and the `*_MODEL_PREF` stem each reads, with the stem the analyser knows it by.
    static let anythingLLMProviders: [String: (pref: String, stem: String)] = [
        "openai": ("OPEN", "OPENAI"), "azure": ("OPEN", "AZURE_OPENAI"), "anthropic": ("ANTHROPIC", "ANTHROPIC"),
        "gemini": ("GEMINI_LLM", "GEMINI"), "ollama": ("OLLAMA", "OLLAMA"), "lmstudio": ("LMSTUDIO", "LMSTUDIO"),
        "localai": ("LOCAL_AI", "LOCALAI"), "groq": ("GROQ", "GROQ"), "mistral": ("MISTRAL", "MISTRAL"),
        "togetherai": ("TOGETHER_AI", "TOGETHER"), "deepseek": ("DEEPSEEK", "DEEPSEEK"), "openrouter": ("OPENROUTER", "OPENROUTER"),
        "generic-openai": ("GENERIC_OPEN_AI", "GENERIC_OPENAI"), "xai": ("XAI_LLM", "XAI"),
    ]

    /// `LLM_PROVIDER='ollama'` with `OLLAMA_MODEL_PREF` and `OPEN_MODEL_PREF`: only the first is in use, read as
    /// `OLLAMA_MODEL`. Without a selector, or with one this table does not know, the variables stay as written.
    static func anythingLLMModelPreferences(_ variables: [EnvVar]) -> [EnvVar] {
        let prefs = variables.filter { $0.name.hasSuffix("_MODEL_PREF") && $0.name != "EMBEDDING_MODEL_PREF" }
        guard !prefs.isEmpty, let provider = variables.last(where: { $0.name == "LLM_PROVIDER" })?.value?.text.lowercased(),
              let chosen = anythingLLMProviders[provider] else { return variables }
        return variables.compactMap { variable in
            guard variable.name.hasSuffix("_MODEL_PREF"), variable.name != "EMBEDDING_MODEL_PREF" else { return variable }
            guard variable.name == chosen.pref + "_MODEL_PREF" else { return nil }
            var renamed = variable
            renamed.name = chosen.stem + (chosen.stem == "AZURE_OPENAI" ? "_DEPLOYMENT" : "_MODEL")
            return renamed
        }
    }

    /// `DEFAULT_MODELS=gpt-4o,llama3.1:8b`: one model variable per entry, each at its own column.
    static func openWebUIDefaultModels(_ variables: [EnvVar]) -> [EnvVar] {
        guard let list = variables.first(where: { $0.name == "DEFAULT_MODELS" }), let value = list.value else { return variables }
        var added: [EnvVar] = []
        var offset = 0
        for part in value.text.split(separator: ",", omittingEmptySubsequences: false) {
            let leading = part.prefix { $0 == " " }.utf8.count
            let model = part.trimmingCharacters(in: .whitespaces)
            if !model.isEmpty {
                let located = Located(model, line: value.line, column: value.column + offset + leading, file: value.file)
                added.append(EnvVar(name: "DEFAULT_MODEL_\(added.count + 1)", nameLocation: list.nameLocation, value: located))
            }
            offset += part.utf8.count + 1
        }
        return variables + added
    }
}

/// Whether a name in code (a variable, key, keyword or function) says "model": the words of the name, split at
/// case changes, `_`, `-` and `.`, name a model role and do not end in a word that names something else about it
/// (`model_type`, `llm_provider`, `embedding_url`).
enum ModelNames {
    static let modelWords: Set<String> = ["model", "models", "llm", "llms", "embedding", "embeddings", "embedder", "embed",
                                          "encoder", "reranker", "rerank", "checkpoint", "modelid", "engine", "deployment"]
    /// Last words that make the name about something other than the model's identity.
    static let otherThanIdentity: Set<String> = ["type", "types", "provider", "providers", "url", "uri", "urls", "endpoint", "host",
                                                 "key", "keys", "token", "tokens", "path", "paths", "dir", "file", "files", "class",
                                                 "cls", "kwargs", "params", "config", "configs", "options", "settings", "dim", "dims",
                                                 "dimension", "dimensions", "size", "version", "temperature", "timeout", "limit",
                                                 "enabled", "format", "base", "kind", "family", "label", "description", "desc",
                                                 "title", "prompt", "id_env", "env", "cache", "batch", "count", "max", "min"]
    /// Names that carry a value for whatever encloses them (`default=`, `value=`, `id=`): the context is outside.
    static let generic: Set<String> = ["default", "value", "id", "name", "defaultvalue", "fallback", "initial", "initialvalue"]

    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Character?
        for c in name {
            if c == "_" || c == "-" || c == "." || c == " " || c == "$" {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if c.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                if !current.isEmpty { words.append(current) }
                current = String(c)
            } else {
                current.append(c)
            }
            previous = c
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.lowercased() }
    }

    static func isModelName(_ name: String?) -> Bool {
        guard let name, !name.isEmpty else { return false }
        let words = words(name)
        guard let last = words.last, !otherThanIdentity.contains(last) else { return false }
        return words.contains { modelWords.contains($0) } || ValuesScanner.isModelKey(name)
    }

    /// Words that make a call about something other than choosing a model (`tiktoken.encoding_for_model`,
    /// `count_tokens`, `get_model_price`, `supports_vision`).
    static let notModelCalls: Set<String> = ["encoding", "tokenizer", "tokenize", "tokens", "count", "price", "pricing", "cost", "costs",
                                             "limit", "limits", "supports", "is", "has", "validate", "log", "print"]

    /// A constructor or function that takes the model as its first argument (`init_chat_model`, `ChatModel`, `.modelName`).
    static func isModelCall(_ call: String) -> Bool {
        guard let last = lastComponent(call), isModelName(last) else { return false }
        return !words(last).contains { notModelCalls.contains($0) }
    }

    /// Words that name a holder of a model's settings (`ModelConfig`, `llm_settings`): its generic slots (`id=`,
    /// `name:`) name the model.
    static let holderWords: Set<String> = ["config", "configs", "settings", "options", "spec", "info", "entry", "card"]

    /// A name that says model (`summarization_model`) or holds a model's settings (`ModelConfig(id=...)`).
    static func isModelHolder(_ name: String?) -> Bool {
        guard let name else { return false }
        let words = words(name)
        if words.contains(where: { notModelCalls.contains($0) }) { return false }
        if isModelName(name) { return true }
        guard let last = words.last, holderWords.contains(last), words.count > 1 else { return false }
        return words.dropLast().contains { modelWords.contains($0) }
    }

    static func isGeneric(_ name: String?) -> Bool {
        guard let name else { return true }
        return generic.contains(name.lowercased())
    }

    /// Functions that read a setting with a fallback: `os.getenv("MODEL", "gpt-4o")`, `config("MODEL", default=...)`,
    /// `settings.get("model", ...)`, `System.getProperty`, `viper.GetString` with a default elsewhere.
    static let settingReaders: Set<String> = ["getenv", "get", "environ.get", "config", "env", "getproperty", "getordefault",
                                              "getstring", "lookupenv", "getenvordefault", "get_env", "get_setting", "setting"]

    static func isSettingReader(_ call: String?) -> Bool {
        guard let call else { return false }
        let lower = call.lowercased()
        let last = lower.split(separator: ".").last.map(String.init) ?? lower
        return settingReaders.contains(last) || lower.hasSuffix("environ.get")
    }

    /// Loaders of in-process models whose first argument is the model: `AutoModel.from_pretrained("...")`.
    static let inProcessLoaders: Set<String> = ["from_pretrained", "sentencetransformer", "crossencoder", "snapshot_download",
                                                "hf_hub_download", "textembedding", "fastembed", "huggingfaceembeddings"]

    static func lastComponent(_ call: String?) -> String? {
        guard let call else { return nil }
        return call.split(separator: ".").last.map(String.init)
    }

    static func isInProcessLoader(_ call: String?) -> Bool {
        guard let last = lastComponent(call)?.lowercased() else { return false }
        return inProcessLoaders.contains(last)
    }
}

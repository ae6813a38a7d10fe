import ModelwardenCore

/// `provider:model` ids as LangChain's `init_chat_model`, pydantic-ai and many agent frameworks write them
/// (`openai:gpt-4o`, `google_genai:gemini-2.5-flash`, `ollama:qwen2.5`).
enum ProviderPrefix {
    /// Prefix words and the provider (an id of `Policies/providers/`) or, for local servers, the runtime.
    static let providers: [String: String] = [
        "openai": "openai", "azure": "azure-openai", "azure_openai": "azure-openai", "azure-openai": "azure-openai",
        "anthropic": "anthropic", "google_genai": "google-gemini-api", "google-genai": "google-gemini-api", "gemini": "google-gemini-api",
        "google-gla": "google-gemini-api", "google": "google-gemini-api", "google_vertexai": "google-vertex-ai", "google-vertex": "google-vertex-ai",
        "vertexai": "google-vertex-ai", "vertex_ai": "google-vertex-ai", "bedrock": "aws-bedrock", "bedrock_converse": "aws-bedrock",
        "mistral": "mistral", "mistralai": "mistral", "groq": "groq", "cohere": "cohere", "together": "together", "fireworks": "fireworks",
        "deepseek": "deepseek", "xai": "xai", "openrouter": "openrouter", "huggingface": "huggingface-inference-providers",
    ]
    static let runtimes: [String: String] = ["ollama": "ollama", "vllm": "vllm", "llamacpp": "llamacpp"]

    /// The prefix word and the rest, when the text starts with a known `provider:`.
    static func split(_ text: String) -> (prefix: String, rest: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let prefix = text[..<colon].lowercased()
        guard providers[prefix] != nil || runtimes[prefix] != nil else { return nil }
        let rest = String(text[text.index(after: colon)...])
        return rest.isEmpty ? nil : (prefix, rest)
    }
}

/// Where a model named in code runs: from its `provider:` or LiteLLM prefix, the SDK it is passed to, then what the
/// catalog knows (a closed model is reached through its maker's API; an open one named by repository runs in-process).
struct CodeHosting {
    var hosting: Hosting
    var api: String?
    var runtime: String?

    /// SDK constructors and clients, by a word of the call's name, and where they send the model.
    static let sdkWords: [(word: String, api: String?, runtime: String?)] = [
        ("azureopenai", "azure-openai", nil), ("azurechatopenai", "azure-openai", nil), ("openai", "openai", nil),
        ("anthropic", "anthropic", nil), ("claude", "anthropic", nil), ("vertex", "google-vertex-ai", nil),
        ("genai", "google-gemini-api", nil), ("gemini", "google-gemini-api", nil), ("googlegenerativeai", "google-gemini-api", nil),
        ("bedrock", "aws-bedrock", nil), ("converse", "aws-bedrock", nil), ("mistral", "mistral", nil), ("cohere", "cohere", nil),
        ("groq", "groq", nil), ("ollama", nil, "ollama"), ("from_pretrained", nil, "in-process"), ("sentencetransformer", nil, "in-process"),
        ("crossencoder", nil, "in-process"), ("pipeline", nil, "in-process"), ("huggingfaceembeddings", nil, "in-process"),
    ]

    static func of(_ literal: ModelLiteral, match: ModelMatch?, catalog: Catalog) -> CodeHosting {
        if let (prefix, _) = ProviderPrefix.split(literal.text) {
            if let runtime = ProviderPrefix.runtimes[prefix] { return CodeHosting(hosting: .selfHosted, runtime: runtime) }
            return CodeHosting(hosting: .externalAPI, api: ProviderPrefix.providers[prefix])
        }
        if let (provider, _) = catalog.provider(forPrefixOf: literal.text) { return CodeHosting(hosting: .externalAPI, api: provider.id) }
        if literal.text.lowercased().hasPrefix("ollama/") || literal.text.lowercased().hasPrefix("ollama_chat/") {
            return CodeHosting(hosting: .selfHosted, runtime: "ollama")
        }
        for call in literal.calls {
            let lower = call.lowercased().replacingOccurrences(of: "_", with: "")
            let words = lower.split(separator: ".").map(String.init)
            if let sdk = sdkWords.first(where: { entry in
                let word = entry.word.replacingOccurrences(of: "_", with: "")
                return words.contains { $0.contains(word) }
            }) {
                if let runtime = sdk.runtime { return CodeHosting(hosting: .selfHosted, runtime: runtime) }
                return CodeHosting(hosting: .externalAPI, api: sdk.api)
            }
        }
        if let match, !match.model.openWeights {
            return CodeHosting(hosting: .externalAPI, api: makersAPI(vendor: match.model.vendor, catalog: catalog))
        }
        // An open model named by its repository (`BAAI/bge-small-en`) is downloaded and run by the code itself.
        let repository = literal.text.split(separator: "/").count == 2 && !literal.text.contains(":")
        return CodeHosting(hosting: .selfHosted, runtime: repository ? "in-process" : "unknown")
    }

    /// The maker's own API for a closed model: the provider with the vendor's id, else one whose models are the vendor's.
    static func makersAPI(vendor: String, catalog: Catalog) -> String? {
        if catalog.providers[vendor] != nil { return vendor }
        if vendor == "google" { return "google-gemini-api" }
        return catalog.providers.values.filter { $0.modelVendor == vendor }.map(\.id).sorted().first
    }
}

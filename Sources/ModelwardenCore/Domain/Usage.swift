/// Where a model runs.
public enum Hosting: String, Sendable, Codable, Hashable {
    case selfHosted = "self-hosted"
    case externalAPI = "external-api"
}

/// One model that a deployment serves or calls, as a scanner found it.
public struct Usage: Sendable, Hashable, Codable {
    public var deployment: DeploymentRef
    /// The model id as written, or nil when the provider or runtime is certain but no model is named.
    public var model: String?
    public var location: SourceLocation
    public var hosting: Hosting
    /// Self-hosted: vllm, tgi, ollama, localai, llamacpp, kserve, nim, ray, sglang, tei, in-process, unknown.
    public var runtime: String?
    /// External: the provider id (openai, anthropic, aws-bedrock, ...).
    public var api: String?
    /// Hosts or variable names showing that data leaves (never values).
    public var endpoints: [String]
    /// What the scanner read, for people: `env OPENAI_MODEL`, `args --model`.
    public var evidence: String
    /// The name to look up in the catalog when it differs from what is written (an Azure deployment's base model).
    public var catalogName: String?
    /// The name clients use for this model, for a gateway's routes (LiteLLM `model_name`).
    public var alias: String?
    /// Hops the data takes when it passes a gateway: client, gateway, external host.
    public var route: [String] = []
    /// What a model file on disk says about itself (a GGUF header, a model card): its name, its licence and where
    /// that licence is written, and the models it derives from.
    public var declaredName: String? = nil
    public var declaredLicense: String? = nil
    public var declaredLicenseSource: String? = nil
    public var declaredBaseModels: [String] = []

    public init(
        deployment: DeploymentRef, model: String?, location: SourceLocation, hosting: Hosting,
        runtime: String? = nil, api: String? = nil, endpoints: [String] = [], evidence: String, catalogName: String? = nil
    ) {
        self.deployment = deployment
        self.model = model
        self.location = location
        self.hosting = hosting
        self.runtime = hosting == .selfHosted ? (runtime ?? "unknown") : nil
        self.api = hosting == .externalAPI ? api : nil
        self.endpoints = endpoints
        self.evidence = evidence
        self.catalogName = catalogName
    }
}

/// A usage with what the catalog knows about its model.
public struct ResolvedUsage: Sendable {
    public var usage: Usage
    public var match: ModelMatch?
    /// The licence or terms that govern this use, if known.
    public var license: License?
    public var provider: Provider?
    /// Who published a model the catalog does not know, from its repository owner.
    public var publisher: String?

    public init(usage: Usage, match: ModelMatch?, license: License?, provider: Provider?, publisher: String? = nil) {
        self.usage = usage
        self.match = match
        self.license = license
        self.provider = provider
        self.publisher = publisher
    }

    public var vendor: String { match?.model.vendor ?? provider.flatMap { $0.modelVendor } ?? publisher ?? "unknown" }
    public var family: String { match?.family ?? "unknown" }
    public var licenseID: String { license?.id ?? "unknown" }
}

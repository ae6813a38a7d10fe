import Foundation
import ModelwardenCore
import Synchronization

/// Decides, once every file of a scan is read, which models each workload serves or calls and where they run.
struct WorkloadAnalyzer {
    let catalog: Catalog
    let configMaps: [String: [String: Located]]
    let envFiles: [String: [EnvVar]]
    let files: [String: ManifestFile]
    /// The env files a compose service's `${VAR}` can read, by folder: looked up, not searched, per service.
    let envFilesByFolder: [String: [(path: String, variables: [EnvVar])]]
    /// Model servers and gateways behind in-house hosts, known after a first pass.
    var directory = ServiceDirectory()
    /// Variables set by the workloads and env files of each folder, for LiteLLM's `os.environ/NAME` references.
    var folderVariables: [String: [String: String]] = [:]
    /// What the heuristics ask of variable names, answered once per name for this analyser's audit.
    let variableNames = VariableNames()

    init(catalog: Catalog, configMaps: [String: [String: Located]], envFiles: [String: [EnvVar]], files: [String: ManifestFile]) {
        self.catalog = catalog
        self.configMaps = configMaps
        self.envFiles = envFiles
        self.files = files
        envFilesByFolder = WorkloadAnalyzer.siblingEnvFilesByFolder(envFiles)
    }

    /// Variable-name stems that name a provider when no URL says otherwise.
    static let providerStems: [(stem: String, provider: String)] = [
        ("AZURE_OPENAI", "azure-openai"), ("AZURE", "azure-openai"), ("OPENAI", "openai"), ("ANTHROPIC", "anthropic"),
        ("CLAUDE", "anthropic"), ("GEMINI", "google-gemini-api"), ("GOOGLE_GENAI", "google-gemini-api"),
        ("VERTEX", "google-vertex-ai"), ("BEDROCK", "aws-bedrock"), ("MISTRAL", "mistral"), ("GROQ", "groq"),
        ("COHERE", "cohere"), ("TOGETHER", "together"), ("DEEPSEEK", "deepseek"), ("OPENROUTER", "openrouter"),
        ("FIREWORKS", "fireworks"), ("XAI", "xai"),
    ]
    /// Stems that name a local server.
    static let localStems: [(stem: String, runtime: String)] = [
        ("OLLAMA", "ollama"), ("VLLM", "vllm"), ("TGI", "tgi"), ("TEI", "tei"), ("LOCALAI", "localai"), ("LLAMACPP", "llamacpp"),
        ("LLAMA_CPP", "llamacpp"), ("SGLANG", "sglang"), ("NIM", "nim"),
    ]
    /// Words that make a *MODEL* variable something other than a model id.
    static let notModelWords = ["DIR", "CACHE", "STORE", "HOME", "TIMEOUT", "PORT", "URL", "HOST", "ENDPOINT", "KEY", "TOKEN",
                                "SECRET", "PASSWORD", "TEMPERATURE", "MAX", "MIN", "TYPE", "PROVIDER", "FORMAT", "SIZE", "LEN",
                                "NUM", "DTYPE", "QUANT", "ENABLE", "DISABLE", "ARGS", "CONFIG", "KWARGS", "PARAMS", "SERVED",
                                "REVISION", "BACKEND", "LIST", "MODELS", "MODE", "TRUST", "DOWNLOAD", "LOAD", "WORKERS",
                                "ENGINE", "FAMILY", "VERSION", "MEMORY", "GPU", "BATCH", "SEED", "TOP", "PENALTY", "RETRIES",
                                "CONTEXT", "CTX", "THREADS", "BASE", "API", "REGION", "DEPLOYMENT_ID", "ALIAS", "PULL", "PROMPT"]
    /// Variables whose presence alone does not show data leaving (weights downloads, generic cloud credentials).
    static let weakEvidence: Set<String> = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACEHUB_API_TOKEN", "HF_API_TOKEN",
                                            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                                            "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_REGION_NAME", "GOOGLE_APPLICATION_CREDENTIALS",
                                            "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "NGC_API_KEY", "OPENAI_API_VERSION"]

    struct Value {
        var name: String
        /// The value with `${VAR}` placeholders resolved where the scan knows them.
        var text: String
        var located: Located
        /// The value as written.
        var written: String { located.text }
    }

    func analyze(_ workload: Workload) -> [Usage] {
        var callsInHouse = false
        return analyze(workload, callsInHouse: &callsInHouse)
    }

    /// Also says whether any container calls an in-house host, the only case where knowing the servers and
    /// gateways behind hosts can change the answer.
    func analyze(_ workload: Workload, callsInHouse: inout Bool) -> [Usage] {
        var usages: [Usage] = []
        let fileEnv = workload.envFiles.flatMap { envFiles[$0] ?? [] }
        for container in workload.containers {
            usages += analyze(container, workload: workload, fileEnv: fileEnv, callsInHouse: &callsInHouse)
        }
        // A model server whose image is certain but which names no model still serves one.
        if !usages.contains(where: { $0.hosting == .selfHosted }),
           let server = workload.containers.first(where: { RuntimeDetector.runtime(image: $0.image?.text, command: []) != nil }),
           let image = server.image, let runtime = RuntimeDetector.runtime(image: image.text, command: []) {
            let location = SourceLocation(file: image.file ?? workload.file, line: image.line, column: image.column)
            usages.append(Usage(deployment: workload.deployment, model: nil, location: location, hosting: .selfHosted, runtime: runtime, evidence: "image"))
        }
        // A launch script's server that names no model (it reads one from the environment) still serves one.
        if !usages.contains(where: { $0.hosting == .selfHosted }), let launch = WorkloadAnalyzer.launchLine(workload) {
            let location = SourceLocation(file: launch.line.file ?? workload.file, line: launch.line.line, column: launch.line.column)
            usages.append(Usage(deployment: workload.deployment, model: nil, location: location, hosting: .selfHosted, runtime: launch.runtime, evidence: "command"))
        }
        return deduplicated(usages)
    }

    /// The first command line of an image-less container (a script) that starts a known server.
    static func launchLine(_ workload: Workload) -> (line: Located, runtime: String)? {
        for container in workload.containers where container.image == nil {
            for line in container.command + container.args {
                if let runtime = RuntimeDetector.runtime(image: nil, command: [line.text]) { return (line, runtime) }
            }
        }
        return nil
    }

    /// A URL of a weights file (`.../resolve/main/x.gguf`, `*.safetensors`), as scripts download them.
    static func isWeightsDownload(_ url: String) -> Bool {
        let lower = url.lowercased()
        return lower.includes("/resolve/") || [".gguf", ".safetensors", ".bin", ".ggml"].contains { lower.hasSuffix($0) }
    }

    /// `*_ENGINE`, `*_BACKEND`, `*_SERVER_TYPE` naming a model server.
    static func engineHint(name: String, value: String) -> String? {
        let upper = name.uppercased()
        guard ["ENGINE", "BACKEND", "SERVER_TYPE", "SERVING"].contains(where: { upper.hasSuffix($0) }) else { return nil }
        return ValuesScanner.runtimeKeys[value.lowercased()]
    }

    func classifyModel(_ text: String, variable: String, located: Located, endpoints: [(name: String, endpoint: Endpoint, located: Located)],
                               runtime: String?, present: [String], ref: DeploymentRef, location: SourceLocation) -> Usage {
        let evidence = "env \(variable)"
        let lower = text.lowercased()
        // Prefixes that name a local server.
        for (prefix, localRuntime) in [("ollama/", "ollama"), ("ollama_chat/", "ollama"), ("hosted_vllm/", "vllm"), ("ollama://", "ollama"),
                                       ("ollama:", "ollama")] where lower.hasPrefix(prefix) {
            return Usage(deployment: ref, model: text, location: location, hosting: .selfHosted, runtime: localRuntime, evidence: evidence)
        }
        // The base URL that goes with this variable: same stem, else the only one.
        let stem = WorkloadAnalyzer.stem(variable)
        let distinct = endpoints.reduce(into: [Endpoint]()) { list, item in if !list.contains(item.endpoint) { list.append(item.endpoint) } }
        let endpoint = endpoints.first { WorkloadAnalyzer.stem($0.name) == stem && !stem.isEmpty }?.endpoint
            ?? (distinct.count == 1 ? distinct[0] : nil)
        if let endpoint {
            return usage(text, endpoint: endpoint, runtime: runtime, ref: ref, location: location, evidence: evidence)
        }
        if let (provider, _) = catalog.provider(forPrefixOf: text) {
            return Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: provider.id,
                         endpoints: provider.hosts.prefix(1).map { $0 }, evidence: evidence)
        }
        if let runtime {
            return Usage(deployment: ref, model: text, location: location, hosting: .selfHosted, runtime: runtime, evidence: evidence)
        }
        let upper = variable.uppercased()
        if let local = WorkloadAnalyzer.localStems.first(where: { upper.hasPrefix($0.stem) }) {
            return Usage(deployment: ref, model: text, location: location, hosting: .selfHosted, runtime: local.runtime, evidence: evidence)
        }
        if let named = WorkloadAnalyzer.providerStems.first(where: { upper.hasPrefix($0.stem) }), catalog.providers[named.provider] != nil {
            return Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: named.provider, evidence: evidence)
        }
        if WorkloadAnalyzer.isBedrockID(text) {
            return Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: "aws-bedrock", evidence: evidence)
        }
        let match = catalog.match(text)
        let keyProviders = present.filter { Secrets.isSecretName($0) && !WorkloadAnalyzer.weakEvidence.contains($0) }.compactMap { catalog.provider(forEnvVar: $0)?.id }
        if let match, !match.model.openWeights, let api = match.model.api {
            // A closed model: its own API, or a cloud that resells it when that cloud's key is present.
            let reseller = keyProviders.first { ["azure-openai", "aws-bedrock", "google-vertex-ai"].contains($0) }
            return Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: reseller ?? api, evidence: evidence)
        }
        if let provider = keyProviders.first(where: { $0 != "openai" }) ?? (match == nil ? keyProviders.first : nil) {
            return Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: provider, evidence: evidence)
        }
        return Usage(deployment: ref, model: text, location: location, hosting: .selfHosted, runtime: "unknown", evidence: evidence)
    }

    func usage(_ text: String, endpoint: Endpoint, runtime: String?, ref: DeploymentRef, location: SourceLocation, evidence: String) -> Usage {
        switch endpoint {
        case .inHouse(let host, let hint):
            switch directory.target(forHost: host, from: ref) {
            case .server(_, let serverRuntime)?:
                return Usage(deployment: ref, model: text, location: location, hosting: .selfHosted, runtime: serverRuntime, evidence: evidence)
            case .gateway(let gateway, let routes)?:
                return routed(text, through: gateway, host: host, routes: routes, ref: ref, location: location, evidence: evidence)
            case nil:
                // A closed model (GPT-4, Claude) cannot run in-house: an in-house host that serves it is a gateway
                // to the maker's API, and the data leaves through it.
                if hint == nil, runtime == nil, let match = catalog.match(text), !match.model.openWeights {
                    var usage = Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: "openai-compatible-gateway",
                                      endpoints: [host], evidence: evidence + " via an in-house gateway")
                    usage.route = [ref.name, host]
                    return usage
                }
                return Usage(deployment: ref, model: text, location: location, hosting: .selfHosted, runtime: hint ?? runtime ?? "unknown", evidence: evidence)
            }
        case .provider(let id, let host):
            return Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: id, endpoints: [host], evidence: evidence)
        case .unknownExternal(let host):
            return Usage(deployment: ref, model: text, location: location, hosting: .externalAPI, api: "openai-compatible", endpoints: [host], evidence: evidence)
        }
    }

    /// Variables of `.env` and `*env*.sh` files in a compose file's folder, for `${VAR}` interpolation only.
    func siblingVariables(of workload: Workload) -> [String: String] {
        var result: [String: String] = [:]
        for (_, variables) in siblingEnvFiles(of: workload) {
            for variable in variables { if let value = variable.value { result[variable.name] = value.text } }
        }
        return result
    }

    /// The `.env` and `*env*.sh` files beside a compose file, in path order: what `siblingVariables` reads.
    func siblingEnvFiles(of workload: Workload) -> [(path: String, variables: [EnvVar])] {
        guard workload.deployment.kind == "ComposeService" else { return [] }
        return envFilesByFolder[WorkloadAnalyzer.folder(of: workload.file)] ?? []
    }

    /// The env files that can be a compose file's siblings, by folder, each folder's in path order.
    static func siblingEnvFilesByFolder(_ envFiles: [String: [EnvVar]]) -> [String: [(path: String, variables: [EnvVar])]] {
        var result: [String: [(path: String, variables: [EnvVar])]] = [:]
        for (path, variables) in envFiles.sorted(by: { $0.key < $1.key }) {
            guard let name = path.split(separator: "/").last,
                  name == ".env" || (name.hasSuffix(".sh") && name.lowercased().includes("env")) else { continue }
            result[folder(of: path), default: []].append((path, variables))
        }
        return result
    }

    static func folder(of path: String) -> String {
        path.split(separator: "/").dropLast().joined(separator: "/")
    }

    /// A client of a gateway uses what the gateway forwards its model to; data leaves through it as it would directly.
    func routed(_ model: String?, through gateway: DeploymentRef, host: String, routes: [Usage], ref: DeploymentRef,
                        location: SourceLocation, evidence: String) -> Usage {
        let via = "\(evidence) via \(gateway.description)"
        let wanted = model.map { Catalog.normalize($0) }
        let route = routes.first { route in
            guard let wanted else { return false }
            return route.alias.map(Catalog.normalize) == wanted || route.model.map(Catalog.normalize) == wanted
        }
        if let route {
            var usage = Usage(deployment: ref, model: model, location: location, hosting: route.hosting, runtime: route.runtime, api: route.api,
                              endpoints: [host] + route.endpoints, evidence: via, catalogName: route.catalogName ?? route.model)
            usage.route = [ref.name, gateway.name] + (route.endpoints.first.map { [$0] } ?? [])
            return usage
        }
        // The requested model is not a named route: the gateway's external routes are where it may go.
        let external = routes.filter { $0.hosting == .externalAPI }
        if external.isEmpty {
            return Usage(deployment: ref, model: model, location: location, hosting: .selfHosted, runtime: routes.first?.runtime ?? "unknown", evidence: via)
        }
        let apis = Set(external.compactMap(\.api))
        var usage = Usage(deployment: ref, model: model, location: location, hosting: .externalAPI,
                          api: apis.count == 1 ? apis.first : "openai-compatible-gateway", endpoints: [host] + Array(Set(external.flatMap(\.endpoints))).sorted(), evidence: via)
        usage.route = [ref.name, gateway.name]
        return usage
    }

    /// A LiteLLM route: the prefix names the provider, `api_base` can send it in-house.
    func analyze(_ route: ProxyRoute, file: String) -> Usage {
        var usage = analyzeRoute(route, file: file)
        usage.alias = route.alias
        return usage
    }

    private func analyzeRoute(_ route: ProxyRoute, file: String) -> Usage {
        let location = SourceLocation(file: route.model.file ?? file, line: route.model.line, column: route.model.column)
        let text = route.model.text
        let lower = text.lowercased()
        let evidence = "model_list \(route.alias ?? text)"
        let endpoint = route.apiBase.flatMap { EndpointClassifier.classify(resolvedReference($0.text, file: location.file), catalog: catalog) }
        for (prefix, runtime) in [("ollama/", "ollama"), ("ollama_chat/", "ollama"), ("hosted_vllm/", "vllm"), ("vllm/", "vllm"), ("llamafile/", "llamacpp"), ("lm_studio/", "unknown")] where lower.hasPrefix(prefix) {
            var hint: String?
            if case .inHouse(_, let h)? = endpoint { hint = h }
            return Usage(deployment: route.deployment, model: text, location: location, hosting: .selfHosted, runtime: hint ?? runtime, evidence: evidence, catalogName: route.baseModel)
        }
        if let endpoint, case .inHouse = endpoint {
            return usage(text, endpoint: endpoint, runtime: nil, ref: route.deployment, location: location, evidence: evidence)
        }
        if let (provider, _) = catalog.provider(forPrefixOf: text) {
            var api = provider.id
            var hosts = provider.hosts.prefix(1).map { $0 }
            if case .provider(let id, let host)? = endpoint { api = id; hosts = [host] }
            if case .unknownExternal(let host)? = endpoint, provider.id == "openai" { api = "openai-compatible"; hosts = [host] }
            // `openai/qwen-plus` with a base URL the scan cannot read: the OpenAI protocol to someone else's models.
            if provider.id == "openai", endpoint == nil, route.apiBase != nil, (catalog.match(text)?.model.vendor ?? "unknown") != "openai" {
                api = "openai-compatible"
                hosts = []
            }
            return Usage(deployment: route.deployment, model: text, location: location, hosting: .externalAPI, api: api, endpoints: hosts,
                         evidence: evidence, catalogName: route.baseModel)
        }
        if let endpoint {
            var usage = usage(text, endpoint: endpoint, runtime: nil, ref: route.deployment, location: location, evidence: evidence)
            usage.catalogName = route.baseModel
            return usage
        }
        // No prefix: LiteLLM sends known closed models to their maker's API.
        let api = catalog.match(text)?.model.api ?? "openai"
        return Usage(deployment: route.deployment, model: text, location: location, hosting: .externalAPI, api: api, evidence: evidence, catalogName: route.baseModel)
    }

    // MARK: - Helpers

    /// `os.environ/NAME` with the value the same folder's workloads or env files give NAME, else as written.
    private func resolvedReference(_ text: String, file: String) -> String {
        guard text.hasPrefix("os.environ/") else { return text }
        let name = String(text.dropFirst("os.environ/".count))
        let folder = file.split(separator: "/").dropLast().joined(separator: "/")
        return folderVariables[folder]?[name] ?? text
    }

    func isModelVariable(_ name: String) -> Bool {
        variableNames.traits(of: name).model
    }

    static func isModelVariableName(_ name: String) -> Bool {
        let upper = name.uppercased()
        // An Azure OpenAI deployment name stands for the model it serves.
        if upper.hasPrefix("AZURE") && (upper.hasSuffix("_DEPLOYMENT") || upper.hasSuffix("_DEPLOYMENT_NAME")) { return true }
        guard upper.includes("MODEL") else { return false }
        let words = upper.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." }).map(String.init)
        return !words.contains { WorkloadAnalyzer.notModelWords.contains($0) || WorkloadAnalyzer.visionTaskWords.contains($0) }
    }

    /// Variables of vision-task models (`OCR_MODEL_NAME`, `YOLOX_MODEL`): not language models (see `RuntimeDetector.isVisionOnly`).
    static let visionTaskWords: Set<String> = ["OCR", "YOLOX", "YOLO", "DETECTION", "DETECTOR", "SEGMENTATION"]

    static let urlSuffixes = ["URL", "URLS", "BASE", "ENDPOINT", "HOST", "API_BASE", "URI", "ADDRESS", "ADDR", "SERVER"]
    static let urlInfixes = urlSuffixes.map { "_\($0)_" }

    /// A bare service name in a model API's host variable (`LLM_SERVER_HOST_IP=tgi-service`), when this scan knows that
    /// service as a model server or gateway; otherwise a bare word is too weak to be an endpoint.
    func knownServiceName(_ value: Value, from ref: DeploymentRef) -> Endpoint? {
        guard !value.text.includes("://"), !value.text.includes("/"),
              case .inHouse(let host, let hint)? = EndpointClassifier.classify("http://" + value.text, catalog: catalog),
              directory.target(forHost: host, from: ref) != nil else { return nil }
        return .inHouse(host: host, runtime: hint)
    }

    func isURLVariable(_ name: String) -> Bool {
        variableNames.traits(of: name).url
    }

    static func isURLVariableName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return WorkloadAnalyzer.urlSuffixes.contains { upper.hasSuffix($0) } || WorkloadAnalyzer.urlInfixes.contains { upper.includes($0) }
    }

    static let bedrockID = try! NSRegularExpression(pattern: #"^(?:(?:us|eu|apac|global|us-gov|jp|au|ca)\.)?(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen|writer|moonshotai|minimax|stability)\.[a-z0-9][a-z0-9.:-]*$"#, options: [.caseInsensitive])

    /// Bedrock model ids and inference profiles: `anthropic.claude-3-sonnet-20240229-v1:0`, `us.meta.llama3-1-70b-instruct-v1:0`.
    static func isBedrockID(_ text: String) -> Bool {
        bedrockID.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static let unrelatedAPIWords = ["LOGO", "SCRIPT", "ASSET", "ICON", "ORIGIN", "CALLBACK", "REDIRECT", "WEBHOOK", "TELEMETRY", "OTEL",
                                    "TRAC", "METRIC", "DATABASE", "REDIS", "QDRANT", "VECTOR", "MONGO", "POSTGRES", "MYSQL", "MCP", "LANGFUSE",
                                    "SENTRY", "S3_", "BUCKET", "CDN", "DOCS", "HOMEPAGE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
                                    "JAEGER", "PROMETHEUS", "GRAFANA", "KEYCLOAK", "OAUTH", "OIDC", "OPENID", "AUTH", "SMTP", "MAIL", "SEARXNG",
                                    "SEARCH", "WEB", "ELASTIC", "MINIO", "KAFKA", "NATS", "RABBIT"]
    static let ownAddressWords: Set<String> = ["APP", "SITE", "FRONTEND", "BACKEND", "CLIENT", "PUBLIC", "NEXT", "VITE", "REACT",
                                               "DASHBOARD", "ADMIN", "PORTAL"]
    static let relatedAPIWords = ["OPENAI", "LLM", "MODEL", "INFERENCE", "CHAT", "COMPLETION", "API_BASE", "BASE_URL", "EMBED", "RERANK",
                                  "VLLM", "TGI", "TEI", "OLLAMA", "AI_", "GPT", "LOCALAI", "SGLANG", "NIM", "GENERATION", "ENDPOINT"]

    /// A URL variable that plausibly points at a model API, not at a database, a logo or a tracer.
    static func isModelAPIVariable(_ name: String) -> Bool {
        let upper = name.uppercased()
        if unrelatedAPIWords.contains(where: { upper.includes($0) }) { return false }
        // The app's own address (`APP_BASE_URL`, `NEXT_PUBLIC_APP_URL`, `FRONTEND_URL`) is not where it sends prompts.
        let words = stem(upper).split(separator: "_").map(String.init)
        if !words.isEmpty, words.allSatisfy({ ownAddressWords.contains($0) }) { return false }
        return relatedAPIWords.contains { upper.includes($0) } || providerStems.contains { upper.hasPrefix($0.stem) }
    }

    /// What a provider selector's value names, as variable-name stems (`google` -> `GOOGLE`, `GEMINI`).
    static let selectorValues: [String: [String]] = [
        "openai": ["OPENAI"], "azure": ["AZURE"], "azureopenai": ["AZURE"], "anthropic": ["ANTHROPIC", "CLAUDE"],
        "claude": ["ANTHROPIC", "CLAUDE"], "google": ["GOOGLE", "GEMINI"], "gemini": ["GOOGLE", "GEMINI"], "googleai": ["GOOGLE", "GEMINI"],
        "genai": ["GOOGLE", "GEMINI"], "vertex": ["VERTEX", "GOOGLE"], "vertexai": ["VERTEX", "GOOGLE"], "bedrock": ["BEDROCK", "AWS"],
        "aws": ["BEDROCK", "AWS"], "ollama": ["OLLAMA"], "groq": ["GROQ"], "mistral": ["MISTRAL"], "mistralai": ["MISTRAL"],
        "cohere": ["COHERE"], "together": ["TOGETHER"], "togetherai": ["TOGETHER"], "deepseek": ["DEEPSEEK"], "openrouter": ["OPENROUTER"],
        "fireworks": ["FIREWORKS"], "xai": ["XAI", "GROK"], "vllm": ["VLLM"], "localai": ["LOCALAI"], "huggingface": ["HUGGINGFACE", "HF"],
    ]
    static let selectorStems = Set(selectorValues.values.flatMap { $0 })

    /// The stems a provider selector (`LLM_PROVIDER=google`, `AI_PROVIDER=openai`) chooses, if one is set to a known provider.
    static func selectedStems(_ values: [(name: String, text: String)]) -> Set<String>? {
        for (name, text) in values {
            let upper = name.uppercased()
            guard upper.hasSuffix("PROVIDER"), !["EMBED", "VECTOR", "SEARCH", "AUTH", "STORAGE", "TTS", "STT", "SPEECH", "IMAGE", "OCR"]
                .contains(where: { upper.includes($0) }) else { continue }
            let key = text.lowercased().filter { $0.isLetter }
            if let stems = selectorValues[key] { return Set(stems) }
        }
        return nil
    }

    /// Whether a variable belongs to a provider other than the selected ones (`ANTHROPIC_MODEL` when `google` is chosen).
    static func namesOtherProvider(_ name: String, selected: Set<String>) -> Bool {
        var words = name.uppercased().split(separator: "_").map(String.init)
        // Front-end build prefixes carry no meaning here.
        while let first = words.first, ["VITE", "NEXT", "PUBLIC", "REACT", "APP", "NUXT"].contains(first) { words.removeFirst() }
        guard let first = words.first, selectorStems.contains(first) else { return false }
        return !selected.contains(first)
    }

    /// `OPENAI_BASE_URL` and `OPENAI_MODEL` share the stem `OPENAI`.
    static let stemMarkers = ["_MODEL", "_API_BASE", "_BASE_URL", "_BASE", "_ENDPOINT", "_URL", "_HOST", "_API_KEY", "_KEY", "_URI", "_SERVER",
                              "_ADDRESS", "_ADDR"]

    static func stem(_ name: String) -> String {
        let upper = name.uppercased()
        // The earliest marker: `LLM_SERVER_HOST_IP` and `LLM_MODEL` share the stem `LLM`.
        let starts = stemMarkers.compactMap { upper.byteOffset(of: $0) }
        guard var stem = starts.min().map({ String(Substring(upper.utf8.prefix($0))) }) else { return "" }
        // The protocol is not part of the name: `PARSE_HTTP_ENDPOINT` goes with `PARSE_MODEL_NAME`.
        for transport in ["_HTTP", "_GRPC", "_REST", "_HTTPS"] where stem.hasSuffix(transport) { stem.removeLast(transport.count) }
        return stem
    }

    func sameStem(_ a: String, _ b: String) -> Bool {
        let x = WorkloadAnalyzer.stem(a), y = WorkloadAnalyzer.stem(b)
        return !x.isEmpty && x == y
    }

    static let placeholder = try! NSRegularExpression(pattern: #"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$\(([A-Za-z_][A-Za-z0-9_]*)\)|^\$([A-Za-z_][A-Za-z0-9_]*)$"#)

    /// `${VAR}`, `${VAR:-default}`, `$VAR` and `$(VAR)` from the same environment; unknown ones stay as written.
    func substitute(_ text: String, _ values: [String: String]) -> String {
        guard text.includes("$") else { return text }
        if let literal = CIExpression.fallbackLiteral(text) { return literal }
        let regex = WorkloadAnalyzer.placeholder
        var result = text
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            // `${VAR}`, `$(VAR)`, or a whole value `$VAR` (a script's `--model "$MODEL_PATH"`).
            let nameRange = [1, 3, 4].map { match.range(at: $0) }.first { $0.location != NSNotFound } ?? match.range(at: 1)
            let name = (text as NSString).substring(with: nameRange)
            var replacement: String?
            if let value = values[name], !value.includes("${" + name) { replacement = value }
            else if let value = values[name], value.includes("${" + name + ":-") {
                // `MODEL=${MODEL:-org/name}` in a script: its own default.
                var others = values
                others[name] = nil
                replacement = substitute(value, others)
            }
            else if match.range(at: 2).location != NSNotFound { replacement = (text as NSString).substring(with: match.range(at: 2)) }
            if let replacement, let range = Range(match.range, in: result) { result.replaceSubrange(range, with: replacement) }
        }
        return result
    }

    func position(of token: RuntimeDetector.Token, in file: ManifestFile?) -> Located {
        let source = token.source
        let direct = Located(token.text, line: source.line, column: source.column + token.offset, file: source.file)
        // A one-line scalar maps offsets to columns; a folded or block scalar spans lines, so look the token up.
        guard let file, source.file == nil || source.file == file.path, let line = file.line(source.line) else { return direct }
        let utf8 = Array(line.utf8)
        let start = direct.column - 1
        if start >= 0, start + token.text.utf8.count <= utf8.count, Array(utf8[start..<start + token.text.utf8.count]) == Array(token.text.utf8) {
            return direct
        }
        return file.find(token.text, from: source.line, fallback: direct)
    }

    /// One usage per model per workload and place it runs: repeated mentions (label, served name, client, an args
    /// reference to an env var) are one usage. Mentions with different known runtimes (the same model on vLLM and on
    /// SGLang) stay apart; a mention with no runtime joins one that has it.
    func deduplicated(_ usages: [Usage]) -> [Usage] {
        // One usage is a group of its own, kept as it is (most workloads have one): no key made, nothing grouped.
        guard usages.count > 1 else { return usages }
        return deduplicatedInGroups(usages)
    }

    /// `deduplicated` for any number of usages.
    func deduplicatedInGroups(_ usages: [Usage]) -> [Usage] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, usage) in usages.enumerated() {
            let place = usage.hosting == .selfHosted ? "self-hosted" : (usage.api ?? "")
            let key = "\(usage.deployment)|\(WorkloadAnalyzer.identity(usage))|\(place)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        var result: [(Int, Usage)] = []
        for key in order {
            let members = groups[key]!
            let runtimes = members.compactMap { usages[$0].runtime }.filter { $0 != "unknown" }
            let distinct = runtimes.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if distinct.isEmpty {
                result.append(best(members, usages))
                continue
            }
            for (position, runtime) in distinct.enumerated() {
                let subgroup = members.filter { usages[$0].runtime == runtime || (position == 0 && (usages[$0].runtime ?? "unknown") == "unknown") }
                var (index, usage) = best(subgroup, usages)
                usage.runtime = runtime
                result.append((index, usage))
            }
        }
        return result.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The mention that best says where the model is: a command line, then an explicit model setting near the image
    /// it configures, then the image itself, then any other mention.
    private func best(_ members: [Int], _ usages: [Usage]) -> (Int, Usage) {
        let image = members.first { usages[$0].evidence == "image" }
        func rank(_ index: Int) -> Int {
            let usage = usages[index]
            // A placeholder says least, unless it carries its default (`${MODEL:-org/name}`).
            if let model = usage.model, model.hasPrefix("$") { return model.includes(":-") ? 1 : 0 }
            if usage.evidence == "command" { return 4 }
            if let image, index != image {
                let anchor = usages[image].location
                let near = usage.location.file == anchor.file && usage.location.line >= anchor.line && usage.location.line - anchor.line <= 20
                return near ? 3 : 1
            }
            return 2
        }
        let chosen = members.max { a, b in rank(a) != rank(b) ? rank(a) < rank(b) : a > b }!
        return (chosen, usages[chosen])
    }

    /// What a usage names, comparable across spellings: normalised, image registries and tags dropped.
    static func identity(_ usage: Usage) -> String {
        guard let name = usage.catalogName ?? usage.model else { return "api:\(usage.api ?? usage.runtime ?? "")" }
        var key = Catalog.normalize(name)
        if key.hasPrefix("nvcr.io/nim/") {
            key.removeFirst("nvcr.io/nim/".count)
            if let colon = key.lastIndex(of: ":") { key = String(key[..<colon]) }
        }
        return key
    }

}

/// Answers about variable names, each computed once per name and audit: the same few names (`OPENAI_BASE_URL`,
/// `LLM_MODEL`) recur in every file of an estate, and each answer costs dozens of substring searches.
final class VariableNames: Sendable {
    struct Traits: Sendable {
        /// `isURLVariable`: a URL, base or host by name.
        let url: Bool
        /// `isModelAPIVariable`: plausibly a model API's address.
        let modelAPI: Bool
        /// `isModelVariable`: a model id by name.
        let model: Bool
    }

    private let known = Mutex<[String: Traits]>([:])

    func traits(of name: String) -> Traits {
        if let found = known.withLock({ $0[name] }) { return found }
        let traits = Traits(url: WorkloadAnalyzer.isURLVariableName(name), modelAPI: WorkloadAnalyzer.isModelAPIVariable(name),
                            model: WorkloadAnalyzer.isModelVariableName(name))
        known.withLock { $0[name] = traits }
        return traits
    }
}

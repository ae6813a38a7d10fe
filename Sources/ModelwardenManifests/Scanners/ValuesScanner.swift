import Foundation
import ModelwardenCore
import ModelwardenYAML

/// Helm values and application configs (YAML or JSON) that no other scanner claims: model keys at any
/// nesting, UPPER_SNAKE env maps, container-like blocks with image and args, and JSON model lists
/// embedded in strings. Entries marked `enabled: false` or `deploy: false` are not usages.
public struct ValuesScanner: ManifestScanner {
    public let format = "values"

    static let modelKeys: Set<String> = ["model", "modelid", "model_id", "modelname", "model_name", "llmmodel", "llm_model",
                                         "hfmodel", "hf_model", "modelrepo", "model_repo", "pretrained_model", "base_model",
                                         "modelpath", "model_path", "defaultmodel", "default_model", "chatmodel", "chat_model",
                                         "embeddingmodel", "embedding_model", "embedmodel", "rerankmodel", "rerank_model"]
    /// Key endings that name a model whatever their prefix (`llm_modelid`, `modelURL`, `embedding_model_name`).
    static let modelKeySuffixes = ["modelid", "modelname", "modelurl", "modeluri", "modelrepo", "modelrepository"]
    /// Roles that, before `model`, make a key a model key (`summarization_model`, `visionModel`), where `datamodel` is not.
    static let modelRoles: Set<String> = ["llm", "chat", "embed", "embedding", "embeddings", "rerank", "reranker", "reranking", "vision",
                                          "vlm", "completion", "completions", "instruct", "generation", "generator", "summary",
                                          "summarization", "summarizer", "default", "base", "fallback", "fast", "smart", "small", "large",
                                          "code", "coder", "reasoning", "agent", "judge", "guard", "safety", "classifier", "tool", "text",
                                          "image", "speech", "transcription", "whisper", "ocr", "draft", "teacher", "student"]

    /// Whether a key names a model: the known keys, then any key ending in a model suffix or in a role and `model`.
    static func isModelKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        if modelKeys.contains(lower) { return true }
        let compact = lower.filter { $0 != "_" && $0 != "-" && $0 != "." }
        if modelKeySuffixes.contains(where: { compact.hasSuffix($0) }) { return true }
        guard compact.hasSuffix("model") else { return false }
        return modelRoles.contains(String(compact.dropLast(5)))
    }

    static let urlKeys: Set<String> = ["api_base", "apibase", "base_url", "baseurl", "api_url", "apiurl", "endpoint", "api_endpoint", "openai_api_base", "host"]
    static let servedNameKeys: Set<String> = ["servedmodelname", "served_model_name", "served-model-name"]
    static let listKeys: Set<String> = ["models", "pull", "run", "modellist", "model_list", "create"]

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool { document.isMapping || document.isSequence }

    /// Keys that say which server the models below them run on (`vllm: {models: [...]}`).
    static let runtimeKeys: [String: String] = ["vllm": "vllm", "sglang": "sglang", "ollama": "ollama", "tgi": "tgi", "tei": "tei",
                                                "llamacpp": "llamacpp", "llama-cpp": "llamacpp", "llama_cpp": "llamacpp", "localai": "localai",
                                                "nim": "nim", "text-generation-inference": "tgi", "text-embeddings-inference": "tei"]

    /// Keys that say which API the models below them are sent to (`azopenai: {llm_model: ...}`); the models
    /// are named as that provider's variables so the analyser treats them as such.
    static let providerKeys: [String: String] = ["openai": "OPENAI", "azopenai": "AZURE_OPENAI", "azure_openai": "AZURE_OPENAI",
                                                 "azureopenai": "AZURE_OPENAI", "azure-openai": "AZURE_OPENAI", "anthropic": "ANTHROPIC",
                                                 "gemini": "GEMINI", "google": "GEMINI", "vertex": "VERTEX", "vertexai": "VERTEX", "vertex_ai": "VERTEX",
                                                 "bedrock": "BEDROCK", "mistral": "MISTRAL", "groq": "GROQ", "cohere": "COHERE"]

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        emit(document, ref: ValuesScanner.deployment(for: file), labelsFrom: document, file: file, into: &result)
    }

    /// What the values of a file configure: named after the file, in its folder.
    static func deployment(for file: ManifestFile) -> DeploymentRef {
        let directory = file.path.split(separator: "/").dropLast().last.map(String.init)
        let kind = JSONWithComments.isJSONFileName(file.name.lowercased()) ? "Config" : "Values"
        return DeploymentRef(kind: kind, namespace: directory, name: file.name)
    }

    private func emit(_ node: YAMLNode, ref: DeploymentRef, labelsFrom labelNode: YAMLNode, file: ManifestFile, into result: inout FileScan) {
        var buckets: [String: [EnvVar]] = [:]
        var containers: [ContainerSpec] = []
        // The chart's own image says what the values configure (`image: {repository: ollama/ollama}`).
        let chartImage = Located(labelNode["image"]) ?? imageFromParts(labelNode["image"])
        let chartRuntime = RuntimeDetector.runtime(image: chartImage?.text, command: [])
        collect(node, key: nil, inList: false, runtime: chartRuntime, file: file, buckets: &buckets, containers: &containers)
        // A model whose endpoint is a subchart switched off here (`nim-vlm: {enabled: false}` beside
        // `VLM_CAPTION_ENDPOINT: http://nim-vlm:8000`) is not in use.
        let disabled = disabledSubcharts(node)
        if !disabled.isEmpty {
            for (context, env) in buckets { buckets[context] = ValuesScanner.droppingModels(env, servedBy: disabled) }
        }
        // The chart's server image, so a server chart that names no model is still seen.
        if chartRuntime != nil, let chartImage { containers.append(ContainerSpec(name: "chart", image: chartImage)) }
        guard !buckets.isEmpty || !containers.isEmpty else { return }
        let labels = stringMap(labelNode["podLabels"]).merging(stringMap(labelNode["podAnnotations"])) { _, new in new }
        result.deployments.append(Deployment(ref: ref, location: file.location(node.mark), labels: labels))
        for (context, env) in buckets.sorted(by: { $0.key < $1.key }) {
            if context.hasPrefix("api:") {
                let stem = String(context.dropFirst(4))
                containers.insert(ContainerSpec(name: "values", env: env.named(forStem: stem)), at: 0)
            } else {
                containers.insert(ContainerSpec(name: "values", env: env, runtimeHint: context.isEmpty ? nil : context), at: 0)
            }
        }
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }

    /// Keys of mappings switched off anywhere in the values: the subcharts (and so the Service names) that do not exist.
    private func disabledSubcharts(_ root: YAMLNode) -> Set<String> {
        var names = Set<String>()
        root.walk { node, path in
            if let key = path.last, node.isMapping, isDisabled(node) { names.insert(key.lowercased()) }
        }
        return names
    }

    /// Removes model variables whose same-stem endpoint's host is (or is named after) a disabled subchart.
    static func droppingModels(_ env: [EnvVar], servedBy disabled: Set<String>) -> [EnvVar] {
        var deadStems = Set<String>()
        for variable in env {
            guard let text = variable.value?.text, let (host, _) = EndpointClassifier.host(of: text) else { continue }
            let service = host.split(separator: ".").first.map { $0.lowercased() } ?? ""
            if disabled.contains(where: { service == $0 || service.hasPrefix($0 + "-") }) {
                let stem = WorkloadAnalyzer.stem(variable.name)
                if !stem.isEmpty { deadStems.insert(stem) }
            }
        }
        guard !deadStems.isEmpty else { return env }
        return env.filter { variable in
            !(variable.name.uppercased().includes("MODEL") && deadStems.contains(WorkloadAnalyzer.stem(variable.name)))
        }
    }

    private func isDisabled(_ node: YAMLNode) -> Bool {
        for key in ["enabled", "deploy", "enable", "deployed"] where node[key]?.bool == false { return true }
        return false
    }

    private func collect(_ node: YAMLNode, key: String?, inList: Bool, runtime: String?, file: ManifestFile,
                         buckets: inout [String: [EnvVar]], containers: inout [ContainerSpec]) {
        var env = buckets[runtime ?? "", default: []]
        defer { buckets[runtime ?? ""] = env.isEmpty ? nil : env }
        switch node.content {
        case .scalar(let text, _):
            guard let key, let located = Located(node) else { return }
            let lower = key.lowercased()
            if ValuesScanner.isEnvName(key) {
                env.append(EnvVar(name: key, nameLocation: located, value: located))
                if lower.includes("model"), let json = embeddedJSON(text) {
                    for id in modelIDs(in: json) {
                        env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: file.find(id, from: located.line, fallback: Located(id, line: located.line, column: located.column))))
                    }
                }
            } else if ValuesScanner.urlKeys.contains(lower), text.hasPrefix("http") {
                env.append(EnvVar(name: "BASE_URL", nameLocation: located, value: located))
            } else if ValuesScanner.isModelKey(key) || (inList && ["name", "id", "source"].contains(lower)) || (key == "[]" && inList) {
                // Numbered, so several model keys of one file stay apart.
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: located))
            }
        case .sequence(let items):
            let listOfModels = key.map { ValuesScanner.listKeys.contains($0.lowercased()) } ?? false
            buckets[runtime ?? ""] = env.isEmpty ? nil : env
            for item in items where !(item.isMapping && isDisabled(item)) {
                collect(item, key: listOfModels ? "[]" : nil, inList: listOfModels, runtime: runtime, file: file, buckets: &buckets, containers: &containers)
            }
            env = buckets[runtime ?? "", default: []]
        case .mapping(let pairs):
            if isDisabled(node) { return }
            if node["image"] != nil && (node["args"] != nil || node["command"] != nil) {
                containers.append(ContainerSpec(name: key ?? "container", image: Located(node["image"]) ?? imageFromParts(node["image"]),
                                                command: locatedStrings(node["command"]), args: locatedStrings(node["args"])))
            } else if let image = node["image"], image.isMapping, image["command"] != nil || image["args"] != nil {
                // Charts that keep the launch command with the image (`image: {repository, tag, command: [...]}`).
                containers.append(ContainerSpec(name: key ?? "container", image: imageFromParts(image),
                                                command: locatedStrings(image["command"]), args: locatedStrings(image["args"])))
            }
            // `model: /model` with `servedModelName: X`: weights from a folder are named only by the served name.
            if let served = pairs.first(where: { ValuesScanner.servedNameKeys.contains($0.key.scalar?.lowercased() ?? "") }),
               let name = Located(served.value), RuntimeDetector.isModelValue(name.text),
               pairs.contains(where: { ValuesScanner.modelKeys.contains($0.key.scalar?.lowercased() ?? "") && RuntimeDetector.isFolderPath($0.value.scalar ?? "") }) {
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: name, value: name))
            }
            // A `{name, value}` env list entry.
            if let name = node["name"]?.string, ValuesScanner.isEnvName(name), node["value"] != nil, let nameLocation = Located(node["name"]) {
                if let value = Located(node["value"]) { env.append(EnvVar(name: name, nameLocation: nameLocation, value: value)) }
                return
            }
            // A NIM chart's image names the model (`nvcr.io/nim/meta/llama3-8b-instruct`, or `${model_id}` before rendering);
            // a placeholder `model.name` beside it (`${name}`) is then only the name the model is served under.
            var imageNamesModel = false
            if let image = node["image"], let repository = Located(image["repository"]) ?? Located(image) {
                if RuntimeDetector.nimModel(image: repository.text) != nil {
                    env.append(EnvVar(name: "NIM_IMAGE_\(env.count)", nameLocation: repository, value: repository))
                    imageNamesModel = true
                } else if RuntimeDetector.isModelPlaceholder(repository.text) {
                    env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: repository, value: repository))
                    imageNamesModel = true
                }
            }
            buckets[runtime ?? ""] = env.isEmpty ? nil : env
            // `default: openAI` beside `openAI: {...}`, `ollama: {...}`: only the selected alternative is used.
            let selected = ["default", "selected", "active"].compactMap { node[$0]?.string?.lowercased() }.first { choice in
                pairs.contains { $0.key.scalar?.lowercased() == choice && $0.value.isMapping }
            }
            // A client entry with its own base URL and model list (LibreChat's `endpoints.custom[]`): its models go to that
            // URL, so they are read as one client of it rather than mixed with the file's other endpoints.
            var handled = Set<String>()
            if let urlPair = pairs.first(where: { ValuesScanner.urlKeys.contains($0.key.scalar?.lowercased() ?? "") && ($0.value.scalar ?? "").hasPrefix("http") }),
               let url = Located(urlPair.value), let list = node["models"].flatMap({ $0.sequence != nil ? $0 : $0["default"] })?.sequence {
                let models = list.compactMap { Located($0) }.filter { RuntimeDetector.isModelValue($0.text) }
                if !models.isEmpty {
                    var client = [EnvVar(name: "BASE_URL", nameLocation: url, value: url)]
                    for model in models { client.append(EnvVar(name: "MODEL_\(client.count)", nameLocation: model, value: model)) }
                    containers.append(ContainerSpec(name: node["name"]?.scalar ?? key ?? "endpoint", env: client))
                    handled = ["models", urlPair.key.scalar ?? ""]
                }
            }
            // `{repository: vllm/vllm-openai, modelURL: ...}` (a model spec that names its server image beside the model).
            // `{provider: ollama, model: X}` (app configs such as Continue's) or `{endpoint: anthropic, model: X}` (LibreChat
            // presets): the provider names the server or the API of its model.
            let named = (node["provider"] ?? node["endpoint"])?.string?.lowercased()
            let providerRuntime = named.flatMap { ValuesScanner.runtimeKeys[$0] ?? ValuesScanner.providerKeys[$0].map { "api:\($0)" } }
            let specRuntime = node["repository"]?.string.flatMap { RuntimeDetector.runtime(image: $0, command: []) } ?? providerRuntime ?? runtime
            for pair in pairs {
                guard let childKey = pair.key.scalar else { continue }
                if let selected, pair.value.isMapping, childKey.lowercased() != selected { continue }
                if handled.contains(childKey) { continue }
                if imageNamesModel && childKey == "model", let served = pair.value["name"]?.scalar, served.includes("${") || served.includes("{{") {
                    continue
                }
                if ["args", "command", "image", "labels", "annotations", "podLabels", "podAnnotations", "nodeSelector", "tolerations", "resources", "ingress"].contains(childKey) { continue }
                let childRuntime = ValuesScanner.runtimeKeys[childKey.lowercased()]
                    ?? ValuesScanner.providerKeys[childKey.lowercased()].map { "api:\($0)" } ?? specRuntime
                // `{name: alias, model: real-id}` or `{id: alias, source: org/model}`: the name is what clients call it.
                let source = node["source"]?.scalar.map(RuntimeDetector.isRepositoryID) == true
                let aliasOnly = ["name", "id"].contains(childKey.lowercased()) && (node["model"]?.scalar != nil || source)
                // `model: {name: X}` names the model like `models: [{name: X}]` does.
                let describesModel = inList || key.map { ValuesScanner.modelKeys.contains($0.lowercased()) } == true
                let namesModel = ["name", "id", "model"].contains(childKey.lowercased()) || (source && childKey.lowercased() == "source")
                collect(pair.value, key: childKey, inList: describesModel && !aliasOnly && namesModel, runtime: childRuntime,
                        file: file, buckets: &buckets, containers: &containers)
            }
            env = buckets[runtime ?? "", default: []]
        }
    }

    private func imageFromParts(_ node: YAMLNode?) -> Located? {
        guard let node, let repository = Located(node["repository"]) else { return nil }
        var image = repository
        if let registry = node["registry"]?.string { image.text = registry + "/" + image.text }
        if let tag = node["tag"]?.string { image.text += ":" + tag }
        return image
    }

    static func isEnvName(_ key: String) -> Bool {
        guard key.count >= 3, let first = key.first, first.isUppercase || first == "_" else { return false }
        return key.allSatisfy { ($0.isUppercase && $0.isASCII) || $0.isNumber || $0 == "_" }
    }

    private func embeddedJSON(_ text: String) -> Any? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("[") || trimmed.hasPrefix("{") else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))
    }

    /// `id` / `model` / `name` of the objects of an embedded model list, in order.
    private func modelIDs(in json: Any) -> [String] {
        var ids: [String] = []
        let objects = (json as? [Any]) ?? [json]
        for case let object as [String: Any] in objects {
            if object["enabled"] as? Bool == false { continue }
            if let id = (object["id"] ?? object["model"] ?? object["name"]) as? String { ids.append(id) }
        }
        return ids
    }
}

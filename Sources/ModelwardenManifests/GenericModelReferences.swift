import ModelwardenCore
import ModelwardenYAML

/// A value of a structured file with what surrounds it: the keys above it (or the flag before it) and the scalars
/// beside it and in the mappings that enclose it, nearest first, which say where its requests go.
struct KeyedValue {
    var path: [String]
    var value: Located
    var neighbours: [(key: String, value: String)] = []
    /// The other keys of the mapping that holds it.
    var siblings: [String] = []
}

/// The generic model-reference pass (issue 15): what makes a never-seen format mostly right. In a structured file
/// that no format scanner claimed (YAML and JSON left to the values reader, TOML other than Codex's layout, env
/// files, shell scripts that launch no server), a value is a usage only when both
/// - its context says model: a model key (`model`, `llm`, `model_id`, `engine`, `deployment`, `embedder.model`), a
///   generic slot of a model holder (`model: {name: X}`), a `--model`/`-m` argument, or a provider prefix
///   (`openai:gpt-4o`, `azure:chat:X`, `ollama:chat:X`, `bedrock:...`, `anthropic/...`, `hf://org/name`); and
/// - the catalog recognises it with confidence (one word, mostly the model's name; `CodeScanner.confidentMatch`).
/// Prose never counts: descriptions, labels, prompts and comments are skipped, as are entries switched off and
/// alternatives not selected. Data files never reach this pass (their role is decided first). A value that a
/// scanner or the analyser already read is theirs: the pass only adds lines nobody else reported.
struct GenericModelReferences {
    let catalog: Catalog

    /// Evidence of every usage of this pass; the auditor lets any other reader of the same line win.
    static let evidencePrefix = "model reference"

    // MARK: - Context: does the place say "model"?

    /// Keys whose values are words for people or tags, never the model in use.
    static let proseKeys: Set<String> = ["description", "desc", "summary", "prompt", "prompts", "system_prompt", "systemprompt", "instructions",
                                         "instruction", "template", "label", "labels", "title", "comment", "comments", "help", "text", "content",
                                         "message", "messages", "example", "examples", "notes", "note", "backstory", "goal", "role", "annotations",
                                         "tags", "readme", "changelog", "input", "output", "expected", "question", "answer", "docs"]
    /// Short keys that name the model in agent and app configs beside the ones the values reader knows (DSPy's `lm`).
    static let extraModelKeys: Set<String> = ["lm", "llm", "engine", "deployment", "deployment_name", "azure_deployment", "deploymentname"]

    /// Words that make a model-like key the name the model is shown or served under (`served_model_name`,
    /// `model_alias`, `display_model`), not the model itself.
    static let aliasWords: Set<String> = ["served", "alias", "display", "public", "label", "nickname"]

    /// Whether the key of a value says model, given the key of the mapping that holds it.
    static func saysModel(key: String, parent: String?) -> Bool {
        let lower = key.lowercased()
        if proseKeys.contains(lower) || ModelNames.words(key).contains(where: { aliasWords.contains($0) }) { return false }
        if ValuesScanner.isModelKey(key) || extraModelKeys.contains(lower) || ModelNames.isModelName(key) { return true }
        // `teacher_lm`, `judge_llm`: a role and the model that plays it.
        if let last = ModelNames.words(key).last, ["lm", "llm"].contains(last) { return true }
        // `model: {name: gpt-4o}`, `llm: {id: ...}`: a generic slot of something that holds a model's settings.
        return ModelNames.isGeneric(key) && ModelNames.isModelHolder(parent)
    }

    /// Flags whose next word (or `=value`) is the model: `--model`, `-m`, `--model-id`, `--weak-model`, `--llm`.
    static func isModelFlag(_ word: String) -> Bool {
        guard word.hasPrefix("-") else { return false }
        if word == "-m" { return true }
        guard word.hasPrefix("--") else { return false }
        let name = String(word.dropFirst(2))
        if ModelNames.words(name).contains(where: { aliasWords.contains($0) }) { return false }
        return extraModelKeys.contains(name.replacingOccurrences(of: "-", with: "_")) || ModelNames.isModelName(name)
    }

    /// Whether the value itself says where it goes: a provider or server prefix, or a Hugging Face URI.
    func hasProviderPrefix(_ text: String) -> Bool {
        text.hasPrefix("hf://") || ProviderPrefix.split(text) != nil || catalog.provider(forPrefixOf: text) != nil
            || GenericModelReferences.localPrefixes.contains { text.lowercased().hasPrefix($0.prefix) }
    }

    // MARK: - Reading YAML and JSON

    /// The scalars of a document with their paths and neighbours; prose, switched-off entries and unselected
    /// alternatives left out; command lists read for their `--model` arguments.
    static func values(in node: YAMLNode, path: [String] = [], neighbours: [(key: String, value: String)] = [],
                       siblings: [String] = []) -> [KeyedValue] {
        switch node.content {
        case .scalar:
            guard let located = Located(node), !path.isEmpty else { return [] }
            return [KeyedValue(path: path, value: located, neighbours: neighbours, siblings: siblings)]
        case .sequence(let items):
            let words = items.compactMap { Located($0) }
            if words.count == items.count, words.contains(where: { isModelFlag($0.text) || $0.text.includes("--") }) {
                return arguments(words, path: path, neighbours: neighbours)
            }
            return items.filter { !isSwitchedOff($0) }.flatMap { values(in: $0, path: path + ["[]"], neighbours: neighbours) }
        case .mapping(let pairs):
            if isSwitchedOff(node) { return [] }
            let scalars = pairs.compactMap { pair in pair.key.scalar.flatMap { key in pair.value.string.map { (key: key, value: $0) } } }
            let around = scalars + neighbours
            let selected = selectedAlternative(node)
            var result: [KeyedValue] = []
            let keys = pairs.compactMap { $0.key.scalar }
            for pair in pairs {
                // UPPER_SNAKE keys are an env map's variables: the values reader hands them all to the analyser.
                guard let key = pair.key.scalar, !proseKeys.contains(key.lowercased()), !ValuesScanner.isEnvName(key) else { continue }
                if let selected, pair.value.isMapping, key.lowercased() != selected { continue }
                result += values(in: pair.value, path: path + [key], neighbours: around, siblings: keys.filter { $0 != key })
            }
            return result
        }
    }

    /// `{enabled: false}`, `{deploy: false}`: an entry that is not in use.
    static func isSwitchedOff(_ node: YAMLNode) -> Bool {
        ["enabled", "enable", "deploy", "deployed", "active"].contains { node[$0]?.bool == false }
    }

    /// `default: openai` beside `openai: {...}` and `ollama: {...}`: only the named alternative is in use.
    static func selectedAlternative(_ node: YAMLNode) -> String? {
        let pairs = node.pairs ?? []
        return ["default", "selected", "active", "provider", "use"].compactMap { node[$0]?.string?.lowercased() }.first { choice in
            pairs.contains { $0.key.scalar?.lowercased() == choice && $0.value.isMapping }
        }
    }

    // MARK: - Reading words (command lists, script lines)

    /// The values after model flags in a list of words (`["--model", "X"]`, `--model=X`); `python -m module` is not one.
    static func arguments(_ words: [Located], path: [String], neighbours: [(key: String, value: String)]) -> [KeyedValue] {
        var result: [KeyedValue] = []
        for (index, word) in words.enumerated() {
            if let eq = word.text.firstIndex(of: "="), isModelFlag(String(word.text[..<eq])) {
                let flag = String(word.text[..<eq])
                let value = String(word.text[word.text.index(after: eq)...])
                let column = word.column + word.text.utf8.distance(from: word.text.startIndex, to: eq) + 1
                result.append(KeyedValue(path: path + [flag], value: Located(value, line: word.line, column: column, file: word.file), neighbours: neighbours))
                continue
            }
            guard isModelFlag(word.text), index + 1 < words.count else { continue }
            if word.text == "-m", index > 0, ["python", "python3", "uv", "pip", "py"].contains(where: { words[index - 1].text.hasSuffix($0) }) { continue }
            result.append(KeyedValue(path: path + [word.text], value: words[index + 1], neighbours: neighbours))
        }
        return result
    }

    /// The words of one shell line with their columns, quotes removed; an inline comment ends the line.
    static func words(of line: ShellText.Line, file: ManifestFile) -> [Located] {
        var result: [Located] = []
        var current = ""
        var start = 0
        var quote: Character?
        var column = line.column
        for character in line.text {
            defer { column += character.utf8.count }
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                if current.isEmpty { start = column + 1 }
                quote = character
            } else if character == " " || character == "\t" {
                if !current.isEmpty { result.append(Located(current, line: line.line, column: start, file: file.path)) }
                current = ""
            } else if character == "#" && current.isEmpty {
                break
            } else {
                if current.isEmpty { start = column }
                current.append(character)
            }
        }
        if !current.isEmpty { result.append(Located(current, line: line.line, column: start, file: file.path)) }
        return result
    }

    /// Model arguments of a script's command lines; lines that only print (`echo`, `printf`) are prose.
    static func scriptArguments(_ file: ManifestFile) -> [KeyedValue] {
        ShellText.logicalLines(of: file).flatMap { line -> [KeyedValue] in
            let words = words(of: line, file: file)
            guard let first = words.first?.text, !["echo", "printf", "cat", "log", "info"].contains(first) else { return [] }
            let assignments = words.compactMap { word -> (key: String, value: String)? in
                guard let eq = word.text.firstIndex(of: "=") else { return nil }
                return (String(word.text[..<eq]), String(word.text[word.text.index(after: eq)...]))
            }
            return arguments(words, path: [], neighbours: assignments)
        }
    }

    // MARK: - Reading TOML and env files

    /// Every `key = "string"` of a TOML file, with the other strings of its table as neighbours.
    static func values(inTOML file: ManifestFile) -> [KeyedValue] {
        let entries = TOMLLocator(file).strings
        return entries.map { entry in
            let table = entry.path.dropLast()
            let neighbours = entries.filter { $0.path.dropLast() == table && $0.path != entry.path }.map { ($0.path.last ?? "", $0.value.text) }
            return KeyedValue(path: entry.path, value: entry.value, neighbours: neighbours)
        }.filter { !$0.path.contains { proseKeys.contains($0.lowercased()) } }
    }

    /// The variables of an env file the analyser does not read as models (`LLM=openai:gpt-4o`, `CHAT_ENGINE=...`),
    /// leaving out those of a provider another variable deselects and those a `USE_X=false` switch turns off.
    static func values(inEnv variables: [EnvVar]) -> [KeyedValue] {
        let pairs = variables.compactMap { variable in variable.value.map { (key: variable.name, value: $0.text) } }
        let selected = WorkloadAnalyzer.selectedStems(pairs.map { ($0.key, $0.value) })
        let off = Set(pairs.compactMap { pair -> String? in
            let words = pair.key.uppercased().split(separator: "_")
            guard words.count >= 2, ["USE", "ENABLE"].contains(words[0]), ["false", "0", "no"].contains(pair.value.lowercased()) else { return nil }
            return String(words[1])
        })
        return variables.compactMap { variable in
            guard let value = variable.value, !variable.name.uppercased().includes("MODEL") else { return nil }
            if let selected, WorkloadAnalyzer.namesOtherProvider(variable.name, selected: selected) { return nil }
            if variable.name.uppercased().split(separator: "_").contains(where: { off.contains(String($0)) }) { return nil }
            return KeyedValue(path: [variable.name], value: value, neighbours: pairs)
        }
    }

    // MARK: - From values to usages

    /// The usages among the values: context and catalog both agree.
    func usages(_ values: [KeyedValue], deployment: DeploymentRef, file: ManifestFile) -> [Usage] {
        values.compactMap { item in
            // A bare list of ids is a list (of choices, of supported models), not the one in use.
            guard item.path.last != "[]" else { return nil }
            let text = item.value.text
            let key = item.path.last(where: { $0 != "[]" }) ?? ""
            let parent = item.path.dropLast().last(where: { $0 != "[]" })
            var keySays = key.hasPrefix("-") ? GenericModelReferences.isModelFlag(key) : GenericModelReferences.saysModel(key: key, parent: parent)
            // `{name: llama3, modelURL: meta-llama/...}`: beside a key that names the model, a generic slot is its alias.
            if keySays, ModelNames.isGeneric(key), item.siblings.contains(where: { GenericModelReferences.saysModel(key: $0, parent: parent) }) {
                keySays = false
            }
            guard keySays || (hasProviderPrefix(text) && !item.path.contains("[]")), let match = confidentMatch(text) else { return nil }
            let place = self.place(of: text, neighbours: item.neighbours, match: match)
            let location = SourceLocation(file: item.value.file ?? file.path, line: item.value.line, column: item.value.column)
            let written = item.path.filter { $0 != "[]" }.joined(separator: ".")
            return Usage(deployment: deployment, model: text, location: location, hosting: place.hosting, runtime: place.runtime, api: place.api,
                         endpoints: place.endpoints, evidence: "\(GenericModelReferences.evidencePrefix) \(written)")
        }
    }

    /// The catalog entry of a confident id, its request kind (`chat:` of `azure:chat:X`) set aside.
    func confidentMatch(_ text: String) -> ModelMatch? {
        guard !Secrets.looksLikeKey(text), text != Secrets.redacted else { return nil }
        var name = text.hasPrefix("hf://") ? String(text.dropFirst(5)) : text
        if let (_, rest) = ProviderPrefix.split(name) { name = rest }
        for kind in ["chat:", "completion:", "completions:", "embedding:", "embeddings:", "messages:", "responses:", "converse:"] where name.hasPrefix(kind) {
            name.removeFirst(kind.count)
        }
        for local in GenericModelReferences.localPrefixes where name.lowercased().hasPrefix(local.prefix) { name.removeFirst(local.prefix.count) }
        return CodeScanner(catalog: catalog).confidentMatch(name)
    }
}

// MARK: - Where the requests go

extension GenericModelReferences {
    struct Place {
        var hosting: Hosting
        var api: String?
        var runtime: String?
        var endpoints: [String] = []
    }

    /// Prefixes of local servers in LiteLLM and app configs.
    static let localPrefixes: [(prefix: String, runtime: String)] = [("ollama/", "ollama"), ("ollama_chat/", "ollama"), ("hosted_vllm/", "vllm"),
                                                                   ("ollama://", "ollama"), ("lm_studio/", "lmstudio")]

    /// Provider and server names as configs write them (`provider: azure_openai`, `class_name: AzureOpenAI`,
    /// `api_type: azure`), letters only, lower case.
    static let namedPlaces: [String: (api: String?, runtime: String?)] = {
        var table: [String: (api: String?, runtime: String?)] = [:]
        for (word, api) in ProviderPrefix.providers { table[word.filter(\.isLetter)] = (api, nil) }
        for (word, runtime) in ProviderPrefix.runtimes { table[word.filter(\.isLetter)] = (nil, runtime) }
        for (word, runtime) in ValuesScanner.runtimeKeys { table[word.filter(\.isLetter)] = (nil, runtime) }
        let more: [String: String] = ["azureopenai": "azure-openai", "azurechatopenai": "azure-openai", "azuread": "azure-openai",
                                      "chatopenai": "openai", "chatanthropic": "anthropic", "awsbedrock": "aws-bedrock", "chatbedrock": "aws-bedrock",
                                      "googlegenai": "google-gemini-api", "googlegemini": "google-gemini-api", "vertexai": "google-vertex-ai",
                                      "googlevertexai": "google-vertex-ai", "claude": "anthropic", "mistralai": "mistral"]
        for (word, api) in more { table[word] = (api, nil) }
        table["chatollama"] = (nil, "ollama")
        return table
    }()

    /// Keys whose value names the provider or server (`provider`, `api_type`, `class_name`, `llm_provider`).
    static func namesPlace(_ key: String) -> Bool {
        let words = ModelNames.words(key)
        return ["provider", "type", "class", "backend", "client", "vendor", "service"].contains(words.last ?? "") || key.lowercased() == "class_name"
    }

    /// Keys whose value is where requests go (`base_url`, `api_base`, `apiHost`, `ollama_base_url`, `OPENAI_BASE_URL`).
    static func namesURL(_ key: String) -> Bool {
        let compact = key.lowercased().filter { $0.isLetter }
        return ["url", "base", "host", "endpoint", "uri"].contains { compact.hasSuffix($0) }
    }

    /// Where a model goes: its prefix, then its neighbours (a base URL, a provider name, a provider's key), then
    /// what the catalog knows (a closed model is reached through its maker's API).
    func place(of text: String, neighbours: [(key: String, value: String)], match: ModelMatch) -> Place {
        if let place = placeByPrefix(text) { return place }
        for neighbour in neighbours {
            if let place = placeByNeighbour(neighbour) { return place }
        }
        if let serving = catalog.provider(servingOnly: text) { return Place(hosting: .externalAPI, api: serving.id) }
        if !match.model.openWeights { return Place(hosting: .externalAPI, api: CodeHosting.makersAPI(vendor: match.model.vendor, catalog: catalog)) }
        return Place(hosting: .selfHosted, runtime: "unknown")
    }

    func placeByPrefix(_ text: String) -> Place? {
        let lower = text.lowercased()
        if let local = GenericModelReferences.localPrefixes.first(where: { lower.hasPrefix($0.prefix) }) {
            return Place(hosting: .selfHosted, runtime: local.runtime)
        }
        if let (prefix, _) = ProviderPrefix.split(text) {
            if let runtime = ProviderPrefix.runtimes[prefix] { return Place(hosting: .selfHosted, runtime: runtime) }
            return Place(hosting: .externalAPI, api: ProviderPrefix.providers[prefix])
        }
        if let (provider, _) = catalog.provider(forPrefixOf: text) { return Place(hosting: .externalAPI, api: provider.id) }
        return nil
    }

    func placeByNeighbour(_ neighbour: (key: String, value: String)) -> Place? {
        let (key, value) = neighbour
        if GenericModelReferences.namesURL(key), value.includes("://"), let endpoint = EndpointClassifier.classify(value, catalog: catalog) {
            switch endpoint {
            case .provider(let id, let host): return Place(hosting: .externalAPI, api: id, endpoints: [host])
            case .inHouse(let host, let hint): return Place(hosting: .selfHosted, runtime: hint ?? "unknown", endpoints: [host])
            case .unknownExternal(let host): return Place(hosting: .externalAPI, api: "openai-compatible", endpoints: [host])
            }
        }
        if GenericModelReferences.namesPlace(key), let named = GenericModelReferences.namedPlaces[value.lowercased().filter(\.isLetter)] {
            if let runtime = named.runtime { return Place(hosting: .selfHosted, runtime: runtime) }
            if let api = named.api, catalog.providers[api] != nil { return Place(hosting: .externalAPI, api: api) }
        }
        // A provider's key beside the model (`openai_api_key`, `ANTHROPIC_API_KEY`).
        if Secrets.isSecretName(key.uppercased()), let provider = catalog.provider(forEnvVar: key.uppercased()),
           !WorkloadAnalyzer.weakEvidence.contains(key.uppercased()) {
            return Place(hosting: .externalAPI, api: provider.id)
        }
        return nil
    }
}

// MARK: - Joining a file's scan and the audit

extension GenericModelReferences {
    /// Adds the usages of `values` to a file's scan, leaving out lines its scanner already read (a value the values
    /// reader handed to the analyser is the analyser's to judge, even when it finds no model there).
    func add(_ values: [KeyedValue], deployment: DeploymentRef, file: ManifestFile, to scan: inout FileScan) {
        let claimed = GenericModelReferences.claimedLines(scan, file: file.path)
        let found = usages(values, deployment: deployment, file: file).filter { !claimed.contains($0.location.line) }
        guard !found.isEmpty else { return }
        if !scan.deployments.contains(where: { $0.ref == deployment }) {
            scan.deployments.append(Deployment(ref: deployment, location: SourceLocation(file: file.path, line: 1, column: 1)))
        }
        scan.usages += found
    }

    /// Lines of a file that its scanner read: workload variables, commands and images, usages, routes.
    static func claimedLines(_ scan: FileScan, file: String) -> Set<Int> {
        var lines = Set<Int>()
        func claim(_ located: Located?) { if let located, located.file == nil || located.file == file { lines.insert(located.line) } }
        for container in scan.workloads.flatMap(\.containers) {
            claim(container.image)
            (container.command + container.args).forEach(claim)
            for variable in container.env { claim(variable.value); claim(variable.nameLocation) }
        }
        for route in scan.routes { claim(route.model); claim(route.apiBase) }
        for usage in scan.usages where usage.location.file == file { lines.insert(usage.location.line) }
        return lines
    }

    /// The audit's usages with this pass's yielding to every other reader: a line another usage reports is theirs,
    /// and an env file a compose service loads belongs to that service's analysis.
    static func yielding(_ usages: [Usage], loadedEnvFiles: Set<String>) -> [Usage] {
        let isGeneric = { (usage: Usage) in usage.evidence.hasPrefix(evidencePrefix) }
        guard usages.contains(where: isGeneric) else { return usages }
        let others = Set(usages.filter { !isGeneric($0) }.map { "\($0.location.file):\($0.location.line)" })
        return usages.filter { usage in
            !isGeneric(usage) || (!others.contains("\(usage.location.file):\(usage.location.line)") && !loadedEnvFiles.contains(usage.location.file))
        }
    }
}

extension TOMLLocator {
    /// The one-line string values (`key = "value"`), positioned inside their quotes.
    var strings: [(path: [String], value: Located)] {
        lines.compactMap { entry in
            guard let quote = entry.rawValue.first, quote == "\"" || quote == "'" else { return nil }
            let inner = entry.rawValue.dropFirst()
            guard let end = inner.firstIndex(of: quote) else { return nil }
            return (entry.path, Located(String(inner[..<end]), line: entry.line, column: entry.valueColumn + 1, file: file.path))
        }
    }
}

import ModelwardenCore

/// The signals `WorkloadAnalyzer` combines for one container, each a named heuristic with its examples: the
/// container's environment (with sibling variables), runtime images and command lines, URL variables, model
/// variables, gateway routes, and the weaker evidence of providers called without a model named. A new format gives
/// the analyser variables or containers; a new kind of signal is a new heuristic here.
extension WorkloadAnalyzer {
    /// One container as the heuristics see it: its environment resolved, its command line and the server it runs.
    struct ContainerFacts {
        let ref: DeploymentRef
        let workloadFile: String
        let file: ManifestFile?
        /// Variables with a value, `${VAR}` resolved where the scan knows them.
        var values: [Value]
        /// Every variable set, with or without a value (`- OPENAI_API_KEY` passes one through).
        var present: [(name: String, located: Located)]
        let substitution: [String: String]
        let command: [Located]
        /// The model server the container runs, from its image, command, custom resource or flags.
        let runtime: String?

        func location(_ located: Located) -> SourceLocation {
            SourceLocation(file: located.file ?? workloadFile, line: located.line, column: located.column)
        }
    }

    typealias EndpointVariable = (name: String, endpoint: Endpoint, located: Located)

    /// The heuristics in order; each later one sees what the earlier ones found.
    func analyze(_ container: ContainerSpec, workload: Workload, fileEnv: [EnvVar], callsInHouse: inout Bool) -> [Usage] {
        let facts = self.facts(of: container, workload: workload, fileEnv: fileEnv)
        var usages = runtimeImageModels(facts, image: container.image)
        let endpoints = urlVariables(facts, callsInHouse: &callsInHouse)
        usages += nimImageVariables(facts)
        usages += modelVariables(facts, endpoints: endpoints)
        usages += gatewayRoutes(facts, endpoints: endpoints, found: usages)
        usages += inHouseServerClients(facts, endpoints: endpoints, found: usages)
        usages += providersWithoutModel(facts, endpoints: endpoints, found: usages)
        applyEngineHint(facts, to: &usages)
        return usages
    }

    // MARK: - Environment and sibling variables

    /// The environment of a container: env files, then ConfigMaps loaded whole (`envFrom`), then its own variables
    /// (ConfigMap references resolved), later ones overriding. `OPENAI_API_KEY=` or `value: ""` leaves a setting unset;
    /// a provider selector (`LLM_PROVIDER=google`) leaves the other providers' settings out as unselected alternatives.
    func facts(of container: ContainerSpec, workload: Workload, fileEnv: [EnvVar]) -> ContainerFacts {
        var values: [Value] = []
        var present: [(name: String, located: Located)] = []
        var byName: [String: Int] = [:]
        func add(_ name: String, _ value: Located?, nameLocation: Located) {
            if let value, value.text.trimmed.isEmpty {
                present.removeAll { $0.name == name }
                return
            }
            present.append((name, nameLocation))
            guard let value, !value.text.isEmpty else { return }
            if let index = byName[name] { values[index] = Value(name: name, text: value.text, located: value) } else {
                byName[name] = values.count
                values.append(Value(name: name, text: value.text, located: value))
            }
        }
        for variable in fileEnv { add(variable.name, variable.value, nameLocation: variable.nameLocation) }
        for map in container.envFromConfigMaps {
            for (key, value) in (configMaps[map] ?? [:]).sorted(by: { $0.key < $1.key }) { add(key, value, nameLocation: value) }
        }
        for variable in container.env {
            var value = variable.value
            if case .configMap(let map, let key)? = variable.reference {
                value = configMaps[map]?[key] ?? configMaps["/" + (map.split(separator: "/").last.map(String.init) ?? "")]?[key]
            }
            add(variable.name, value, nameLocation: variable.nameLocation)
        }
        let command = container.command + container.args
        // `substitute` reads the table only for text with a `$`; most containers have none, so no table is made.
        let needsSubstitution = values.contains { $0.text.includes("$") } || command.contains { $0.text.includes("$") }
        let substitution = needsSubstitution ? siblingSubstitution(values, workload: workload) : [:]
        for index in values.indices { values[index].text = substitute(values[index].text, substitution) }
        if let selected = WorkloadAnalyzer.selectedStems(values.map { ($0.name, $0.text) }) {
            let unselected = { (name: String) in WorkloadAnalyzer.namesOtherProvider(name, selected: selected) }
            values.removeAll { unselected($0.name) }
            present.removeAll { unselected($0.name) }
        }
        let runtime = RuntimeDetector.runtime(image: container.image?.text, command: command.map(\.text)) ?? container.runtimeHint
            ?? RuntimeDetector.runtime(flags: command.map(\.text))
        return ContainerFacts(ref: workload.deployment, workloadFile: workload.file, file: files[workload.file], values: values, present: present,
                              substitution: substitution, command: command, runtime: runtime)
    }

    /// Sibling variables: compose interpolates `${VAR}` from the `.env` beside the file (and projects often export them
    /// from an env script there), e.g. `--model ${LLM_MODEL}` with `LLM_MODEL=Qwen/Qwen2.5-7B-Instruct` in `.env`;
    /// the container's own environment comes first.
    func siblingSubstitution(_ values: [Value], workload: Workload) -> [String: String] {
        var substitution = siblingVariables(of: workload)
        for value in values { substitution[value.name] = value.text }
        return substitution
    }

    // MARK: - Runtime images

    /// A model server's models: a NIM image names its model (`nvcr.io/nim/meta/llama3-8b-instruct:1.0`); a server's
    /// command line names what it serves (`vllm serve Qwen/Qwen2.5-7B-Instruct`, `--model-id`, `ollama pull qwen2.5`).
    func runtimeImageModels(_ facts: ContainerFacts, image: Located?) -> [Usage] {
        guard let runtime = facts.runtime else { return [] }
        var usages: [Usage] = []
        if runtime == "nim", let image, RuntimeDetector.nimModel(image: image.text) != nil {
            usages.append(Usage(deployment: facts.ref, model: image.text, location: facts.location(image), hosting: .selfHosted, runtime: runtime,
                                evidence: "image"))
        }
        for (text, token) in RuntimeDetector.models(in: facts.command, runtime: runtime) {
            let resolved = substitute(text, facts.substitution)
            let at = position(of: token, in: facts.file)
            usages.append(Usage(deployment: facts.ref, model: text, location: facts.location(at), hosting: .selfHosted, runtime: runtime,
                                evidence: "command", catalogName: resolved == text ? nil : resolved))
        }
        return usages
    }

    /// A NIM image named in a variable (`NIM_IMAGE=nvcr.io/nim/meta/llama3-8b-instruct`) is a NIM serving that model.
    func nimImageVariables(_ facts: ContainerFacts) -> [Usage] {
        facts.values.filter { !isModelVariable($0.name) && RuntimeDetector.nimModel(image: $0.text) != nil }.map { value in
            Usage(deployment: facts.ref, model: value.written, location: facts.location(value.located), hosting: .selfHosted, runtime: "nim",
                  evidence: "image")
        }
    }

    // MARK: - URL variables

    /// Where clients send requests: URL variables by name (`OPENAI_BASE_URL`, `LLM_ENDPOINT`), or by value when the
    /// name says a model API (`LITELLM_PROXY=http://litellm:4000/v1`). Weights downloads (`.../resolve/main/x.gguf`)
    /// are not where prompts go. Sets `callsInHouse` when a host may be a server or gateway of this scan.
    func urlVariables(_ facts: ContainerFacts, callsInHouse: inout Bool) -> [EndpointVariable] {
        var endpoints: [EndpointVariable] = []
        for value in facts.values {
            let byName = isURLVariable(value.name)
            guard byName || (value.text.hasPrefix("http") && value.text.includes("://")) else { continue }
            if WorkloadAnalyzer.isWeightsDownload(value.text) { continue }
            let modelAPI = variableNames.traits(of: value.name).modelAPI
            guard byName || modelAPI else { continue }
            guard let endpoint = EndpointClassifier.classify(value.text, catalog: catalog) ?? (modelAPI ? knownServiceName(value, from: facts.ref) : nil) else {
                // The first pass does not know the services yet: look again once it does.
                if modelAPI, !value.text.isEmpty, !value.text.includes("/") { callsInHouse = true }
                continue
            }
            if case .provider = endpoint {} else if !modelAPI { continue }
            if case .inHouse = endpoint { callsInHouse = true }
            endpoints.append((value.name, endpoint, value.located))
        }
        return endpoints
    }

    // MARK: - Model variables

    /// Model variables (`OPENAI_MODEL=gpt-4o-mini`, `AZURE_OPENAI_DEPLOYMENT=gpt-4o`, `LLM_MODEL=${MODEL:-qwen2.5}`),
    /// each sent where its stem's URL, its prefix, the server or a provider's key says. A switch set to false
    /// (`USE_BEDROCK=false`, `ENABLE_VLM_INFERENCE=false`) turns off the variables that share its first word.
    func modelVariables(_ facts: ContainerFacts, endpoints: [EndpointVariable]) -> [Usage] {
        let switchedOff = Set(facts.values.compactMap { value -> String? in
            guard value.name.hasPrefix("USE_") || value.name.hasPrefix("ENABLE_") || value.name.hasPrefix("use_") || value.name.hasPrefix("enable_"),
                  ["false", "0", "no"].contains(value.text.lowercased()) else { return nil }
            let words = value.name.uppercased().split(separator: "_").map(String.init)
            guard let first = words.first, ["USE", "ENABLE"].contains(first), words.count >= 2 else { return nil }
            return words[1]
        })
        var usages: [Usage] = []
        for value in facts.values where isModelVariable(value.name)
            && (switchedOff.isEmpty || !value.name.uppercased().split(separator: "_").contains(where: { switchedOff.contains(String($0)) })) {
            guard namesModel(value) else { continue }
            var usage = classifyModel(value.text, variable: value.name, located: value.located, endpoints: endpoints, runtime: facts.runtime,
                                      present: facts.present.map(\.name), ref: facts.ref, location: facts.location(value.located))
            // A CI expression is the model it falls back to, located at that literal; the expression is the evidence.
            if value.written.includes("${{"), let literal = CIExpression.literalLocation(value.located) {
                usage.location = facts.location(literal)
                usage.evidence += ": \(value.written)"
            } else if value.written != value.text {
                // Report the model as written; a resolved placeholder only informs the catalog lookup.
                usage.model = value.written
                usage.catalogName = value.text
            }
            usages.append(usage)
        }
        return usages
    }

    /// Whether a model variable's value is a model: not a key, not a CI expression with no literal to fall back to
    /// (`${{ vars.MODEL }}`), not a URL unless a model URI (`hf://`, `ollama://`, a bucket whose path names a
    /// catalogued model), not a folder unless a GGUF file or a catalogued name.
    func namesModel(_ value: Value) -> Bool {
        let text = value.text
        guard RuntimeDetector.isModelValue(text), !Secrets.looksLikeKey(text), text != Secrets.redacted else { return false }
        if text.includes("${{") { return false }
        if text.includes("://") && !text.hasPrefix("hf://") && !text.hasPrefix("ollama://")
            && !(KubernetesScanner.namesModel(storageURI: text) && (catalog.match(text) != nil || value.name.hasPrefix("MODEL_WEIGHTS_"))) { return false }
        if text.hasPrefix("/") && !text.lowercased().hasSuffix(".gguf") && catalog.match(text) == nil { return false }
        return true
    }

    // MARK: - Gateway routes and in-house servers

    /// A client of a gateway of this scan (`OPENAI_BASE_URL=http://litellm:4000`) with no model of its own uses the
    /// gateway's routes.
    func gatewayRoutes(_ facts: ContainerFacts, endpoints: [EndpointVariable], found: [Usage]) -> [Usage] {
        var usages: [Usage] = []
        for endpoint in endpoints {
            guard case .inHouse(let host, _) = endpoint.endpoint, case .gateway(let gateway, let routes)? = directory.target(forHost: host, from: facts.ref),
                  !(found + usages).contains(where: { $0.evidence.includes("via \(gateway.description)") }) else { continue }
            usages.append(routed(nil, through: gateway, host: host, routes: routes, ref: facts.ref, location: facts.location(endpoint.located),
                                 evidence: "env \(endpoint.name)"))
        }
        return usages
    }

    /// A client of an in-house model server whose runtime is known (`OLLAMA_BASE_URL=http://ollama:11434`) uses that
    /// server, even when it names no model.
    func inHouseServerClients(_ facts: ContainerFacts, endpoints: [EndpointVariable], found: [Usage]) -> [Usage] {
        guard !found.contains(where: { $0.hosting == .selfHosted }) else { return [] }
        for endpoint in endpoints {
            guard case .inHouse(let host, let hint) = endpoint.endpoint else { continue }
            var serverRuntime = hint
            if case .server(_, let runtime)? = directory.target(forHost: host, from: facts.ref) { serverRuntime = runtime }
            guard let serverRuntime else { continue }
            return [Usage(deployment: facts.ref, model: nil, location: facts.location(endpoint.located), hosting: .selfHosted,
                          runtime: serverRuntime, evidence: "env \(endpoint.name)")]
        }
        return []
    }

    // MARK: - Providers called without a model named

    /// Providers whose model is not named: an external API's base URL (`ANTHROPIC_BASE_URL=https://api.anthropic.com`),
    /// a provider's key (`OPENAI_API_KEY`), a switch that turns a provider on (`USE_AZURE_OPENAI=True`) and a provider
    /// selector (`LLM_PROVIDER='bedrock'`). One usage per provider, none for a provider already called with a model.
    func providersWithoutModel(_ facts: ContainerFacts, endpoints: [EndpointVariable], found: [Usage]) -> [Usage] {
        let calledAPIs = Set(found.compactMap(\.api))
        var evidenced = Set<String>()
        var usages: [Usage] = []
        for endpoint in endpoints {
            guard case .provider(let id, let host) = endpoint.endpoint, !calledAPIs.contains(id), evidenced.insert(id).inserted else { continue }
            usages.append(Usage(deployment: facts.ref, model: nil, location: facts.location(endpoint.located), hosting: .externalAPI, api: id,
                                endpoints: [host], evidence: "env \(endpoint.name)"))
        }
        for (name, located) in facts.present where !WorkloadAnalyzer.weakEvidence.contains(name) && Secrets.isSecretName(name) {
            guard let provider = catalog.provider(forEnvVar: name), !calledAPIs.contains(provider.id), !evidenced.contains(provider.id) else { continue }
            // A key whose own base URL points elsewhere (in-house, or another provider such as a router) belongs to that
            // endpoint, which is already accounted for.
            if endpoints.contains(where: { sameStem($0.name, name) }) { continue }
            evidenced.insert(provider.id)
            usages.append(Usage(deployment: facts.ref, model: nil, location: facts.location(located), hosting: .externalAPI, api: provider.id,
                                endpoints: [name], evidence: "env \(name)"))
        }
        for value in facts.values where ["true", "1", "yes"].contains(value.text.lowercased()) {
            let upper = value.name.uppercased()
            guard let prefix = ["USE_", "ENABLE_"].first(where: { upper.hasPrefix($0) }) else { continue }
            let rest = String(upper.dropFirst(prefix.count))
            guard let named = WorkloadAnalyzer.providerStems.first(where: { rest.hasPrefix($0.stem) }), catalog.providers[named.provider] != nil,
                  !calledAPIs.contains(named.provider), evidenced.insert(named.provider).inserted else { continue }
            usages.append(Usage(deployment: facts.ref, model: nil, location: facts.location(value.located), hosting: .externalAPI, api: named.provider,
                                evidence: "env \(value.name)"))
        }
        for value in facts.values {
            guard let stems = WorkloadAnalyzer.selectedStems([(value.name, value.text)]),
                  let named = WorkloadAnalyzer.providerStems.first(where: { stems.contains($0.stem) }), catalog.providers[named.provider] != nil
            else { continue }
            if !calledAPIs.contains(named.provider), evidenced.insert(named.provider).inserted {
                usages.append(Usage(deployment: facts.ref, model: nil, location: facts.location(value.located), hosting: .externalAPI, api: named.provider,
                                    evidence: "env \(value.name)"))
            }
            break
        }
        return usages
    }

    /// A client that says which kind of server it talks to (`LLM_ENGINE=tgi`, `INFERENCE_BACKEND=vllm`) names the
    /// runtime of its self-hosted usages that have none.
    func applyEngineHint(_ facts: ContainerFacts, to usages: inout [Usage]) {
        guard let engine = facts.values.lazy.compactMap({ WorkloadAnalyzer.engineHint(name: $0.name, value: $0.text) }).first else { return }
        for index in usages.indices where usages[index].hosting == .selfHosted && (usages[index].runtime ?? "unknown") == "unknown" {
            usages[index].runtime = engine
        }
    }
}

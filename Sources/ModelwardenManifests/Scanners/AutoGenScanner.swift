import ModelwardenCore
import ModelwardenYAML

/// AutoGen / AG2 `OAI_CONFIG_LIST`: a JSON list of `{model, base_url | api_base, api_type, ...}` entries, each a model
/// the agents may call. `api_type: azure` is Azure OpenAI (the model is the deployment name); a `base_url` sends the
/// entry to that server. `//` comment lines of the shipped template are skipped; `api_key` values are never read.
public struct AutoGenScanner: ManifestScanner {
    public let format = "autogen-config-list"

    public init() {}

    public func acceptsText(_ file: ManifestFile) -> Bool { AutoGenScanner.isConfigListName(file.name) }

    static func isConfigListName(_ name: String) -> Bool {
        let base = name
        return base == "OAI_CONFIG_LIST" || base.hasPrefix("OAI_CONFIG_LIST.") || base.hasSuffix("_OAI_CONFIG_LIST")
            || base == "OAI_CONFIG_LIST_sample"
    }

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        // JSON is YAML; blank the comment lines so line numbers stay.
        let text = file.lines.map { $0.drop { $0 == " " || $0 == "\t" }.hasPrefix("//") ? "" : String($0) }.joined(separator: "\n")
        let stream = YAMLParser.parse(text)
        if let error = stream.error {
            result.diagnostics.append(Diagnostic(file.location(error.mark), error.message))
            return
        }
        guard let entries = stream.documents.first?.sequence else { return }
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "AutoGen", namespace: nil, name: folder ?? file.name)
        let containers = entries.compactMap { AutoGenScanner.container($0, file: file) }
        guard !containers.isEmpty else { return }
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: 1, column: 1)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }

    /// The entries of a config list written as a variable's JSON value (`OAI_CONFIG_LIST='[{"model": ...}]'` in an
    /// env file, `OAI_CONFIG_LIST: |` in compose), positioned in the file where the value is: by offset when the text
    /// is there as written, else (a block scalar, escaped quotes) at the first occurrence from the value's line.
    static func containers(inValue value: Located, file: ManifestFile) -> [ContainerSpec] {
        guard value.text.trimmed.hasPrefix("["), let entries = YAMLParser.parse(value.text).documents.first?.sequence else { return [] }
        func placed(_ inner: Located?) -> Located? {
            guard let inner else { return nil }
            let at = Located(inner.text, line: value.line + inner.line - 1, column: inner.line == 1 ? value.column + inner.column - 1 : inner.column,
                             file: value.file ?? file.path)
            if let line = file.line(at.line), line.utf8.dropFirst(at.column - 1).starts(with: inner.text.utf8) { return at }
            var found = file.find(inner.text, from: at.line, fallback: at)
            found.file = at.file
            return found
        }
        return entries.compactMap { container($0, file: file) }.map { container in
            var placedContainer = container
            placedContainer.env = container.env.map { variable in
                EnvVar(name: variable.name, nameLocation: placed(variable.nameLocation) ?? variable.nameLocation, value: placed(variable.value))
            }
            return placedContainer
        }
    }

    /// One entry: its model keys under the stem its `api_type` names, its base URL beside them.
    static func container(_ entry: YAMLNode, file: ManifestFile) -> ContainerSpec? {
        var env: [EnvVar] = []
        for pair in entry.pairs ?? [] {
            guard let key = pair.key.scalar, ValuesScanner.isModelKey(key), let value = Located(pair.value) else { continue }
            env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: value, value: value))
        }
        guard !env.isEmpty else { return nil }
        if let url = Located(entry["base_url"]) ?? Located(entry["api_base"]), url.text.includes("://") {
            env.append(EnvVar(name: "BASE_URL", nameLocation: url, value: url))
        }
        switch entry["api_type"]?.string?.lowercased() {
        case "azure"?: env = env.named(forStem: "AZURE_OPENAI", includingBaseURL: false)
        case "anthropic"?: env = env.named(forStem: "ANTHROPIC", includingBaseURL: false)
        case "google"?: env = env.named(forStem: "GEMINI", includingBaseURL: false)
        case "mistral"?: env = env.named(forStem: "MISTRAL", includingBaseURL: false)
        case "groq"?: env = env.named(forStem: "GROQ", includingBaseURL: false)
        case "bedrock"?: env = env.named(forStem: "BEDROCK", includingBaseURL: false)
        default: break
        }
        return ContainerSpec(name: entry["model"]?.string ?? "entry", env: env)
    }
}

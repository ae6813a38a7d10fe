import ModelwardenCore
import TOMLKit

/// TOML configs (parsed with TOMLKit): Codex `config.toml` (`model`, `model_provider`, `[model_providers.X] base_url`,
/// `[profiles.X]`), and any other TOML whose model keys name a model. TOMLKit keeps no positions, so a small locator
/// finds each key's line in the text.
public struct TOMLConfigScanner: ManifestScanner {
    public let format = "toml"

    public init() {}

    /// Package manifests and lock files say nothing about models in use.
    static let skipped: Set<String> = ["cargo.toml", "pyproject.toml", "poetry.lock", "uv.lock", "pixi.toml", "netlify.toml", "fly.toml",
                                       "ruff.toml", ".ruff.toml", "rustfmt.toml", "taplo.toml", "typos.toml", "deno.toml", "hugo.toml"]

    public func acceptsText(_ file: ManifestFile) -> Bool { TOMLConfigScanner.isTOMLName(file.name) }

    static func isTOMLName(_ name: String) -> Bool {
        let base = name.lowercased()
        return base.hasSuffix(".toml") && !skipped.contains(base)
    }

    /// Codex's built-in providers, by the id `model_provider` uses.
    static let builtInProviders: [String: String] = ["openai": "OPENAI", "ollama": "OLLAMA", "lmstudio": "LMSTUDIO", "oss": "OLLAMA"]

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: file.text)
        } catch let error as TOMLParseError {
            let location = SourceLocation(file: file.path, line: error.source.begin.line, column: error.source.begin.column)
            result.diagnostics.append(Diagnostic(location, "TOML: \(error.description)"))
            return
        } catch {
            return
        }
        let locator = TOMLLocator(file)
        result.tools += CodexMCPServers.servers(table, locator: locator, file: file)
        var containers: [ContainerSpec] = []
        // The top level and each profile select a model and a provider.
        var scopes: [(path: [String], table: TOMLTable)] = [([], table)]
        for name in table["profiles"]?.table?.keys.sorted() ?? [] {
            if let profile = table["profiles"]?.table?[name]?.table { scopes.append((["profiles", name], profile)) }
        }
        for (path, scope) in scopes {
            if let container = container(scope, path: path, root: table, locator: locator) { containers.append(container) }
        }
        // Other TOML layouts: model keys in any table.
        if containers.isEmpty { containers = genericModels(table, path: [], locator: locator) }
        guard !containers.isEmpty else { return }
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Config", namespace: folder, name: file.name)
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: 1, column: 1)))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }

    /// `model` with the provider it is sent to (Codex's default is OpenAI).
    private func container(_ scope: TOMLTable, path: [String], root: TOMLTable, locator: TOMLLocator) -> ContainerSpec? {
        guard let model = scope["model"]?.string, let located = locator.value(path + ["model"], model) else { return nil }
        let providerID = scope["model_provider"]?.string ?? root["model_provider"]?.string ?? "openai"
        var env: [EnvVar] = []
        if let provider = root["model_providers"]?.table?[providerID]?.table, let url = provider["base_url"]?.string,
           let at = locator.value(["model_providers", providerID, "base_url"], url) {
            env.append(EnvVar(name: "BASE_URL", nameLocation: at, value: at))
        }
        env.append(EnvVar(name: "MODEL_0", nameLocation: located, value: located))
        let stem = TOMLConfigScanner.builtInProviders[providerID.lowercased()]
        if env.count == 1, let stem { env = env.named(forStem: stem) }
        return ContainerSpec(name: path.last ?? "config", env: env)
    }

    private func genericModels(_ table: TOMLTable, path: [String], locator: TOMLLocator) -> [ContainerSpec] {
        var env: [EnvVar] = []
        var nested: [ContainerSpec] = []
        for key in table.keys {
            if let child = table[key]?.table {
                nested += genericModels(child, path: path + [key], locator: locator)
            } else if let value = table[key]?.string {
                guard let located = locator.value(path + [key], value) else { continue }
                if ValuesScanner.isModelKey(key) {
                    env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: located))
                } else if ValuesScanner.urlKeys.contains(key.lowercased()), value.hasPrefix("http") {
                    env.append(EnvVar(name: "BASE_URL", nameLocation: located, value: located))
                }
            }
        }
        let own = env.contains { $0.name.hasPrefix("MODEL_") } ? [ContainerSpec(name: path.joined(separator: "."), env: env)] : []
        return own + nested
    }
}

/// Where `key = value` lines are, by table path: `[a.b]` headers, dotted and quoted keys.
struct TOMLLocator {
    let file: ManifestFile
    private(set) var lines: [(path: [String], line: Int, valueColumn: Int, rawValue: Substring)] = []
    /// `[a.b]` table headers with their line and column.
    private var headers: [(path: [String], line: Int, column: Int)] = []

    init(_ file: ManifestFile) {
        self.file = file
        var table: [String] = []
        for (index, raw) in file.lines.enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") || trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                let inner = trimmed.drop { $0 == "[" }.prefix { $0 != "]" }
                table = TOMLLocator.keyPath(inner)
                headers.append((table, index + 1, line.utf8.distance(from: line.startIndex, to: trimmed.startIndex) + 1))
                continue
            }
            guard let eq = TOMLLocator.assignment(in: trimmed) else { continue }
            let key = TOMLLocator.keyPath(trimmed[..<eq])
            let value = trimmed[trimmed.index(after: eq)...].drop { $0 == " " || $0 == "\t" }
            let column = line.utf8.distance(from: line.startIndex, to: value.startIndex) + 1
            lines.append((table + key, index + 1, column, value))
        }
    }

    /// Where a table starts: its `[a.b]` header, else the first key written under its path (`a.b.c = 1`, `b = {...}`).
    func start(of path: [String]) -> SourceLocation? {
        if let header = headers.first(where: { $0.path == path }) {
            return SourceLocation(file: file.path, line: header.line, column: header.column)
        }
        guard let entry = lines.first(where: { $0.path.starts(with: path) || path.starts(with: $0.path) && $0.path.count < path.count }) else { return nil }
        return SourceLocation(file: file.path, line: entry.line, column: 1)
    }

    /// The position of a string value (inside its quotes).
    func value(_ path: [String], _ text: String) -> Located? {
        guard let entry = lines.last(where: { $0.path == path }) else { return nil }
        let quoted = entry.rawValue.first == "\"" || entry.rawValue.first == "'"
        return Located(text, line: entry.line, column: entry.valueColumn + (quoted ? 1 : 0), file: file.path)
    }

    /// The `=` that separates key and value, outside quotes.
    static func assignment(in text: Substring) -> Substring.Index? {
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote { if character == open { quote = nil } } else if character == "\"" || character == "'" { quote = character }
            else if character == "=" { return index }
        }
        return nil
    }

    /// `a."b.c".d` as ["a", "b.c", "d"].
    static func keyPath(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts.filter { !$0.isEmpty }
    }
}

import ModelwardenCore
import ModelwardenYAML

/// One server entry of an MCP config, whatever the client: the keys differ (`url`, `serverUrl`, `httpUrl`, `uri`;
/// `env`, `envs`; `type`, `transport`), the meaning does not. Values are read to judge them (a reference or a literal
/// secret, a host) and dropped: only names, shapes and the URL without userinfo and query are kept.
struct MCPServerEntry {
    /// The keys one client spells differently from another.
    struct Keys {
        var command = ["command", "cmd"]
        var args = ["args"]
        var url = ["url", "serverUrl", "httpUrl", "uri", "endpoint"]
        var transport = ["type", "transport"]
        var env = ["env", "envs", "environment"]
        var envNames = ["env_keys", "env_vars"]
        var headers = ["headers", "http_headers"]
        static let standard = Keys()
    }

    /// Whether a mapping looks like a server: something to launch or somewhere to connect.
    static func isServer(_ node: YAMLNode, keys: Keys = .standard) -> Bool {
        guard node.isMapping else { return false }
        return (keys.command + keys.url).contains { node[$0]?.string != nil || node[$0]?.sequence != nil }
    }

    /// The servers of a mapping of name to entry (`mcpServers`, `servers`, `mcp.servers`).
    static func servers(in mapping: YAMLNode, client: String, file: ManifestFile, keys: Keys = .standard) -> [ToolServer] {
        (mapping.pairs ?? []).compactMap { pair in
            guard let name = pair.key.scalar, isServer(pair.value, keys: keys) else { return nil }
            return server(named: name, at: file.location(pair.key.mark), entry: pair.value, client: client, keys: keys)
        }
    }

    static func server(named name: String, at location: SourceLocation, entry: YAMLNode, client: String, keys: Keys = .standard) -> ToolServer {
        let urlText = keys.url.lazy.compactMap { entry[$0]?.string }.first
        let declared = keys.transport.lazy.compactMap { entry[$0]?.string }.first
        let urlKey = keys.url.first { entry[$0]?.string != nil }
        var server = ToolServer(name: name, client: client, location: location,
                                transport: transport(declared: declared, url: urlText, urlKey: urlKey, client: client))
        server.enabled = enabled(entry)
        if let urlText {
            readRemote(urlText, into: &server)
        } else {
            readLaunch(entry, keys: keys, into: &server)
        }
        readEnvironment(entry, keys: keys, into: &server)
        readHeaders(entry, keys: keys, into: &server)
        if entry["oauth"] != nil || entry["authProviderType"] != nil || entry["auth"]?["oauth"] != nil { server.auth.append("oauth") }
        for input in inputReferences(entry) where !server.auth.contains("input:\(input)") { server.auth.append("input:\(input)") }
        return server
    }

    /// `disabled: true`, `enabled: false`.
    static func enabled(_ entry: YAMLNode) -> Bool {
        if entry["disabled"]?.bool == true { return false }
        if entry["enabled"]?.bool == false { return false }
        return true
    }

    /// The transport as declared (`streamableHttp`, `streamable_http`, `http`, `sse`), else what the URL key says.
    static func transport(declared: String?, url: String?, urlKey: String?, client: String) -> ToolServer.Transport {
        if let declared {
            let word = declared.lowercased().replacingOccurrences(of: "_", with: "-")
            switch word {
            case "stdio", "local", "command": return .stdio
            case "sse": return .sse
            case "streamable-http", "streamablehttp", "streamable": return .streamableHTTP
            case "http", "remote", "url": return url == nil ? .stdio : .http
            default: break
            }
        }
        guard let url else { return .stdio }
        // Gemini CLI: `url` is SSE, `httpUrl` streamable HTTP.
        if urlKey == "httpUrl" { return .streamableHTTP }
        if client == "gemini-cli" && urlKey == "url" { return .sse }
        let path = url.split(separator: "?").first.map(String.init) ?? url
        return path.hasSuffix("/sse") ? .sse : .http
    }

    /// The URL without userinfo and query, its host and the host's scope; a password or a secret query parameter
    /// written in it is an inline secret.
    static func readRemote(_ text: String, into server: inout ToolServer) {
        var url = Substring(text.trimmed)
        if let query = url.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            for parameter in url[url.index(after: query)...].split(separator: "&") {
                let parts = parameter.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = String(parts[0])
                if SecretScrubber.namesSecret(name) && isLiteralSecret(String(parts[1])) { server.inlineSecrets.append(name) }
            }
            url = url[..<query]
        }
        if let scheme = url.range(of: "://") {
            let authorityEnd = url[scheme.upperBound...].firstIndex(of: "/") ?? url.endIndex
            if let at = url[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                let userinfo = url[scheme.upperBound..<at]
                if userinfo.contains(":") && isLiteralSecret(String(userinfo.split(separator: ":", maxSplits: 1)[1])) {
                    server.inlineSecrets.append("url-password")
                }
                url = url[..<scheme.upperBound] + url[url.index(after: at)...]
            }
        }
        server.url = SecretScrubber.scrub(String(url))
        if let host = EndpointClassifier.host(of: String(url))?.host {
            server.host = host
            server.hostScope = ToolServer.scope(ofHost: host)
        }
    }

    /// The command line: launcher, package, version and pin; secrets written as arguments are kept by flag name.
    static func readLaunch(_ entry: YAMLNode, keys: Keys, into server: inout ToolServer) {
        var words = keys.command.lazy.compactMap { key -> [String]? in
            if let text = entry[key]?.string { return [text] }
            return entry[key]?.sequence?.compactMap(\.string)
        }.first ?? []
        let args = keys.args.lazy.compactMap { entry[$0]?.sequence?.compactMap(\.string) }.first
            ?? keys.args.lazy.compactMap { entry[$0]?.string.map(ShellText.words) }.first ?? []
        guard !words.isEmpty else { return }
        let command = words.removeFirst()
        let launch = MCPLaunchCommand.parse(command: command, args: words + args)
        server.launcher = launch.launcher
        server.package = launch.package.map(SecretScrubber.scrub)
        server.version = launch.version.map(SecretScrubber.scrub)
        server.pinned = launch.pinned
        for name in launch.containerEnv where !server.env.contains(name) { server.env.append(name) }
        let argv = args.isEmpty && words.isEmpty ? ShellText.words(command) : words + args
        for (index, word) in argv.enumerated() {
            if word.hasPrefix("-"), let eq = word.firstIndex(of: "=") {
                let flag = String(word[..<eq])
                if SecretScrubber.namesSecret(flag) && isLiteralSecret(String(word[word.index(after: eq)...])) { server.inlineSecrets.append(flag) }
            } else if word.hasPrefix("-"), index + 1 < argv.count, SecretScrubber.namesSecret(word), isLiteralSecret(argv[index + 1]) {
                server.inlineSecrets.append(word)
            } else if !word.hasPrefix("-"), Secrets.looksLikeKey(word) {
                server.inlineSecrets.append("args[\(index)]")
            }
        }
    }

    /// Names of the variables the server receives; a literal secret among the values is kept by its name.
    static func readEnvironment(_ entry: YAMLNode, keys: Keys, into server: inout ToolServer) {
        for key in keys.env {
            for pair in entry[key]?.pairs ?? [] {
                guard let name = pair.key.scalar else { continue }
                if !server.env.contains(name) { server.env.append(name) }
                if let value = pair.value.string, isSecretValue(value, named: name) { server.inlineSecrets.append(name) }
            }
        }
        for key in keys.envNames {
            for name in entry[key]?.sequence?.compactMap(\.string) ?? [] where !server.env.contains(name) { server.env.append(name) }
        }
        // Codex: the token is read from a variable the agent's environment holds.
        if let variable = entry["bearer_token_env_var"]?.string {
            server.auth.append("bearer_token_env_var:\(variable)")
        }
    }

    /// Header names are the auth style; a header value that is a literal (not a reference) secret is an inline secret.
    static func readHeaders(_ entry: YAMLNode, keys: Keys, into server: inout ToolServer) {
        for key in keys.headers {
            for pair in entry[key]?.pairs ?? [] {
                guard let name = pair.key.scalar else { continue }
                server.auth.append("header:\(name)")
                guard let value = pair.value.string else { continue }
                // `Bearer TOKEN`: whatever follows an auth scheme is a credential; so is an `Authorization` or `Cookie` value.
                let words = value.split(separator: " ", maxSplits: 1).map(String.init)
                let schemed = words.count == 2 && ["bearer", "basic", "token", "apikey"].contains(words[0].lowercased())
                let credential = schemed ? words[1] : value
                let credentialHeader = ["authorization", "proxy-authorization", "cookie"].contains(name.lowercased())
                if schemed || credentialHeader ? isLiteralSecret(credential) : isSecretValue(credential, named: name) {
                    server.inlineSecrets.append(name)
                }
            }
        }
        // Codex: header name -> the variable that holds its value.
        for pair in entry["env_http_headers"]?.pairs ?? [] {
            if let name = pair.key.scalar { server.auth.append("header:\(name)") }
        }
    }

    /// A value written in the file that is a secret: under a secret name, or shaped like a key, and not a reference or
    /// a placeholder (`${input:token}`, `${GITHUB_TOKEN}`, `<your-token>`, `YOUR_API_KEY`).
    static func isSecretValue(_ value: String, named name: String) -> Bool {
        guard isLiteralSecret(value) else { return false }
        return SecretScrubber.namesSecret(name) || Secrets.isSecretName(name) || Secrets.looksLikeKey(value) || SecretScrubber.scrub(value) != value
    }

    static func isLiteralSecret(_ value: String) -> Bool {
        guard SecretScrubber.isLiteralSecret(value), !value.contains("${"), !value.contains("{env:") else { return false }
        let lower = value.lowercased()
        let placeholders = ["your", "<", "xxxx", "placeholder", "_here", "-here", "example", "changeme", "replace", "..."]
        return !placeholders.contains { lower.includes($0) }
    }

    /// `${input:id}` prompts (VS Code) anywhere in the entry.
    static func inputReferences(_ node: YAMLNode) -> [String] {
        var found: [String] = []
        func visit(_ node: YAMLNode) {
            if let text = node.string {
                var rest = Substring(text)
                while let start = rest.range(of: "${input:") {
                    let tail = rest[start.upperBound...]
                    guard let end = tail.firstIndex(of: "}") else { break }
                    let id = String(tail[..<end])
                    if !found.contains(id) { found.append(id) }
                    rest = tail[end...]
                }
            }
            for pair in node.pairs ?? [] { visit(pair.value) }
            for item in node.sequence ?? [] { visit(item) }
        }
        visit(node)
        return found
    }
}

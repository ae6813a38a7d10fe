import ModelwardenCore

/// Where a base URL or host sends requests.
public enum Endpoint: Sendable, Equatable {
    /// In the cluster, on the host or in a private network; the hint names a runtime when the host says so.
    case inHouse(host: String, runtime: String?)
    /// A known external API provider.
    case provider(id: String, host: String)
    /// A public host no catalog entry knows: an OpenAI-compatible API somewhere else.
    case unknownExternal(host: String)

    public var host: String {
        switch self {
        case .inHouse(let host, _), .provider(_, let host), .unknownExternal(let host): return host
        }
    }
}

enum EndpointClassifier {
    /// The host of a URL-ish value (`https://api.openai.com/v1`, `http://vllm.ml.svc:8000`, `ollama:11434`).
    static func host(of value: String) -> (host: String, port: Int?)? {
        // LiteLLM's `os.environ/NAME` is a reference, not a host.
        if value.hasPrefix("os.environ/") { return nil }
        // A templated part of a host (`http://{{@key}}.vllm:8000`) stands for some name.
        let untemplated = value.includes("{{") ? LineScanner.withoutTemplates(value).replacingOccurrences(of: "://.", with: "://x.") : value
        var text = Substring(untemplated.trimmed)
        if text.isEmpty || text.includes("${") || text.includes("{{") || text.includes("$(") || text.includes(" ") { return nil }
        if let offset = text.byteOffset(of: "://") {
            let schemeEnd = text.utf8.index(text.startIndex, offsetBy: offset)
            let name = text[..<schemeEnd].lowercased()
            guard ["http", "https", "ws", "wss", "grpc", "grpcs"].contains(name) else { return nil }
            text = text[text.utf8.index(schemeEnd, offsetBy: 3)...]
        } else if !text.includes(".") && !text.includes(":") {
            return nil
        }
        return text.utf8.allSatisfy({ $0 < 0x80 }) ? asciiHostAndPort(text) : hostAndPort(text)
    }

    /// The host and port of what follows a URL's scheme (`user@host:port/path`).
    static func hostAndPort(_ authority: Substring) -> (host: String, port: Int?)? {
        var text = authority
        if let at = text.firstIndex(of: "@") { text = text[text.index(after: at)...] }
        if let slash = text.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { text = text[..<slash] }
        var port: Int?
        if let colon = text.lastIndex(of: ":"), !text.hasPrefix("[") {
            port = Int(text[text.index(after: colon)...])
            text = text[..<colon]
        }
        let host = text.lowercased()
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" || $0 == "[" || $0 == "]" || $0 == ":" }) else { return nil }
        return (host, port)
    }

    /// `hostAndPort` for ASCII text (every value of every workload's URL variables asks), on its bytes: each
    /// character is one byte there, so the same positions are found without Character iteration.
    static func asciiHostAndPort(_ authority: Substring) -> (host: String, port: Int?)? {
        var text = authority
        if let at = text.utf8.firstIndex(of: UInt8(ascii: "@")) { text = text[text.utf8.index(after: at)...] }
        if let slash = text.utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            text = text[..<slash]
        }
        var port: Int?
        if let colon = text.utf8.lastIndex(of: UInt8(ascii: ":")), !text.hasPrefix("[") {
            port = Int(text[text.utf8.index(after: colon)...])
            text = text[..<colon]
        }
        let host = text.lowercased()
        guard !host.isEmpty, host.utf8.allSatisfy({ byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "[")
                || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ":")
        }) else { return nil }
        return (host, port)
    }

    static func classify(_ value: String, catalog: Catalog) -> Endpoint? {
        guard let (host, port) = host(of: value) else { return nil }
        if let provider = catalog.provider(forHost: host) { return .provider(id: provider.id, host: host) }
        if isInHouse(host) { return .inHouse(host: host, runtime: runtimeHint(host: host, port: port)) }
        // A dotted public name with a real top-level domain is somebody else's API; `service.namespace` is in-house.
        let labels = host.split(separator: ".")
        let tld = labels.last.map(String.init) ?? ""
        guard tld.count >= 2, tld.allSatisfy(\.isLetter), labels.count > 2 || commonTopLevelDomains.contains(tld) else {
            return .inHouse(host: host, runtime: runtimeHint(host: host, port: port))
        }
        return .unknownExternal(host: host)
    }

    /// Top-level domains common enough that `name.tld` is a public host rather than a Kubernetes `service.namespace`.
    static let commonTopLevelDomains: Set<String> = ["com", "net", "org", "io", "ai", "co", "dev", "app", "cloud", "xyz", "us", "eu", "de",
                                                     "uk", "kr", "jp", "cn", "fr", "me", "sh", "gg", "so", "run", "tech", "inc", "info", "biz",
                                                     "ch", "nl", "se", "no", "fi", "it", "es", "pl", "in", "ca", "au", "sg", "hk", "tw", "ru",
                                                     "br", "mx", "gov", "edu", "page", "site", "online", "systems", "services", "link", "to"]

    static func isInHouse(_ host: String) -> Bool {
        if !host.includes(".") { return true }  // a Service or compose service name
        let suffixes = [".svc", ".svc.cluster.local", ".cluster.local", ".local", ".internal", ".localhost", ".lan", ".home.arpa", ".nip.io",
                        ".corp", ".intranet", ".private"]
        if suffixes.contains(where: { host.hasSuffix($0) }) || host.includes(".svc.") { return true }
        if host == "localhost" || host.hasPrefix("127.") || host == "0.0.0.0" || host.hasPrefix("10.") || host.hasPrefix("192.168.") { return true }
        if host.hasPrefix("172."), let second = Int(host.split(separator: ".").dropFirst().first ?? ""), (16...31).contains(second) { return true }
        return false
    }

    static func runtimeHint(host: String, port: Int?) -> String? {
        if port == 11434 || host.includes("ollama") { return "ollama" }
        // Docker Model Runner (llama.cpp engine by default).
        if port == 12434 || host == "model-runner.docker.internal" { return "llamacpp" }
        if host.includes("vllm") { return "vllm" }
        if host.includes("tgi") || host.includes("text-generation") { return "tgi" }
        if host.includes("tei") || host.includes("text-embeddings") { return "tei" }
        if host.includes("localai") || host.includes("local-ai") { return "localai" }
        if host.includes("llamacpp") || host.includes("llama-cpp") || host.includes("llama-server") { return "llamacpp" }
        if host.includes("sglang") { return "sglang" }
        if host.includes("nim") && (host.hasPrefix("nim") || host.includes("-nim")) { return "nim" }
        return nil
    }
}

import Foundation

/// One MCP server an agent or AI application is configured with: a local process launched from a package, or a remote
/// URL that receives whatever the agent sends it. Only names and shapes are kept: the values of its environment
/// variables and headers never are (a literal secret among them is kept by its name only).
public struct ToolServer: Sendable, Hashable, Codable {
    public enum Transport: String, Sendable, Codable, CaseIterable {
        case stdio, http, sse
        case streamableHTTP = "streamable-http"
    }

    /// Where a remote server's host is: this machine, the organisation's own estate, or someone else's.
    public enum HostScope: String, Sendable, Codable {
        case loopback, estate, external
    }

    /// The server's key in its config.
    public var name: String
    /// The client whose config it is: claude-code, cursor, vscode, codex, claude-desktop, windsurf, gemini-cli, cline,
    /// mcp-agent, fast-agent, librechat, goose or other.
    public var client: String
    /// `project` for a checked-in file, `user` for a user-scope file the daemon was told to read.
    public var scope: String = "project"
    /// Where the server's entry starts.
    public var location: SourceLocation
    public var enabled: Bool = true
    public var transport: Transport
    /// npx, uvx, pipx, docker, podman, node, python, deno, bunx or binary; nil for a remote server.
    public var launcher: String?
    /// The package or image as written, its version part removed.
    public var package: String?
    /// The version, tag or digest as written.
    public var version: String?
    /// An exact version or an image digest (not `latest`, not a range, not a tag).
    public var pinned: Bool = false
    /// The remote URL without userinfo and query.
    public var url: String?
    public var host: String?
    public var hostScope: HostScope?
    /// How the server authenticates: `header:NAME`, `bearer_token_env_var:NAME`, `input:ID`, `oauth`.
    public var auth: [String] = []
    /// Names of the environment variables passed to the server.
    public var env: [String] = []
    /// Names of the variables, headers or arguments whose value is a literal secret written in the file.
    public var inlineSecrets: [String] = []

    public init(name: String, client: String, location: SourceLocation, transport: Transport) {
        self.name = name
        self.client = client
        self.location = location
        self.transport = transport
    }

    /// A remote server: reached over the network rather than launched on the agent's machine.
    public var isRemote: Bool { url != nil }

    /// What identifies the server across scans (its file and key), for history and deduplication.
    public var identity: String { "\(location.file)|\(client)|\(name)" }

    /// The host's scope before the organisation's domains are known: loopback, or an in-house name (a private
    /// address, a single-label or cluster-internal name), or external.
    public static func scope(ofHost host: String) -> HostScope {
        let lower = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if ["localhost", "::1", "0.0.0.0", "host.docker.internal"].contains(lower) || lower.hasPrefix("127.") || lower.hasSuffix(".localhost") {
            return .loopback
        }
        let octets = lower.split(separator: ".").compactMap { Int($0) }
        if octets.count == 4 {
            let (a, b) = (octets[0], octets[1])
            if a == 10 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168) || (a == 169 && b == 254) { return .estate }
            return .external
        }
        if !lower.contains(".") { return .estate }
        for suffix in [".svc", ".cluster.local", ".internal", ".local", ".lan", ".corp", ".home.arpa"] where lower.hasSuffix(suffix) { return .estate }
        return .external
    }

    /// The scope with the organisation's own domains (`example.com` covers `mcp.example.com`).
    public static func scope(ofHost host: String, estateDomains: [String]) -> HostScope {
        let base = scope(ofHost: host)
        guard base == .external else { return base }
        let lower = host.lowercased()
        let owned = estateDomains.contains { domain in
            let suffix = domain.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            return !suffix.isEmpty && (lower == suffix || lower.hasSuffix("." + suffix))
        }
        return owned ? .estate : .external
    }
}

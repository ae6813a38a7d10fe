/// The facts rules with `applies_to: tools` read about one MCP server, by path (`tool.transport`, `tool.pinned`, ...).
public final class ToolFacts {
    public let resolved: ResolvedToolServer
    public let organization: Organization

    public init(resolved: ResolvedToolServer, organization: Organization) {
        self.resolved = resolved
        self.organization = organization
    }

    /// Every path, with what it means; `modelwarden explain --facts` prints this.
    public static let catalog: [(path: String, meaning: String)] = [
        ("tool.name", "the server's key in its config"),
        ("tool.client", "claude-code, cursor, vscode, codex, claude-desktop, windsurf, gemini-cli, cline, mcp-agent, fast-agent, librechat, goose, other"),
        ("tool.file", "the config file the server is written in"),
        ("tool.enabled", "false when the config turns the server off"),
        ("tool.transport", "stdio | http | sse | streamable-http"),
        ("tool.remote", "true for a server reached by URL"),
        ("tool.launcher", "npx, uvx, pipx, docker, podman, node, python, deno, bunx or binary (local servers)"),
        ("tool.package", "the package or image as written, without its version"),
        ("tool.version", "the version, tag or digest as written"),
        ("tool.pinned", "an exact version or an image digest (unset for a local server launched from no package)"),
        ("tool.url", "the remote URL without userinfo and query"),
        ("tool.scheme", "http | https (remote servers)"),
        ("tool.host", "the remote URL's host"),
        ("tool.host_scope", "loopback | estate (the organisation's estate_domains, private and cluster names) | external"),
        ("tool.auth", "how the server authenticates: header:NAME, bearer_token_env_var:NAME, input:ID, oauth"),
        ("tool.env", "names of the environment variables passed to the server"),
        ("tool.inline_secrets", "names of the variables, headers or arguments whose value is a literal secret in the file"),
        ("tool.approved", "a remote server listed in the organisation's approved_tools"),
        ("tool.publisher_known", "the package is in one of the organisation's tool_publishers (unset without a list)"),
        ("tool.data_classification", "the most sensitive classification of the workloads beside the config, or the repository's"),
        ("tool.classified_by", "the workload or organization.data_classification the classification comes from"),
        ("org.name", "organisation name"),
    ]

    public static let paths: Set<String> = Set(catalog.map(\.path))

    public func value(_ path: String) -> FactValue? {
        let server = resolved.server
        switch path {
        case "tool.name": return .string(server.name)
        case "tool.client": return .string(server.client)
        case "tool.file": return .string(server.location.file)
        case "tool.enabled": return .bool(server.enabled)
        case "tool.transport": return .string(server.transport.rawValue)
        case "tool.remote": return .bool(server.isRemote)
        case "tool.launcher": return server.launcher.map(FactValue.string)
        case "tool.package": return server.package.map(FactValue.string)
        case "tool.version": return server.version.map(FactValue.string)
        case "tool.pinned": return server.package == nil ? nil : .bool(server.pinned)
        case "tool.url": return server.url.map(FactValue.string)
        case "tool.scheme":
            guard let url = server.url, let end = url.range(of: "://") else { return nil }
            return .string(url[..<end.lowerBound].lowercased())
        case "tool.host": return server.host.map(FactValue.string)
        case "tool.host_scope": return server.hostScope.map { .string($0.rawValue) }
        case "tool.auth": return .list(server.auth)
        case "tool.env": return .list(server.env)
        case "tool.inline_secrets": return server.inlineSecrets.isEmpty ? nil : .list(server.inlineSecrets)
        case "tool.approved": return resolved.approved.map(FactValue.bool)
        case "tool.publisher_known": return resolved.publisherKnown.map(FactValue.bool)
        case "tool.data_classification": return resolved.dataClassification.map(FactValue.string)
        case "tool.classified_by": return resolved.classifiedBy.map(FactValue.string)
        case "org.name": return .string(organization.name)
        default: return nil
        }
    }
}

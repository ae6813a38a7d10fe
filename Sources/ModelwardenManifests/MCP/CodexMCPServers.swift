import ModelwardenCore
import ModelwardenYAML
import TOMLKit

/// Codex `config.toml`: `[mcp_servers.NAME]` with `command`, `args`, `env`, `env_vars`, or `url` with
/// `bearer_token_env_var`, `http_headers` and `env_http_headers`; `enabled = false` turns one off. Each table is turned
/// into the node shape the other MCP configs have, so one entry reader judges them all.
enum CodexMCPServers {
    static func servers(_ root: TOMLTable, locator: TOMLLocator, file: ManifestFile) -> [ToolServer] {
        guard let servers = root["mcp_servers"]?.table else { return [] }
        return servers.keys.sorted().compactMap { name in
            guard let table = servers[name]?.table else { return nil }
            let entry = node(table)
            guard MCPServerEntry.isServer(entry) else { return nil }
            let at = locator.start(of: ["mcp_servers", name]) ?? SourceLocation(file: file.path, line: 1, column: 1)
            var server = MCPServerEntry.server(named: name, at: at, entry: entry, client: "codex")
            // Codex speaks streamable HTTP to every `url` server.
            if server.isRemote && table["type"] == nil && table["transport"] == nil { server.transport = .streamableHTTP }
            return server
        }
    }

    /// A TOML value as a YAML node (positions are the locator's business, not the node's).
    static func node(_ value: any TOMLValueConvertible) -> YAMLNode {
        let mark = Mark(line: 1, column: 1)
        if let table = value.table {
            let pairs = table.keys.sorted().compactMap { key in
                table[key].map { YAMLNode.Pair(key: YAMLNode(content: .scalar(key, .doubleQuoted), mark: mark), value: node($0)) }
            }
            return YAMLNode(content: .mapping(pairs), mark: mark)
        }
        if let array = value.array { return YAMLNode(content: .sequence(array.map { node($0) }), mark: mark) }
        if let text = value.string { return YAMLNode(content: .scalar(text, .doubleQuoted), mark: mark) }
        if let flag = value.bool { return YAMLNode(content: .scalar(flag ? "true" : "false", .plain), mark: mark) }
        if let number = value.int { return YAMLNode(content: .scalar(String(number), .plain), mark: mark) }
        return YAMLNode(content: .scalar("", .plain), mark: mark)
    }
}

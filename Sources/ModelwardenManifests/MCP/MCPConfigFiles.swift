import ModelwardenCore
import ModelwardenYAML

/// The MCP configs written as JSON (with comments) or YAML, known by file name and content wherever they lie. This is a
/// pass of its own beside the scanners: an app config (LibreChat, Goose) names models and servers, and both are read.
/// Codex's TOML is read by `TOMLConfigScanner`, Goose's extensions by `GooseScanner.extensions`.
enum MCPConfigFiles {
    /// The client a file belongs to, by its name and folder; nil for names no client uses (content may still say MCP).
    static func client(forPath path: String) -> String? {
        // Only the name and the two folders above it count: only they are lowered (case is mapped scalar by scalar, so
        // this equals lowering the whole path), not every folder of every scanned file.
        client(forParts: path.split(separator: "/").suffix(3).map { $0.lowercased() })
    }

    /// The same from the path's parts, lowered; only the last three are read.
    static func client(forParts parts: [String]) -> String? {
        guard let name = parts.last else { return nil }
        let folder = parts.dropLast().last ?? ""
        // VS Code's user folder (`~/.config/Code/User/`, also `Code - Insiders`, `VSCodium`).
        let vscodeUser = folder == "user" && parts.dropLast(2).last.map { ["code", "code - insiders", "vscodium"].contains($0) } == true
        switch name {
        case ".mcp.json", ".claude.json": return "claude-code"
        case "mcp.json" where vscodeUser, "settings.json" where vscodeUser: return "vscode"
        case "mcp.json" where folder == ".cursor": return "cursor"
        case "mcp.json" where folder == ".vscode", "settings.json" where folder == ".vscode": return "vscode"
        case "claude_desktop_config.json": return "claude-desktop"
        case "mcp_config.json": return "windsurf"
        case "settings.json" where folder == ".gemini", "gemini-extension.json": return "gemini-cli"
        case "cline_mcp_settings.json": return "cline"
        case "fastagent.config.yaml", "fastagent.config.yml": return "fast-agent"
        default: break
        }
        if name.hasPrefix("mcp_agent.config.") { return "mcp-agent" }
        if name.hasPrefix("librechat") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) { return "librechat" }
        return nil
    }

    /// Cheap test before walking a document: MCP keys appear in the text, or the name is an MCP client's.
    static func mayHoldServers(_ file: ManifestFile) -> Bool {
        // `mcpServers`, `mcp_servers` and `servers` all hold `ervers`: a file without it (nearly every manifest) is
        // searched twice, not five times.
        client(forPath: file.path) != nil || file.text.includes("extensions:")
            || file.text.includes("ervers") && (file.text.includes("mcpServers") || file.text.includes("mcp_servers")
                || (file.text.includes("servers") && (file.name.lowercased().hasSuffix("mcp.json") || file.text.includes("mcp:"))))
    }

    /// The servers of one document of a JSON or YAML file.
    static func servers(in document: YAMLNode, file: ManifestFile) -> [ToolServer] {
        guard document.isMapping else { return [] }
        let named = client(forPath: file.path)
        let client = named ?? "other"
        // `mcpServers`: Claude Code, Cursor, Claude Desktop, Windsurf, Gemini CLI, Cline, LibreChat and most others.
        if let mapping = document["mcpServers"], mapping.isMapping {
            return MCPServerEntry.servers(in: mapping, client: client, file: file)
        }
        // VS Code: `servers` beside `inputs` in `.vscode/mcp.json`; `mcp.servers` in its settings.
        let lower = file.name.lowercased()
        if let mapping = document["servers"], mapping.isMapping, named == "vscode" || lower == "mcp.json" || lower.hasSuffix(".mcp.json") {
            return MCPServerEntry.servers(in: mapping, client: named ?? (document["inputs"] != nil ? "vscode" : "other"), file: file)
        }
        if let mapping = document["mcp"]?["servers"], mapping.isMapping {
            // mcp-agent and fast-agent: `mcp: servers:`; VS Code settings: `"mcp": {"servers": ...}`.
            return MCPServerEntry.servers(in: mapping, client: client, file: file)
        }
        if let mapping = document["extensions"], mapping.isMapping, GooseScanner.isGooseConfig(document, file: file) {
            return GooseScanner.extensions(mapping, file: file)
        }
        return []
    }
}

@testable import ModelwardenManifests
import Testing

/// `MCPConfigFiles.client(forPath:)` lowers only the last three parts of a path; the client must be the one that
/// lowering and splitting the whole path gives.
@Suite struct MCPClientPathTests {
    /// The whole path lowered, then split: how the client was first found.
    static func clientByWholePath(_ path: String) -> String? {
        let parts = path.lowercased().split(separator: "/").map(String.init)
        guard let name = parts.last else { return nil }
        let folder = parts.dropLast().last ?? ""
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

    @Test func lastPartsAnswerAsTheWholePathDoes() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["/", "//", "Code", "code - insiders", "VSCodium", "User", "user", ".vscode", ".Cursor", ".gemini", "mcp.json", "MCP.JSON",
                      "settings.json", ".mcp.json", ".claude.json", "claude_desktop_config.json", "mcp_config.json", "gemini-extension.json",
                      "cline_mcp_settings.json", "fastagent.config.yml", "mcp_agent.config.yaml", "LibreChat.yaml", "İ", "ß", "Σ", "é", "x", ""]
        for _ in 0..<6000 {
            let path = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(MCPConfigFiles.client(forPath: path) == Self.clientByWholePath(path), "\(path.debugDescription)")
        }
        #expect(MCPConfigFiles.client(forPath: "home/me/.config/Code/User/mcp.json") == "vscode")
        #expect(MCPConfigFiles.client(forPath: "repo/.cursor/mcp.json") == "cursor")
    }
}

@testable import ModelwardenManifests
import Testing

/// `MCPConfigFiles.client(forPath:)` lowers only the last three parts of a path; the client must be the one that
/// lowering and splitting the whole path gives.
@Suite struct MCPClientPathTests {
    /// The whole path lowered, then split: how the client was first found.
    static func clientByWholePath(_ path: String) -> String? {
        MCPConfigFiles.client(forParts: path.lowercased().split(separator: "/").map(String.init))
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

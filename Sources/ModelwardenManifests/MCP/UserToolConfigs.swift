import Foundation
import ModelwardenCore

/// The MCP client files a user keeps outside any repository (`~/.cursor/mcp.json`, `~/.codex/config.toml`, ...), read
/// by the daemon under the folders its operator lists (`user_tool_configs:`). Only the clients' known paths under each
/// folder are read, never a walk of a home, and only for servers: a user's file is not a workload of the estate.
public enum UserToolConfigs {
    /// Where each client keeps its user-scope file, relative to a home folder; `config.toml` is Codex's file when the
    /// folder listed is `$CODEX_HOME` itself (`/etc/codex`).
    public static let knownPaths = [
        ".claude.json", ".mcp.json",
        ".cursor/mcp.json",
        ".codex/config.toml", "config.toml",
        ".gemini/settings.json",
        ".codeium/windsurf/mcp_config.json",
        ".config/Claude/claude_desktop_config.json",
        ".config/Code/User/mcp.json", ".config/Code/User/settings.json",
        ".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
    ]

    /// The files present under the folders, each to be read inside its folder (a link out of a home is refused when
    /// read); a file that exists but cannot be read is a warning, a missing one is nothing.
    public static func candidates(in folders: [String]) -> (candidates: [Discovery.Candidate], diagnostics: [Diagnostic]) {
        var candidates: [Discovery.Candidate] = []
        var diagnostics: [Diagnostic] = []
        var seen = Set<String>()
        for folder in folders {
            let base = URL(fileURLWithPath: folder).standardizedFileURL.path
            let contained = SymbolicLinks.realPath(base).map { [$0] }
            for relative in knownPaths {
                let path = (base == "/" ? "" : base) + "/" + relative
                var info = stat()
                guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, seen.insert(path).inserted else { continue }
                let readable = access(path, R_OK) == 0
                guard readable, let contained else {
                    let reason = readable ? "its folder cannot be resolved" : String(cString: strerror(errno))
                    diagnostics.append(Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                                  "user-scope MCP config cannot be read (\(reason)); its servers are not listed", level: .warning))
                    continue
                }
                candidates.append(Discovery.Candidate(path: path, absolutePath: path, isNamed: true, containedIn: contained))
            }
        }
        return (candidates, diagnostics)
    }

    /// What a user's file contributes: its servers, marked `user`, and its problems as warnings (a user's broken file
    /// is reported, never a reason to fail the estate's scan). Models, workloads and the rest are left out.
    public static func serversOnly(_ scan: FileScan) -> FileScan {
        var kept = FileScan()
        kept.role = scan.role
        kept.tools = scan.tools.map { server in
            var server = server
            server.scope = "user"
            return server
        }
        kept.diagnostics = scan.diagnostics.map { Diagnostic($0.location, $0.message, level: .warning) }
        return kept
    }
}

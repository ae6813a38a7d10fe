import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports
import Testing

/// Agents' tools (issue 20): the MCP servers each client's config gives an agent, read offline, with the files written
/// in the shape of real ones.
@Suite struct MCPServerTests {
    func servers(_ files: [(String, String)], organization: PolicySet? = nil) -> [ToolServer] {
        Shipped.audit(files, organization: organization).tools.map(\.server)
    }

    static let claudeCode = """
    {
      "mcpServers": {
        "github": {
          "command": "npx",
          "args": ["-y", "@modelcontextprotocol/server-github"],
          "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"}
        },
        "sentry": {
          "type": "http",
          "url": "https://mcp.sentry.dev/mcp?token=abc",
          "headers": {"Authorization": "Bearer ${SENTRY_TOKEN}"}
        },
        "fetch": {"command": "uvx mcp-server-fetch==2025.4.7"},
        "old": {"command": "node", "args": ["tools/old-server.js"], "disabled": true}
      }
    }
    """

    static let vscode = """
    {
      // Prompted once, stored by VS Code.
      "inputs": [
        {"type": "promptString", "id": "perplexity-key", "description": "Perplexity API Key", "password": true}
      ],
      "servers": {
        "perplexity": {
          "type": "stdio",
          "command": "docker",
          "args": ["run", "-i", "--rm", "-e", "PERPLEXITY_API_KEY", "mcp/perplexity-ask:0.1.0"],
          "env": {"PERPLEXITY_API_KEY": "${input:perplexity-key}"},
        },
        "docs": {"type": "sse", "url": "http://localhost:3001/sse"},
      },
    }
    """

    static let codex = """
    model = "gpt-5-codex"

    [mcp_servers.context7]
    command = "npx"
    args = ["-y", "@upstash/context7-mcp@1.0.14"]

    [mcp_servers.linear]
    url = "https://mcp.linear.app/mcp"
    bearer_token_env_var = "LINEAR_API_KEY"

    [mcp_servers.figma]
    url = "http://figma-bridge.design.internal:3845/mcp"
    enabled = false
    """

    @Test func claudeCodeServersWithTransportPinAndHost() throws {
        let found = servers([(".mcp.json", Self.claudeCode)])
        #expect(found.map(\.name) == ["github", "sentry", "fetch", "old"])
        let github = try #require(found.first { $0.name == "github" })
        #expect(github.client == "claude-code" && github.transport == .stdio && github.launcher == "npx")
        #expect(github.package == "@modelcontextprotocol/server-github" && github.version == nil && !github.pinned)
        #expect(github.env == ["GITHUB_PERSONAL_ACCESS_TOKEN"] && github.inlineSecrets.isEmpty)
        #expect(github.location == SourceLocation(file: ".mcp.json", line: 3, column: 5))
        let sentry = try #require(found.first { $0.name == "sentry" })
        #expect(sentry.transport == .http && sentry.url == "https://mcp.sentry.dev/mcp" && sentry.host == "mcp.sentry.dev")
        #expect(sentry.hostScope == .external && sentry.auth == ["header:Authorization"] && sentry.launcher == nil)
        // A token in the query is a literal secret: kept by its name only.
        #expect(sentry.inlineSecrets == ["token"])
        let fetch = try #require(found.first { $0.name == "fetch" })
        #expect(fetch.launcher == "uvx" && fetch.package == "mcp-server-fetch" && fetch.version == "2025.4.7" && fetch.pinned)
        let old = try #require(found.first { $0.name == "old" })
        #expect(!old.enabled && old.launcher == "node" && old.package == nil)
    }

    @Test func vscodeServersWithInputsAndComments() throws {
        let found = servers([(".vscode/mcp.json", Self.vscode)])
        #expect(found.map(\.name) == ["perplexity", "docs"])
        let perplexity = try #require(found.first)
        #expect(perplexity.client == "vscode" && perplexity.launcher == "docker" && perplexity.package == "mcp/perplexity-ask")
        #expect(perplexity.version == "0.1.0" && !perplexity.pinned)
        #expect(perplexity.auth == ["input:perplexity-key"] && perplexity.env == ["PERPLEXITY_API_KEY"])
        let docs = try #require(found.last)
        #expect(docs.transport == .sse && docs.host == "localhost" && docs.hostScope == .loopback)
    }

    @Test func codexTablesAreServers() throws {
        let found = servers([(".codex/config.toml", Self.codex)])
        #expect(found.map(\.name) == ["context7", "linear", "figma"])
        let context7 = try #require(found.first)
        #expect(context7.client == "codex" && context7.package == "@upstash/context7-mcp" && context7.version == "1.0.14" && context7.pinned)
        #expect(context7.location == SourceLocation(file: ".codex/config.toml", line: 3, column: 1))
        let linear = try #require(found.first { $0.name == "linear" })
        #expect(linear.transport == .streamableHTTP && linear.auth == ["bearer_token_env_var:LINEAR_API_KEY"] && linear.host == "mcp.linear.app")
        let figma = try #require(found.first { $0.name == "figma" })
        #expect(!figma.enabled && figma.hostScope == .estate)
    }

    @Test func usersOwnClientFilesAreKnownByTheirPaths() {
        let code = #"{"mcpServers": {"a": {"command": "npx", "args": ["-y", "a-server@1.0.0"]}}}"#
        let vscode = #"{"servers": {"b": {"type": "http", "url": "http://localhost:3000/mcp"}}}"#
        let settings = #"{"editor.fontSize": 13, "mcp": {"servers": {"c": {"command": "uvx", "args": ["c-server==1.0"]}}}}"#
        let found = servers([("home/.claude.json", code), (".config/Code/User/mcp.json", vscode),
                             (".config/Code - Insiders/User/settings.json", settings), ("src/settings.json", settings)])
        // The same settings elsewhere are an editor's settings, not an MCP config.
        #expect(found.count == 3 && Set(found.map { "\($0.client)/\($0.name)" }) == ["claude-code/a", "vscode/b", "vscode/c"])
        #expect(found.allSatisfy { $0.scope == "project" })
        // What the daemon keeps of a user's file: its servers, marked user, and its problems as warnings.
        var scan = FileScan()
        scan.tools = found
        scan.diagnostics = [Diagnostic(SourceLocation(file: "home/.claude.json", line: 2, column: 3), "broken")]
        let kept = UserToolConfigs.serversOnly(scan)
        #expect(kept.tools.map(\.scope) == ["user", "user", "user"] && kept.diagnostics.map(\.level) == [.warning])
    }

    @Test func everyClientByNameAndContent() {
        let desktop = #"{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/Users/me"]}}}"#
        let windsurf = #"{"mcpServers": {"remote": {"serverUrl": "https://mcp.example.com/sse"}}}"#
        let gemini = #"{"theme": "Default", "mcpServers": {"api": {"httpUrl": "https://api.example.com/mcp"}, "old": {"url": "https://old.example.com/sse"}}}"#
        let cline = #"{"mcpServers": {"brave": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-brave-search"], "disabled": false, "autoApprove": []}}}"#
        let agent = """
        execution_engine: asyncio
        mcp:
          servers:
            fetch:
              command: "uvx"
              args: ["mcp-server-fetch"]
            search:
              transport: sse
              url: "https://search.example.com/sse"
        """
        let fast = """
        default_model: haiku
        mcp:
          servers:
            brave:
              transport: http
              url: https://brave.example.com/mcp
        """
        let librechat = """
        version: 1.2.1
        mcpServers:
          filesystem:
            type: stdio
            command: npx
            args: [-y, "@modelcontextprotocol/server-filesystem", /home/user/docs]
          tickets:
            type: streamable-http
            url: https://tickets.example.com/mcp
            headers:
              X-User-ID: "{{LIBRECHAT_USER_ID}}"
        """
        let goose = """
        GOOSE_PROVIDER: anthropic
        GOOSE_MODEL: claude-sonnet-4-20250514
        extensions:
          developer:
            bundled: true
            enabled: true
            name: developer
            type: builtin
          github:
            cmd: npx
            args: [-y, "@modelcontextprotocol/server-github@2025.4.8"]
            enabled: true
            envs: {GITHUB_PERSONAL_ACCESS_TOKEN: "${GITHUB_TOKEN}"}
            type: stdio
        """
        let other = #"{"mcpServers": {"memory": {"command": "npx -y @modelcontextprotocol/server-memory"}}}"#
        let found = servers([
            ("Library/Application Support/Claude/claude_desktop_config.json", desktop), (".codeium/windsurf/mcp_config.json", windsurf),
            (".gemini/settings.json", gemini), ("cline_mcp_settings.json", cline), ("mcp_agent.config.yaml", agent),
            ("fastagent.config.yaml", fast), ("librechat.yaml", librechat), ("goose/config.yaml", goose), (".roo/mcp.json", other),
        ])
        let byName = Dictionary(found.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["fs"]?.client == "claude-desktop" && byName["fs"]?.pinned == true)
        #expect(byName["remote"]?.client == "windsurf" && byName["remote"]?.transport == .sse)
        #expect(byName["api"]?.client == "gemini-cli" && byName["api"]?.transport == .streamableHTTP && byName["old"]?.transport == .sse)
        #expect(byName["brave"]?.client == "cline" || byName["brave"]?.client == "fast-agent")
        #expect(found.filter { $0.name == "brave" }.map(\.client).sorted() == ["cline", "fast-agent"])
        #expect(byName["fetch"]?.client == "mcp-agent" && byName["search"]?.transport == .sse)
        #expect(byName["filesystem"]?.client == "librechat" && byName["tickets"]?.transport == .streamableHTTP)
        #expect(byName["tickets"]?.auth == ["header:X-User-ID"] && byName["tickets"]?.inlineSecrets == [])
        #expect(byName["github"]?.client == "goose" && byName["github"]?.version == "2025.4.8" && byName["developer"] == nil)
        // A command written as one string is split as a shell would.
        #expect(byName["memory"]?.client == "other" && byName["memory"]?.package == "@modelcontextprotocol/server-memory")
    }

    @Test func launchCommandsAndPins() throws {
        let config = #"""
        {"mcpServers": {
          "a": {"command": "npx", "args": ["-y", "@scope/pkg@latest"]},
          "b": {"command": "npx", "args": ["--yes", "pkg@^1.2.0"]},
          "c": {"command": "bunx", "args": ["pkg@2.0.1"]},
          "d": {"command": "uvx", "args": ["--from", "git+https://github.com/example/server", "server"]},
          "e": {"command": "pipx", "args": ["run", "tool>=1.0"]},
          "f": {"command": "podman", "args": ["run", "-i", "--rm", "--name", "x", "-e", "TOKEN=abc", "quay.io/org/img:1.2@sha256:2222222222222222222222222222222222222222222222222222222222222222"]},
          "g": {"command": "cmd", "args": ["/c", "npx", "-y", "win-server@3.1.4"]},
          "h": {"command": "python", "args": ["-m", "mcp_server_time"]},
          "i": {"command": "/opt/bin/my-server", "args": ["--api-key", "q8Z2kLm9Xw4RtY7uP3sV6nB1cD5fG0hJ"]},
          "j": {"command": "pnpm", "args": ["dlx", "dlx-server@0.4.0"]},
          "k": {"command": "pnpm", "args": ["start", "server.js"]}
        }}
        """#
        let found = Dictionary(servers([(".mcp.json", config)]).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(found["a"]?.package == "@scope/pkg" && found["a"]?.version == "latest" && found["a"]?.pinned == false)
        #expect(found["b"]?.version == "^1.2.0" && found["b"]?.pinned == false)
        #expect(found["c"]?.launcher == "bunx" && found["c"]?.pinned == true)
        #expect(found["d"]?.launcher == "uvx" && found["d"]?.package == "git+https://github.com/example/server" && found["d"]?.pinned == false)
        #expect(found["e"]?.launcher == "pipx" && found["e"]?.package == "tool" && found["e"]?.pinned == false)
        #expect(found["f"]?.launcher == "podman" && found["f"]?.package == "quay.io/org/img" && found["f"]?.pinned == true && found["f"]?.env == ["TOKEN"])
        #expect(found["g"]?.launcher == "npx" && found["g"]?.package == "win-server" && found["g"]?.pinned == true)
        #expect(found["h"]?.launcher == "python" && found["h"]?.package == "mcp_server_time")
        #expect(found["i"]?.launcher == "binary" && found["i"]?.inlineSecrets == ["--api-key"])
        // `pnpm dlx` fetches a package; any other pnpm command runs the project's own script.
        #expect(found["j"]?.launcher == "npx" && found["j"]?.package == "dlx-server" && found["j"]?.pinned == true)
        #expect(found["k"]?.launcher == "binary" && found["k"]?.package == nil)
    }

    @Test func literalSecretsAreNamedNeverKept() throws {
        let secret = "q8Z2kLm9Xw4RtY7uP3sV6nB1cD5fG0hJ"
        let config = """
        {"mcpServers": {"db": {"command": "npx", "args": ["-y", "db-mcp@1.0.0"],
          "env": {"DB_PASSWORD": "\(secret)", "DB_HOST": "db.internal", "API_TOKEN": "<your-token>"}},
          "remote": {"url": "https://user:\(secret)@mcp.example.com/mcp", "headers": {"Authorization": "Bearer \(secret)"}}}}
        """
        let result = Shipped.audit([(".cursor/mcp.json", config)])
        let db = try #require(result.tools.first { $0.server.name == "db" }?.server)
        #expect(db.inlineSecrets == ["DB_PASSWORD"] && db.env == ["DB_PASSWORD", "DB_HOST", "API_TOKEN"])
        let remote = try #require(result.tools.first { $0.server.name == "remote" }?.server)
        #expect(remote.url == "https://mcp.example.com/mcp" && Set(remote.inlineSecrets) == ["url-password", "Authorization"])
        #expect(result.findings.filter { $0.rule == "tools/inline-secret" }.count == 2)
        let json = JSONReporter().render(result, context: ReportContext(toolVersion: "test"))
        #expect(!json.contains(secret) && !TextReporter().render(result, context: ReportContext(toolVersion: "test")).contains(secret))
    }

    @Test func dataFilesNeverYieldServers() {
        // A fixture folder of recorded configs is data, not this repository's agents.
        let config = #"{"mcpServers": {"github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]}}}"#
        #expect(servers([("tests/fixtures/configs/.mcp.json", config)]).isEmpty)
        #expect(servers([(".mcp.json", config)]).count == 1)
    }

    @Test func brokenConfigIsReportedNotFatal() {
        let result = Shipped.audit([(".mcp.json", "{\"mcpServers\": {\"a\": {\"command\": \"npx\",, }"), (".vscode/mcp.json", Self.vscode)])
        #expect(result.tools.map(\.server.name) == ["perplexity", "docs"])
        #expect(result.diagnostics.contains { $0.location.file == ".mcp.json" })
    }

    @Test func confidentialWorkloadWiringRemoteServerIsAnErrorUnderDefaults() throws {
        let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: claims-agent
          labels: {modelwarden.io/data-classification: confidential}
        spec:
          template:
            spec:
              containers:
                - {name: agent, image: example/claims-agent:2.0.1}
        """
        let result = Shipped.audit([("deploy/agent.yaml", deployment), (".mcp.json", Self.claudeCode), (".codex/config.toml", Self.codex)])
        let errors = result.findings.filter { $0.rule == "tools/unapproved-remote-server" }
        // Workloads in a sub-folder do not classify the root's configs; the repository's own classification does.
        #expect(errors.isEmpty)
        let nested = Shipped.audit([("agent.yaml", deployment), (".mcp.json", Self.claudeCode), (".codex/config.toml", Self.codex)])
        let found = nested.findings.filter { $0.rule == "tools/unapproved-remote-server" }
        #expect(Set(found.map { $0.deployment?.name ?? "" }) == ["sentry", "linear"] && found.count == 2)
        #expect(found.allSatisfy { $0.severity == .error })
        #expect(found.first { $0.deployment?.name == "sentry" }?.location == SourceLocation(file: ".mcp.json", line: 8, column: 5))
    }
}

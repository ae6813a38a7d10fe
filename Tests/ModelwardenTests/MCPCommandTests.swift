import Foundation
import ModelwardenCore
import Testing

/// Agents' tools through the binary: a repository with `.mcp.json`, `.vscode/mcp.json` and a Codex `config.toml`
/// beside a confidential workload, as `modelwarden check .` and `report` see it (issue 20's done-when).
@Suite struct MCPCommandTests {
    static let validator = Paths.shared.appendingPathComponent("tools/validate-schema").path

    static func repository() throws -> TempFolder {
        let folder = try TempFolder()
        try folder.write(".mcp.json", MCPServerTests.claudeCode)
        try folder.write(".vscode/mcp.json", MCPServerTests.vscode)
        try folder.write(".codex/config.toml", MCPServerTests.codex)
        try folder.write("deploy.yaml", """
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
        """)
        return folder
    }

    @Test func checkListsEveryServerWithTransportPinAndHost() throws {
        let folder = try Self.repository()
        let result = try run(Paths.binary, ["check", ".", "--format", "json", "--fail-on", "never"], cwd: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tools = try #require(json["tools"] as? [[String: Any]])
        let names = tools.map { "\($0["client"]!)/\($0["name"]!)" }
        #expect(Set(names) == ["claude-code/github", "claude-code/sentry", "claude-code/fetch", "claude-code/old", "vscode/perplexity",
                               "vscode/docs", "codex/context7", "codex/linear", "codex/figma"])
        let keys = ["name", "client", "scope", "file", "line", "column", "enabled", "transport", "launcher", "package", "version", "pinned",
                    "url", "host", "hostScope", "auth", "env", "inlineSecrets"]
        #expect(tools.allSatisfy { Set($0.keys) == Set(keys) })
        let context7 = try #require(tools.first { $0["name"] as? String == "context7" })
        #expect(context7["transport"] as? String == "stdio" && context7["pinned"] as? Bool == true && context7["version"] as? String == "1.0.14")
        let linear = try #require(tools.first { $0["name"] as? String == "linear" })
        #expect(linear["host"] as? String == "mcp.linear.app" && linear["hostScope"] as? String == "external" && linear["launcher"] is NSNull)
        // The confidential workload at the root wires the remote servers: an error under the shipped defaults.
        let findings = try #require(json["findings"] as? [[String: Any]])
        let unapproved = findings.filter { $0["rule"] as? String == "tools/unapproved-remote-server" }
        #expect(Set(unapproved.compactMap { ($0["deployment"] as? [String: Any])?["name"] as? String }) == ["sentry", "linear"])
        #expect(unapproved.allSatisfy { $0["severity"] as? String == "error" })

        let text = try run(Paths.binary, ["check", "."], cwd: folder.path)
        #expect(text.status == 1)
        #expect(text.stdout.contains("Agents' tools (MCP servers)"))
        #expect(text.stdout.contains("context7  codex stdio npx @upstash/context7-mcp@1.0.14 (pinned)"))
        #expect(text.stdout.contains("linear  codex streamable-http https://mcp.linear.app/mcp (host mcp.linear.app, external)"))
    }

    @Test func approvingTheServersClearsTheError() throws {
        let folder = try Self.repository()
        try folder.write(".modelwarden.yaml", """
        organization:
          approved_tools: [mcp.linear.app, "https://mcp.sentry.dev/"]
        """)
        let result = try run(Paths.binary, ["check", ".", "--format", "json", "--fail-on", "never"], cwd: folder.path)
        #expect(!result.stdout.contains("tools/unapproved-remote-server"))
        #expect(result.stdout.contains("tools/unpinned-package"))
    }

    @Test func organisationKeysAreValidatedAndShown() throws {
        let folder = try TempFolder()
        try folder.write(".modelwarden.yaml", """
        organization:
          data_classification: secret
          approved_tools: [""]
        """)
        let bad = try run(Paths.binary, ["policy", "show"], cwd: folder.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("organization.data_classification") && bad.stderr.contains("'secret' is not one of"))
        #expect(bad.stderr.contains("organization.approved_tools[0]"))
        try folder.write(".modelwarden.yaml", """
        organization:
          data_classification: confidential
          approved_tools: [mcp.linear.app]
          tool_publishers: ["@example"]
        """)
        let good = try run(Paths.binary, ["policy", "show"], cwd: folder.path)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("approved_tools") && good.stdout.contains("mcp.linear.app"))
        #expect(good.stdout.contains("tool_publishers") && good.stdout.contains("@example"))
    }

    @Test func findingsCarryExactLocationsInEveryCIFormat() throws {
        let folder = try Self.repository()
        let sarif = try run(Paths.binary, ["check", ".", "--format", "sarif", "--fail-on", "never"], cwd: folder.path)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let results = try #require(((document["runs"] as? [[String: Any]])?.first)?["results"] as? [[String: Any]])
        let sentry = try #require(results.first { $0["ruleId"] as? String == "tools/unapproved-remote-server" && ($0["message"] as? [String: Any])?["text"].map { "\($0)".contains("sentry") } == true })
        let location = try #require(((sentry["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
        #expect((location["region"] as? [String: Int])?["startLine"] == 8 && (location["region"] as? [String: Int])?["startColumn"] == 5)
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == ".mcp.json")
        let github = try run(Paths.binary, ["check", ".", "--format", "github", "--fail-on", "never"], cwd: folder.path)
        #expect(github.stdout.contains("file=.mcp.json,line=8,col=5"))
        let junit = try run(Paths.binary, ["check", ".", "--format", "junit", "--fail-on", "never"], cwd: folder.path)
        #expect(junit.stdout.contains("tools/unapproved-remote-server") && junit.stdout.contains(".mcp.json:8:5"))
        let markdown = try run(Paths.binary, ["check", ".", "--format", "markdown", "--fail-on", "never"], cwd: folder.path)
        #expect(markdown.stdout.contains("tools/unapproved-remote-server") && markdown.stdout.contains(".mcp.json:8"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: validator)))
    func cycloneDXListsEachServerAsAValidService() throws {
        let folder = try Self.repository()
        let out = try TempFolder()
        let result = try run(Paths.binary, ["report", ".", "--format", "cyclonedx", "--output", out.path + "/bom.json"], cwd: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let validate = try run(Self.validator, ["cyclonedx", out.path + "/bom.json"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let bom = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + "/bom.json"))) as? [String: Any])
        let services = try #require(bom["services"] as? [[String: Any]])
        let tools = services.filter { ($0["bom-ref"] as? String)?.hasPrefix("mcp:") == true }
        #expect(tools.count == 9)
        let sentry = try #require(tools.first { $0["name"] as? String == "sentry" })
        #expect(sentry["endpoints"] as? [String] == ["https://mcp.sentry.dev/mcp"])
        #expect(sentry["authenticated"] as? Bool == true && sentry["x-trust-boundary"] as? Bool == true)
        let flows = try #require(sentry["data"] as? [[String: String]])
        #expect(flows == [["flow": "bi-directional", "classification": "confidential"]])
        let docs = try #require(tools.first { $0["name"] as? String == "docs" })
        #expect(docs["x-trust-boundary"] as? Bool == false && docs["authenticated"] as? Bool == false)
        let estate = try #require((bom["dependencies"] as? [[String: Any]])?.first { $0["ref"] as? String == "estate" })
        #expect((estate["dependsOn"] as? [String])?.contains("mcp:.mcp.json#sentry") == true)
    }

    @Test func scanRecordsServersAndInventoryListsThem() throws {
        let folder = try Self.repository()
        let out = try TempFolder()
        let database = out.path + "/audit.sqlite"
        let scan = try run(Paths.binary, ["scan", ".", "--db", database], cwd: folder.path)
        #expect(scan.status == 0 || scan.status == 1, "\(scan.stderr)")
        let inventory = try run(Paths.binary, ["inventory", "--db", database, "--kind", "tools", "--format", "json"])
        #expect(inventory.status == 0, "\(inventory.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(inventory.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 9)
        let context7 = try #require(rows.first { $0["name"] as? String == "context7" })
        #expect(context7["version"] as? String == "1.0.14" && context7["pinned"] as? Bool == true && context7["location"] as? String == ".codex/config.toml:3:1")
        let models = try run(Paths.binary, ["inventory", "--db", database, "--kind", "models"])
        #expect(models.status == 0 && !models.stdout.contains("context7"))
        let bad = try run(Paths.binary, ["inventory", "--db", database, "--kind", "servers"])
        #expect(bad.status != 0)

        // The HTML report shows them beside the external APIs, from the history and from a one-off scan.
        let html = try run(Paths.binary, ["report", "--db", database, "--format", "html", "--output", out.path + "/r.html"])
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOfFile: out.path + "/r.html", encoding: .utf8)
        #expect(page.contains("id=\"agent-tools\"") && page.contains("tools (MCP servers)"))
        #expect(page.contains("@upstash/context7-mcp@1.0.14 pinned") && page.contains("https://mcp.linear.app/mcp (external)"))
        let oneOff = try run(Paths.binary, ["report", ".", "--format", "html"], cwd: folder.path)
        #expect(oneOff.stdout.contains("id=\"agent-tools\"") && oneOff.stdout.contains("context7"))
    }
}

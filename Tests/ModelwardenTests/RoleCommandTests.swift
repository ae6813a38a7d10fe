import Foundation
import ModelwardenCore
import ModelwardenManifests
import Testing

/// Roles through the binary and through a whole folder: `--explain-roles`, `roles:` overrides in `.modelwarden.yaml`,
/// the `supported` section of the JSON, and code run by a compose service that inherits the service's labels.
@Suite struct RoleCommandTests {
    @Test func explainRolesPrintsEveryFileWithItsReason() throws {
        let folder = try TempFolder()
        try folder.write("docker-compose.yml", "services:\n  api:\n    image: x\n    environment:\n      OPENAI_MODEL: gpt-4o\n")
        try folder.write("tests/fixtures/config.json", "{\"model\": \"gpt-4\"}\n")
        let result = try run(Paths.binary, ["check", ".", "--explain-roles", "--fail-on", "never", "--no-color"], cwd: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let fixture = try #require(lines.first { $0.contains("tests/fixtures/config.json") })
        #expect(fixture.hasPrefix("data") && fixture.contains("tests-folder: test code and fixtures (folder 'tests/')"))
        let compose = try #require(lines.first { $0.contains("docker-compose.yml") && $0.hasPrefix("configuration") })
        #expect(compose.contains("default:"))
        #expect(result.stdout.contains("2 files read: 1 configuration, 1 data"))
        #expect(!result.stdout.contains("gpt-4 "), "the fixture's model is not a usage")
        let refused = try run(Paths.binary, ["check", ".", "--explain-roles", "--format", "json"], cwd: folder.path)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("give an --output for --format json"))
    }

    @Test func rolesInTheConfigurationOverrideConventionsAndShapes() throws {
        let folder = try TempFolder()
        // A results-shaped file that really configures the grader, and a config that is only an experiment.
        try folder.write("config/grader.json", "{\"model\": \"gpt-4o-mini\", \"score_threshold\": 0.7, \"precision\": 2, \"timestamp\": \"x\"}\n")
        try folder.write("experiments/run/config.yaml", "model: claude-3-5-sonnet-20241022\n")
        let before = try audit(folder)
        #expect(before.usages.map { $0.usage.model } == ["claude-3-5-sonnet-20241022"])
        try folder.write(".modelwarden.yaml", "schemaVersion: 1\nroles:\n  \"config/*.json\": configuration\n  \"experiments/\": data\n")
        let after = try audit(folder)
        #expect(after.usages.map { $0.usage.model } == ["gpt-4o-mini"])
        let override = after.roles.first { $0.file == "experiments/run/config.yaml" }?.verdict
        #expect(override?.predicate == "roles-override")
        #expect(override?.reason.contains(".modelwarden.yaml:4") == true)
        let shown = try run(Paths.binary, ["policy", "show"], cwd: folder.path)
        #expect(shown.stdout.contains("File roles (2)") && shown.stdout.contains("experiments/"), "\(shown.stdout)")
    }

    @Test func aModelFileAmongTestFixturesIsData() throws {
        let folder = try TempFolder()
        try folder.write("libs/core/tests/resources/vocab-llama.gguf", Data("GGUF".utf8) + Data([3, 0, 0, 0, 0xFF, 0xFF]))
        try folder.write(".env", "OPENAI_MODEL=gpt-4o\n")
        let result = try audit(folder)
        #expect(result.usages.map(\.usage.location.file) == [".env"])
        #expect(!result.diagnostics.contains { $0.location.file.hasSuffix(".gguf") }, "\(result.diagnostics)")
        #expect(result.roles.first { $0.file.hasSuffix(".gguf") }?.verdict.predicate == "tests-folder")
    }

    @Test func anUnknownRoleIsAConfigurationError() throws {
        let folder = try TempFolder()
        try folder.write(".modelwarden.yaml", "schemaVersion: 1\nroles:\n  \"evals/**\": date\n")
        try folder.write(".env", "OPENAI_MODEL=gpt-4o\n")
        let result = try run(Paths.binary, ["check", "."], cwd: folder.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("expected configuration or data, found 'date' (did you mean 'data'?)"), "\(result.stderr)")
    }

    @Test func jsonListsSupportedModelsApartFromUsages() throws {
        let folder = try TempFolder()
        try folder.write("providers/anthropic.yaml", """
            provider: anthropic
            models:
              - id: claude-opus-4-1
                display_name: Claude Opus 4.1
                context_window: 200000
              - id: claude-haiku-4-5
                display_name: Claude Haiku 4.5
                supports_tools: true
            """)
        let result = try run(Paths.binary, ["check", ".", "--format", "json", "--fail-on", "never"], cwd: folder.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["usages"] as? [Any])?.isEmpty == true)
        let supported = try #require(object["supported"] as? [[String: Any]])
        #expect(supported.map { $0["model"] as? String } == ["claude-opus-4-1", "claude-haiku-4-5"])
        #expect(supported.first?["line"] as? Int == 3 && supported.first?["provider"] as? String == "anthropic")
        #expect((object["summary"] as? [String: Any])?["dataFiles"] as? Int == 1)
        let text = try run(Paths.binary, ["check", ".", "--fail-on", "never", "--no-color"], cwd: folder.path)
        #expect(text.stdout.contains("providers/anthropic.yaml: 2 (claude-opus-4-1, claude-haiku-4-5)"), "\(text.stdout)")
        #expect(text.stdout.contains("0 model usages") && text.stdout.contains("1 data files (--explain-roles)"))
        let markdown = try run(Paths.binary, ["check", ".", "--format", "markdown", "--fail-on", "never"], cwd: folder.path)
        #expect(markdown.stdout.contains("| claude-haiku-4-5 | anthropic | `providers/anthropic.yaml:6:9` |"), "\(markdown.stdout)")
    }

    @Test func aComposeServiceInheritsTheModelItsCodeCalls() throws {
        let folder = try TempFolder()
        try folder.write("docker-compose.yml", """
            services:
              support-bot:
                build: ./bot
                environment:
                  OPENAI_API_KEY: ${OPENAI_API_KEY}
                labels:
                  modelwarden.io/data-classification: confidential
            """)
        try folder.write("bot/requirements.txt", "openai\n")
        try folder.write("bot/app.py", "reply = client.chat.completions.create(model=\"gpt-4o-mini\", messages=history)\n")
        try folder.write("worker/tasks.py", "SUMMARY_MODEL = \"gpt-4o\"\n")
        let result = try audit(folder)
        let bot = try #require(result.usages.first { $0.usage.model == "gpt-4o-mini" })
        #expect(bot.usage.deployment == DeploymentRef(kind: "ComposeService", namespace: "compose", name: "support-bot"))
        #expect(bot.usage.location == ModelwardenCore.SourceLocation(file: "bot/app.py", line: 1, column: 47))
        #expect(result.findings.contains { $0.rule == "data-control/sensitive-data-to-external-api" && $0.model == "gpt-4o-mini" })
        let worker = try #require(result.usages.first { $0.usage.model == "gpt-4o" })
        #expect(worker.usage.deployment == DeploymentRef(kind: "Application", namespace: nil, name: "worker"))
    }

    func audit(_ folder: TempFolder) throws -> AuditResult {
        let layers = [PolicyLayer.folder(Paths.policies), PolicyLayer.configuration(folder.path + "/.modelwarden.yaml")]
        let loaded = PolicyLoader.load(layers: FileManager.default.fileExists(atPath: folder.path + "/.modelwarden.yaml") ? layers : [layers[0]],
                                       today: Shipped.today)
        let policy = try #require(loaded.policy, "\(loaded.diagnostics)")
        return Auditor(policy: policy, today: Shipped.today).audit(paths: [folder.path])
    }
}

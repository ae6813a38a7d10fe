import Foundation
import ModelwardenCore
import ModelwardenManifests
import Testing

/// Data files yield no usages and no findings; configuration beside them still does. Each data shape and each
/// convention is checked on a small synthetic repository shaped like real ones.
@Suite struct FileRoleTests {
    /// A compose file and an env file that really configure a model, to sit beside every data shape.
    static let configuration: [(String, String)] = [
        ("docker-compose.yml", "services:\n  api:\n    image: ghcr.io/acme/api:1.2\n    environment:\n      OPENAI_MODEL: gpt-4o-mini\n"),
        ("app/config.py", "DEFAULT_CONFIG = {\"SMART_LLM\": \"openai:gpt-4.1\"}\n"),
    ]

    func audit(_ files: [(String, String)]) -> AuditResult {
        Shipped.audit(FileRoleTests.configuration + files)
    }

    func expectOnlyConfiguration(_ result: AuditResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let files = Set(result.usages.map(\.usage.location.file))
        #expect(files == ["docker-compose.yml", "app/config.py"], "\(result.usages.map { "\($0.usage.location) \($0.usage.model ?? "-")" })",
                sourceLocation: sourceLocation)
        #expect(result.findings.allSatisfy { files.contains($0.location.file) || $0.deployment == nil }, sourceLocation: sourceLocation)
    }

    func role(_ result: AuditResult, _ file: String) -> RoleVerdict? {
        result.roles.first { $0.file == file }?.verdict
    }

    @Test func aSupportedModelCatalogIsListedApartNotUsed() {
        var entries: [String] = []
        for (id, window) in [("gpt-4o", 128000), ("gpt-4o-mini", 128000), ("claude-3-5-sonnet-20241022", 200000), ("llama3.1:8b", 131072)] {
            entries.append("    {\"id\": \"\(id)\", \"display_name\": \"\(id)\", \"context_window\": \(window), \"supports_tools\": true}")
        }
        let catalog = "{\n  \"models\": [\n" + entries.joined(separator: ",\n") + "\n  ]\n}\n"
        let result = audit([("app/providers/catalog.json", catalog)])
        expectOnlyConfiguration(result)
        #expect(role(result, "app/providers/catalog.json")?.predicate == "supported-model-catalog")
        #expect(result.supported.map(\.model) == ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "llama3.1:8b"])
        #expect(result.supported.first?.location == ModelwardenCore.SourceLocation(file: "app/providers/catalog.json", line: 3, column: 13))
    }

    @Test("a model picker's catalog grouped by provider and by kind (chat, embedding) is data, its providers kept")
    func aCatalogGroupedByProviderIsData() {
        func group(_ provider: String, _ ids: [String]) -> String {
            let models = ids.map { "        {\"label\": \"\($0)\", \"name\": \"\($0)\", \"description\": \"\($0) chat\", \"input_cost\": 0.000002, \"output_cost\": 0.000008}" }
            return "    {\n      \"name\": \"\(provider)\",\n      \"models\": [\n" + models.joined(separator: ",\n") + "\n      ]\n    }"
        }
        let catalog = "{\n  \"chat\": [\n" + [group("chatOpenAI", ["gpt-4o", "gpt-4o-mini"]), group("chatAnthropic", ["claude-3-5-haiku-latest"])].joined(separator: ",\n")
            + "\n  ],\n  \"embedding\": [\n" + group("openAIEmbeddings", ["text-embedding-3-small"]) + "\n  ]\n}\n"
        let result = audit([("packages/components/models.json", catalog)])
        expectOnlyConfiguration(result)
        #expect(role(result, "packages/components/models.json")?.predicate == "supported-model-catalog")
        #expect(result.supported.map(\.model) == ["gpt-4o", "gpt-4o-mini", "claude-3-5-haiku-latest", "text-embedding-3-small"])
        #expect(result.supported.first?.provider == "chatOpenAI")

        // The same groups with an endpoint and a key are a gateway's configuration, not a catalog.
        let configured = catalog.replacingOccurrences(of: "\"name\": \"chatOpenAI\",", with: "\"name\": \"chatOpenAI\", \"baseURL\": \"https://gw.example.com/v1\", \"apiKey\": \"${KEY}\",")
        let gateway = audit([("packages/components/models.json", configured)])
        #expect(role(gateway, "packages/components/models.json")?.role == .configuration)
    }

    @Test func aModelListWithAnEndpointIsConfigurationNotACatalog() {
        let routes = """
            models:
              - id: chat
                model: gpt-4o
                api_base: https://api.openai.com/v1
                context_window: 128000
            """
        let result = audit([("gateway/models.yaml", routes)])
        #expect(role(result, "gateway/models.yaml")?.role == .configuration)
        #expect(result.supported.isEmpty)
    }

    @Test func benchmarkResultsAreData() {
        let results = """
            {"run_metadata": {"timestamp": "2026-07-04T19:39:24Z", "model": "openai:gpt-5.4", "grader_model": "gpt-5.4"},
             "summary": {"baseline@25": {"correct": 27, "partial": 13, "coverage": 0.72, "avg_latency_seconds": 41.2}}}
            """
        let result = audit([("agents/runs/hybrid_2026-07-04.json", results)])
        expectOnlyConfiguration(result)
        #expect(role(result, "agents/runs/hybrid_2026-07-04.json")?.predicate == "evaluation-results")
    }

    @Test func anOpenAPIDocumentsExamplesAreData() {
        let spec = """
            openapi: 3.0.3
            info: {title: Inference API, version: "1.0"}
            components:
              schemas:
                ChatRequest:
                  properties:
                    model: {type: string, example: meta-llama/Llama-3.1-8B-Instruct}
            """
        let result = audit([("api/openapi.yaml", spec)])
        expectOnlyConfiguration(result)
        #expect(role(result, "api/openapi.yaml")?.predicate == "openapi-document")
    }

    @Test func testFixturesSnapshotsAndLocalesAreData() {
        let result = audit([
            ("tests/fixtures/config.json", "{\"model\": \"gpt-4o\", \"OPENAI_API_KEY\": \"sk-test\"}\n"),
            ("libs/core/core_tests/resources/.env", "OPENAI_MODEL=gpt-4\n"),
            ("web/__snapshots__/settings.json", "{\"chatModel\": \"claude-3-opus-20240229\"}\n"),
            ("web/src/locales/de.json", "{\"model\": \"Modell\", \"defaultModel\": \"z. B. mistral-large-latest\"}\n"),
            ("server/tests/test_llm.py", "def test_default():\n    assert pick(model=\"gpt-4o\")\n"),
            ("server/models_test.go", "package llm\nconst testModel = \"gpt-4o\"\n"),
            ("docs/deploy/docker-compose.yml", "services:\n  ui:\n    image: x\n    environment:\n      OPENAI_MODEL: gpt-4o\n"),
        ])
        expectOnlyConfiguration(result)
        #expect(role(result, "web/src/locales/de.json")?.predicate == "translations-folder")
        #expect(role(result, "server/models_test.go")?.predicate == "test-file-name")
        #expect(role(result, "docs/deploy/docker-compose.yml")?.predicate == "documentation-folder")
        #expect(role(result, "docker-compose.yml")?.role == .configuration)
    }

    @Test func minifiedBundlesAndMigrationsAreData() {
        let bundle = "var a={model:\"gpt-4o\"};" + String(repeating: "function f(e){return e}", count: 20) + "\n"
        let result = audit([
            ("ui/out/_next/static/chunks/main.js", bundle),
            ("server/db/migrations/0058_alter_chat_model.py", "field = models.CharField(default=\"gpt-4o\")\nchat_model = \"gpt-4\"\n"),
            ("evals/simple_evals/run_eval.py", "GRADER_MODEL_NAME = \"gpt-4-turbo\"\n"),
        ])
        expectOnlyConfiguration(result)
        #expect(role(result, "evals/simple_evals/run_eval.py")?.predicate == "evaluation-code")
        #expect(role(result, "ui/out/_next/static/chunks/main.js")?.predicate == "minified-bundle")
    }

    @Test func everyDataFileAppearsWithItsReason() {
        let result = audit([("evals/results/run.json", "{\"score\": 1}\n")])
        let verdict = role(result, "evals/results/run.json")
        #expect(verdict?.role == .data)
        #expect(verdict?.reason.contains("results/") == true)
        #expect(role(result, "app/config.py")?.predicate == "default")
    }
}

import ModelwardenCore
import ModelwardenManifests
import Testing

/// The generic model-reference pass (issue 15): formats no scanner knows, read for values whose context says model
/// and which the catalog recognises. Each file is our own, written in the shape of a real tool's config.
@Suite struct GenericReferenceTests {
    typealias Found = (model: String?, line: Int, column: Int, hosting: String, place: String?, evidence: String)

    func usages(_ files: [(String, String)]) -> [Found] {
        Shipped.audit(files).usages.map {
            ($0.usage.model, $0.usage.location.line, $0.usage.location.column, $0.usage.hosting.rawValue, $0.usage.runtime ?? $0.usage.api,
             $0.usage.evidence)
        }
    }

    @Test func dspyProgramSettingsNameTheirLanguageModels() {
        let settings = """
        # DSPy program: the student and the teacher
        lm: openai/gpt-4o-mini
        teacher_lm: anthropic/claude-3-5-haiku-20241022
        optimizer:
          name: MIPROv2
          num_trials: 20
        """
        let found = usages([("rag/program.yaml", settings)])
        #expect(found.count == 2)
        #expect(found.contains { $0.model == "openai/gpt-4o-mini" && $0.line == 2 && $0.column == 5 && $0.place == "openai" })
        #expect(found.contains { $0.model == "anthropic/claude-3-5-haiku-20241022" && $0.line == 3 && $0.place == "anthropic" })
        #expect(found.allSatisfy { $0.evidence.hasPrefix("model reference") })
    }

    @Test func mem0ConfigSendsEachModelToItsProvider() {
        let config = """
        vector_store:
          provider: qdrant
          config:
            collection_name: memories
            host: qdrant
        llm:
          provider: anthropic
          config:
            model: claude-3-5-sonnet-20240620
            temperature: 0.1
        embedder:
          provider: ollama
          config:
            model: nomic-embed-text:v1.5
            ollama_base_url: http://ollama:11434
        """
        let found = usages([("memory/mem0.yaml", config)])
        #expect(found.contains { $0.model == "claude-3-5-sonnet-20240620" && $0.line == 9 && $0.place == "anthropic" })
        #expect(found.contains { $0.model == "nomic-embed-text:v1.5" && $0.line == 14 && $0.hosting == "self-hosted" && $0.place == "ollama" })
        #expect(!found.contains { $0.line == 5 })
    }

    @Test func llamaIndexEngineGoesToTheAzureEndpointBesideIt() {
        let config = """
        llm:
          class_name: AzureOpenAI
          engine: gpt-4o-2024-08-06
          azure_endpoint: https://contoso-eu.openai.azure.com/
          api_version: 2024-06-01
        """
        let found = usages([("service/llama_index.yaml", config)])
        #expect(found.count == 1)
        #expect(found.first?.model == "gpt-4o-2024-08-06" && found.first?.line == 3 && found.first?.place == "azure-openai")
    }

    @Test func providerPrefixedIdsCountUnderAnyKeyButNotInLists() {
        let config = """
        default_agent: openai:gpt-4.1-mini
        grader: azure:chat:gpt-4o
        local: ollama:chat:llama3.1:8b
        weights: hf://meta-llama/Llama-3.1-8B-Instruct
        choices:
          - openai:gpt-4o
          - anthropic:claude-3-5-sonnet-20241022
        """
        let found = usages([("agent/settings.yaml", config)])
        #expect(found.map(\.line).sorted() == [1, 2, 3, 4])
        #expect(found.contains { $0.line == 1 && $0.place == "openai" })
        #expect(found.contains { $0.line == 2 && $0.place == "azure-openai" })
        #expect(found.contains { $0.line == 3 && $0.hosting == "self-hosted" && $0.place == "ollama" })
        #expect(found.contains { $0.line == 4 && $0.hosting == "self-hosted" })
    }

    @Test func guardrailsConfigReadsTheModelNotThePrompts() {
        let config = """
        llm:
          provider: openai
          model_id: gpt-4o-mini
        validators:
          - name: toxic_language
            on_fail: exception
        prompt: |
          Answer as gpt-4o would, but never mention claude-3-opus.
        description: Guard built on gpt-4o-mini for the support bot
        """
        let found = usages([("guards/guardrails.yaml", config)])
        #expect(found.count == 1)
        #expect(found.first?.model == "gpt-4o-mini" && found.first?.line == 3 && found.first?.place == "openai")
    }

    @Test func switchedOffAndUnselectedEntriesAreNotUsages() {
        let config = """
        default: ollama
        ollama:
          llm: qwen2.5:7b-instruct
        openai:
          llm: gpt-4o
        judge:
          enabled: false
          llm: claude-3-5-sonnet-20241022
        """
        let found = usages([("app/llm.yaml", config)])
        #expect(found.map(\.model) == ["qwen2.5:7b-instruct"])
    }

    @Test func otherTOMLNamesItsModelByKeyAndPrefix() {
        let config = """
        # agent settings
        [agent]
        name = "triage"
        llm = "anthropic:claude-3-7-sonnet-latest"
        description = "uses gpt-4o for nothing"

        [summarizer]
        engine = "gpt-4o-mini"
        base_url = "https://api.openai.com/v1"
        """
        let found = usages([("agent/agent.toml", config)])
        #expect(found.count == 2)
        #expect(found.contains { $0.model == "anthropic:claude-3-7-sonnet-latest" && $0.line == 4 && $0.column == 8 && $0.place == "anthropic" })
        #expect(found.contains { $0.model == "gpt-4o-mini" && $0.line == 8 && $0.place == "openai" })
    }

    @Test func scriptArgumentsNameTheModelsAnEvalRuns() {
        let script = """
        #!/usr/bin/env bash
        set -euo pipefail
        # python run.py --model gpt-4 (the old default)
        echo "running with --model gpt-4o"
        python -m evals.run --model gpt-4o-mini --judge-model=claude-3-5-sonnet-20241022 --limit 50
        """
        let found = usages([("evals/run_eval.sh", script)])
        #expect(found.count == 2)
        #expect(found.contains { $0.model == "gpt-4o-mini" && $0.line == 5 && $0.column == 29 && $0.place == "openai" })
        #expect(found.contains { $0.model == "claude-3-5-sonnet-20241022" && $0.line == 5 && $0.place == "anthropic" })
    }

    @Test func envFileVariablesTheAnalyserDoesNotReadAsModels() {
        let env = """
        DEFAULT_LLM=openai:gpt-4o
        LLM_PROVIDER=openai
        ANTHROPIC_LLM=claude-3-5-sonnet-20241022
        OPENAI_API_KEY=
        """
        let found = usages([("bot/.env", env)])
        #expect(found.contains { $0.model == "openai:gpt-4o" && $0.line == 1 && $0.place == "openai" })
        #expect(!found.contains { $0.line == 3 })
    }

    @Test func listsDescriptionsAndResultsAreNeverUsages() {
        let list = """
        available_models:
          - gpt-4o
          - gpt-4o-mini
          - claude-3-5-sonnet-20241022
        """
        let readme = """
        name: ticket-summarizer
        description: Summarises tickets with gpt-4o-mini
        notes:
          - We tried claude-3-5-sonnet-20241022 first
        labels:
          model: gpt-4o-mini
        """
        let results = """
        {"dataset": "gsm8k", "timestamp": "2025-05-02T10:00:00Z", "results": [
          {"model": "gpt-4o-2024-08-06", "accuracy": 0.91, "f1": 0.90, "latency_seconds": 1.9},
          {"model": "claude-3-5-sonnet-20241022", "accuracy": 0.89, "f1": 0.88, "latency_seconds": 2.4},
          {"model": "llama-3.1-70b-instruct", "accuracy": 0.83, "f1": 0.81, "latency_seconds": 3.1}
        ]}
        """
        let found = usages([("app/models.yaml", list), ("app/about.yaml", readme), ("app/results.json", results),
                            ("tests/fixtures/config.yaml", "llm: openai/gpt-4o-mini\n")])
        #expect(found.isEmpty, "\(found)")
    }
}

import ModelwardenCore
import ModelwardenManifests
import Testing

/// App, agent, eval and CI configs, TOML, Dockerfiles, launch scripts and Compose models (issue 15): one test per
/// format, with inline files written in the shape of real ones.
@Suite struct ConfigurationFormatTests {
    typealias Found = (model: String?, line: Int, column: Int, hosting: String, place: String?, evidence: String)

    func usages(_ files: [(String, String)]) -> [Found] {
        Shipped.audit(files).usages.map {
            ($0.usage.model, $0.usage.location.line, $0.usage.location.column, $0.usage.hosting.rawValue, $0.usage.runtime ?? $0.usage.api,
             $0.usage.evidence)
        }
    }

    @Test func crewAIAgentsNameTheirModelInLLM() {
        let agents = """
        researcher:
          role: >
            Market researcher for {topic}
          goal: >
            Find recent facts about {topic}
          backstory: >
            You read filings for a living; gpt-4 is mentioned here only as prose.
          llm: openai/gpt-4o-mini

        writer:
          role: Writer
          goal: Turn notes into a brief
          llm: openai/gpt-4o-mini
        """
        let found = usages([("src/crew/config/agents.yaml", agents)])
        #expect(found.count == 1)
        #expect(found.first?.model == "openai/gpt-4o-mini" && found.first?.line == 8 && found.first?.column == 8)
        #expect(found.first?.place == "openai")
    }

    @Test func autoGenConfigListWithAzureIsAzureOpenAI() {
        let list = """
        [
            {
                "model": "gpt-4o",
                "api_key": "<your Azure OpenAI key>",
                "base_url": "https://contoso-eu.openai.azure.com/",
                "api_type": "azure",
                "api_version": "2024-08-01-preview"
            },
            {
                "model": "llama3.1:8b",
                "base_url": "http://localhost:11434/v1"
            }
        ]
        """
        let found = usages([("agents/OAI_CONFIG_LIST", list)])
        #expect(found.contains { $0.model == "gpt-4o" && $0.line == 3 && $0.hosting == "external-api" && $0.place == "azure-openai" })
        #expect(found.contains { $0.model == "llama3.1:8b" && $0.line == 10 && $0.hosting == "self-hosted" && $0.place == "ollama" })
        #expect(found.count == 2)
    }

    @Test func aiderReadsTheWeakAndEditorModels() {
        let config = """
        # aider settings for this repo
        model: anthropic/claude-sonnet-4-5
        weak-model: anthropic/claude-haiku-4-5
        editor-model: gpt-4.1-mini
        # model: ollama_chat/qwen2.5-coder:7b
        auto-commits: false
        anthropic-api-key: sk-ant-not-a-real-key
        """
        let found = usages([(".aider.conf.yml", config)])
        #expect(found.map(\.model) == ["anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5", "gpt-4.1-mini"])
        #expect(found[1].line == 3 && found[1].place == "anthropic")
        #expect(found[2].place == "openai")
    }

    @Test func promptfooProvidersAreModelsOfTheirPrefix() {
        let config = """
        description: Support triage eval
        prompts:
          - file://prompts/triage.txt
        providers:
          - openai:gpt-4o
          - id: anthropic:messages:claude-3-5-haiku-20241022
            config:
              temperature: 0
          - ollama:chat:llama3.2
          - echo
        tests:
          - vars: {ticket: "My invoice is wrong"}
        """
        let found = usages([("evals/promptfooconfig.yaml", config)])
        #expect(found.contains { $0.model == "openai:gpt-4o" && $0.line == 5 && $0.place == "openai" })
        #expect(found.contains { $0.model == "anthropic:messages:claude-3-5-haiku-20241022" && $0.line == 6 && $0.place == "anthropic" })
        #expect(found.contains { $0.model == "ollama:chat:llama3.2" && $0.hosting == "self-hosted" && $0.place == "ollama" })
        #expect(found.count == 3)
    }

    @Test func codexConfigTOMLWithProfilesAndProviders() {
        let config = """
        model = "gpt-5-codex"
        approval_policy = "on-request"

        [model_providers.ollama]
        name = "Ollama"
        base_url = "http://localhost:11434/v1"

        [profiles.local]
        model_provider = "ollama"
        model = "qwen3-coder:30b"
        """
        let found = usages([(".codex/config.toml", config)])
        #expect(found.contains { $0.model == "gpt-5-codex" && $0.line == 1 && $0.column == 10 && $0.place == "openai" })
        #expect(found.contains { $0.model == "qwen3-coder:30b" && $0.line == 10 && $0.hosting == "self-hosted" && $0.place == "ollama" })
        #expect(found.count == 2)
    }

    @Test func dockerfileRunOllamaPullNamesTheModel() {
        let dockerfile = """
        FROM ollama/ollama:0.5.7
        # Bake the weights into the image
        RUN ollama serve & sleep 5 && \\
            ollama pull qwen2.5:7b && \\
            ollama pull nomic-embed-text
        EXPOSE 11434
        """
        let found = usages([("ollama/Dockerfile", dockerfile)])
        #expect(found.contains { $0.model == "qwen2.5:7b" && $0.line == 4 && $0.column == 17 && $0.place == "ollama" })
        #expect(found.contains { $0.model == "nomic-embed-text" && $0.line == 5 })
        #expect(found.count == 2)
    }

    @Test func dockerfileEntrypointWithADefaultedModel() {
        let dockerfile = """
        FROM vllm/vllm-openai:v0.8.5
        ARG MODEL_ID=Qwen/Qwen2.5-7B-Instruct
        ENTRYPOINT python3 -m vllm.entrypoints.openai.api_server \\
            --model ${SERVED_MODEL:-mistralai/Mistral-7B-Instruct-v0.3} \\
            --port 8000
        """
        let found = usages([("serving/Dockerfile", dockerfile)])
        #expect(found.contains { $0.model == "${SERVED_MODEL:-mistralai/Mistral-7B-Instruct-v0.3}" && $0.line == 4 && $0.column == 13 && $0.place == "vllm" })
        #expect(found.contains { $0.model == "Qwen/Qwen2.5-7B-Instruct" && $0.line == 2 && $0.place == "vllm" })
    }

    @Test func entrypointScriptLaunchingTGI() {
        let script = """
        #!/bin/bash
        set -e
        MODEL=${MODEL:-HuggingFaceH4/zephyr-7b-beta}
        exec text-generation-launcher \\
          --model-id "$MODEL" \\
          --port 8080
        """
        let unrelated = """
        #!/bin/bash
        echo "building docs"
        mkdocs build
        """
        let found = usages([("docker/entrypoint.sh", script), ("scripts/docs.sh", unrelated)])
        #expect(found.count == 1)
        #expect(found.first?.line == 3 && found.first?.place == "tgi" && found.first?.hosting == "self-hosted")
    }

    @Test func githubActionsFallbackExpressionIsTheModel() {
        let workflow = """
        name: Review
        on:
          workflow_dispatch:
            inputs:
              chat_model:
                type: string
        jobs:
          review:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: google-github-actions/run-gemini-cli@v0
                with:
                  gemini_api_key: ${{ secrets.GEMINI_API_KEY }}
                  gemini_model: ${{ inputs.chat_model || 'gemini-2.5-flash' }}
              - run: npx some-reviewer --model gpt-4o-mini --max-files 20
                env:
                  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}
        """
        let found = usages([(".github/workflows/review.yml", workflow)])
        let gemini = found.first { $0.model == "gemini-2.5-flash" }
        #expect(gemini?.line == 15 && gemini?.column == 51 && gemini?.place == "google-gemini-api")
        #expect(gemini?.evidence.contains("${{ inputs.chat_model || 'gemini-2.5-flash' }}") == true)
        #expect(found.contains { $0.model == "gpt-4o-mini" && $0.line == 16 && $0.column == 40 && $0.place == "openai" })
        #expect(!found.contains { $0.model?.contains("${{") == true })
    }

    @Test func composeModelRunnerModelsAreSelfHosted() {
        let compose = """
        services:
          agent:
            build: .
            models:
              chat:
                endpoint_var: MODEL_RUNNER_URL
                model_var: MODEL_RUNNER_MODEL
          llm:
            provider:
              type: model
              options:
                model: ai/smollm2
        models:
          chat:
            model: ai/llama3.2:3B-Q4_K_M
            context_size: 8192
        """
        let found = usages([("app/compose.yaml", compose)])
        #expect(found.contains { $0.model == "ai/llama3.2:3B-Q4_K_M" && $0.line == 15 && $0.hosting == "self-hosted" && $0.place == "llamacpp" })
        #expect(found.contains { $0.model == "ai/smollm2" && $0.line == 12 && $0.hosting == "self-hosted" })
        #expect(found.count == 2)
    }

    @Test func gooseConfigProviderSelectsTheAPI() {
        let config = """
        GOOSE_PROVIDER: anthropic
        GOOSE_MODEL: claude-sonnet-4-20250514
        extensions:
          developer:
            enabled: true
            type: builtin
        """
        let found = usages([("dotfiles/.config/goose/config.yaml", config)])
        #expect(found.count == 1)
        #expect(found.first?.model == "claude-sonnet-4-20250514" && found.first?.line == 2 && found.first?.place == "anthropic")
    }

    @Test func keyValuesOfNewFormatsAreNeverKept() {
        let list = """
        [{"model": "gpt-4o-mini", "api_key": "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"}]
        """
        let result = Shipped.audit([("OAI_CONFIG_LIST", list)])
        #expect(result.usages.count == 1)
        let scan = Auditor(policy: Shipped.policy).scan(ManifestFile(path: "OAI_CONFIG_LIST", absolutePath: "OAI_CONFIG_LIST", text: list))
        let kept = scan.redactingSecrets().workloads.flatMap { $0.containers.flatMap { $0.env.compactMap(\.value?.text) } }
        #expect(!kept.contains { $0.contains("sk-proj") })
    }

    @Test func discoverySeesTheNewFormatsByName() {
        for name in ["Dockerfile", "api.Dockerfile", "Containerfile", "entrypoint.sh", "OAI_CONFIG_LIST", "config.toml"] {
            #expect(Discovery.isCandidate(name), "\(name)")
        }
        #expect(!Discovery.isCandidate("Cargo.lock"))
    }
}

import ModelwardenCore
import ModelwardenManifests
import Testing

/// One example per heuristic of `WorkloadAnalyzer` (WorkloadHeuristics.swift), each through a whole audit.
@Suite struct WorkloadHeuristicTests {
    func usages(_ files: [(String, String)]) -> [ResolvedUsage] {
        Shipped.audit(files).usages
    }

    @Test func siblingVariablesFillTheServersCommandLine() {
        let compose = """
        services:
          llm:
            image: vllm/vllm-openai:v0.6.3
            command: --model ${LLM_MODEL}
        """
        let found = usages([("stack/docker-compose.yml", compose), ("stack/.env", "LLM_MODEL=Qwen/Qwen2.5-7B-Instruct\n")])
        let server = found.first { $0.usage.deployment.name == "llm" }
        #expect(server?.usage.runtime == "vllm" && server?.usage.location.line == 4)
        #expect(server?.usage.catalogName == "Qwen/Qwen2.5-7B-Instruct" && server?.match?.model.vendor == "alibaba")
    }

    @Test func runtimeImagesNameTheirModel() {
        let compose = """
        services:
          nim:
            image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3
        """
        let found = usages([("nim/docker-compose.yml", compose)])
        #expect(found.count == 1 && found.first?.usage.runtime == "nim" && found.first?.usage.evidence == "image")
    }

    @Test func urlVariablesSendModelVariablesToTheirProvider() {
        let compose = """
        services:
          app:
            image: ghcr.io/example/app:1
            environment:
              LLM_BASE_URL: https://api.groq.com/openai/v1
              LLM_MODEL: llama-3.1-8b-instant
        """
        let found = usages([("app/docker-compose.yml", compose)])
        #expect(found.count == 1 && found.first?.usage.api == "groq" && found.first?.usage.location.line == 6)
    }

    @Test func switchedOffModelVariablesAreNotUsages() {
        let env = """
        USE_BEDROCK=false
        BEDROCK_MODEL=anthropic.claude-3-5-sonnet-20240620-v1:0
        OPENAI_MODEL=gpt-4o-mini
        """
        let found = usages([("svc/.env", env)])
        #expect(found.map(\.usage.model) == ["gpt-4o-mini"])
    }

    @Test func gatewayRoutesAreWhatItsClientsUse() {
        let compose = """
        services:
          litellm:
            image: ghcr.io/berriai/litellm:main-latest
            volumes: [./litellm.yaml:/app/config.yaml]
          app:
            image: ghcr.io/example/app:1
            environment:
              OPENAI_BASE_URL: http://litellm:4000
        """
        let config = """
        model_list:
          - model_name: default
            litellm_params:
              model: anthropic/claude-3-5-sonnet-20241022
        """
        let found = usages([("gw/docker-compose.yml", compose), ("gw/litellm.yaml", config)])
        let client = found.first { $0.usage.deployment.name == "app" }
        #expect(client?.usage.api == "anthropic" && client?.usage.evidence.contains("via") == true)
    }

    @Test func providersWithoutAModelAreSeenByTheirKeys() {
        let compose = """
        services:
          bot:
            image: ghcr.io/example/bot:1
            environment:
              - ANTHROPIC_API_KEY
        """
        let found = usages([("bot/docker-compose.yml", compose)])
        #expect(found.count == 1 && found.first?.usage.model == nil && found.first?.usage.api == "anthropic")
    }

    @Test func anEngineHintNamesTheRuntimeOfAnInHouseServer() {
        let env = """
        LLM_ENDPOINT=http://inference:8080
        LLM_MODEL_ID=meta-llama/Llama-3.1-8B-Instruct
        LLM_ENGINE=tgi
        """
        let found = usages([("chat/.env", env)])
        #expect(found.count == 1 && found.first?.usage.hosting == .selfHosted && found.first?.usage.runtime == "tgi")
    }
}

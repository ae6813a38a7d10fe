import ModelwardenCore
import ModelwardenManifests
import Testing

/// One fixture per format beyond the basic four, with the usages it must yield.
@Suite struct FormatTests {
    func usages(_ files: [(String, String)]) -> [(model: String?, line: Int, hosting: String, place: String?)] {
        Shipped.audit(files).usages.map { ($0.usage.model, $0.usage.location.line, $0.usage.hosting.rawValue, $0.usage.runtime ?? $0.usage.api) }
    }

    @Test func modelfileIgnoresFromInsidePrompts() {
        let found = usages([("mario/Modelfile", """
        FROM llama3.2:3b
        PARAMETER temperature 1
        SYSTEM \"\"\"
        You are Mario.
        FROM now on answer as Mario.
        \"\"\"
        """)])
        #expect(found.count == 1)
        #expect(found.first?.model == "llama3.2:3b" && found.first?.line == 1 && found.first?.place == "ollama")
    }

    @Test func localAIConfigNamedLikeGPT4IsLocal() {
        let found = usages([("models/gpt-4.yaml", """
        name: gpt-4
        backend: llama-cpp
        parameters:
          model: Hermes-3-Llama-3.2-3B-Q4_K_M.gguf
        context_size: 4096
        """)])
        #expect(found.count == 1)
        #expect(found.first?.model == "Hermes-3-Llama-3.2-3B-Q4_K_M.gguf" && found.first?.place == "localai" && found.first?.line == 4)
    }

    @Test func egressAllowListShowsDataLeaving() {
        let found = usages([("netpol.yaml", """
        apiVersion: networking.gke.io/v1alpha1
        kind: FQDNNetworkPolicy
        metadata: {name: agent-egress}
        spec:
          podSelector: {matchLabels: {app: agent}}
          egress:
            - matches:
                - name: api.anthropic.com
                - name: storage.googleapis.com
        """)])
        #expect(found.count == 1)
        #expect(found.first?.model == nil && found.first?.place == "anthropic" && found.first?.line == 8)
    }

    @Test func onlyTheSelectedProviderCounts() {
        let found = usages([("values.yaml", """
        providers:
          default: openAI
          openAI:
            provider: OpenAI
            model: "gpt-4.1-mini"
          anthropic:
            provider: Anthropic
            model: "claude-haiku-4-5"
        """)])
        #expect(found.map(\.model) == ["gpt-4.1-mini"])
        #expect(found.first?.place == "openai")
    }

    @Test func modelListInsideAFoldedStringBehindARouter() {
        let found = usages([("chart/values.yaml", """
        envVars:
          OPENAI_BASE_URL: "https://router.huggingface.co/v1"
          MODELS: >
            [
              { "id": "deepseek-ai/DeepSeek-R1", "description": "reasoning" },
              { "id": "Qwen/Qwen2.5-72B-Instruct", "enabled": false },
              { "id": "meta-llama/Llama-3.3-70B-Instruct" }
            ]
        """)])
        #expect(found.map(\.model) == ["deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.3-70B-Instruct"])
        #expect(found.map(\.line) == [5, 7])
        #expect(found.allSatisfy { $0.hosting == "external-api" && $0.place == "huggingface-inference-providers" })
    }

    @Test func switchedOffProviderIsNotAUsage() {
        let found = usages([(".env", "USE_BEDROCK=false\nBEDROCK_MODEL=anthropic.claude-3-haiku-20240307-v1:0\nOLLAMA_MODEL=llama3.1:8b\n")])
        #expect(found.map(\.model) == ["llama3.1:8b"])
    }

    @Test func helmTemplateIsReadLineByLine() {
        let found = usages([("templates/deploy.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: {{ .Values.registry }}/vllm/vllm-openai:v0.6.3
                  args:
                    - --model
                    - mistralai/Mistral-7B-Instruct-v0.3
        """)])
        #expect(found.count == 1)
        #expect(found.first?.model == "mistralai/Mistral-7B-Instruct-v0.3" && found.first?.line == 13 && found.first?.place == "vllm")
    }

    @Test func rayServeConfigEmbeddedInAString() {
        let found = usages([("ray.yaml", """
        apiVersion: ray.io/v1
        kind: RayService
        metadata: {name: llm}
        spec:
          serveConfigV2: |
            applications:
            - name: llms
              args:
                llm_configs:
                - model_loading_config:
                    model_id: qwen
                    model_source: Qwen/Qwen2.5-7B-Instruct
        """)])
        #expect(found.count == 1)
        #expect(found.first?.model == "Qwen/Qwen2.5-7B-Instruct" && found.first?.line == 12 && found.first?.place == "ray")
    }

    @Test func kubeAIModelAndKServeStorageURI() {
        let found = usages([("kubeai.yaml", """
        apiVersion: kubeai.org/v1
        kind: Model
        metadata: {name: gemma}
        spec:
          url: ollama://gemma2:2b
          engine: OLlama
        ---
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama2}
        spec:
          predictor:
            model:
              modelFormat: {name: huggingface}
              storageUri: hf://meta-llama/Llama-2-7b-chat-hf
        """)])
        #expect(found.contains { $0.model == "ollama://gemma2:2b" && $0.line == 5 && $0.place == "ollama" })
        #expect(found.contains { $0.model == "hf://meta-llama/Llama-2-7b-chat-hf" && $0.line == 15 && $0.place == "kserve" })
        #expect(found.count == 2)
    }

    @Test func envScriptExports() {
        let found = usages([("set_env.sh", "#!/usr/bin/env bash\nexport HF_TOKEN=${HF_TOKEN}\nexport LLM_MODEL_ID=\"meta-llama/Meta-Llama-3-8B-Instruct\"\n")])
        #expect(found.count == 1)
        #expect(found.first?.model == "meta-llama/Meta-Llama-3-8B-Instruct" && found.first?.line == 3)
    }

    @Test func azureDeploymentNamesNameAModelOnlyWhenTheyAreOne() {
        let result = Shipped.audit([(".env", """
        AZURE_OPENAI_ENDPOINT=https://acme.openai.azure.com/
        AZURE_OPENAI_DEPLOYMENT=gpt4o-weu-prod
        """), ("b/.env", """
        AZURE_OPENAI_ENDPOINT=https://acme.openai.azure.com/
        AZURE_OPENAI_DEPLOYMENT=gpt-4o-2024-08-06
        """)])
        let custom = result.usages.first { $0.usage.model == "gpt4o-weu-prod" }
        #expect(custom?.usage.api == "azure-openai" && custom?.family == "unknown" && custom?.vendor == "openai")
        #expect(custom?.licenseID == "azure-openai-terms")
        let named = result.usages.first { $0.usage.model == "gpt-4o-2024-08-06" }
        #expect(named?.family == "gpt-4o")
    }

    @Test func composeInterpolatesFromTheSiblingEnvFile() {
        let result = Shipped.audit([("app/compose.yaml", """
        services:
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
            environment:
              MODEL_ID: ${LLM_MODEL_ID}
        """), ("app/set_env.sh", "export LLM_MODEL_ID=\"Qwen/Qwen2.5-72B-Instruct\"\n")])
        let usage = result.usages.first { $0.usage.location.file == "app/compose.yaml" }
        #expect(usage?.usage.model == "${LLM_MODEL_ID}")
        #expect(usage?.family == "qwen2.5" && usage?.licenseID == "qwen")
        #expect(usage?.usage.runtime == "tgi")
    }

    @Test func kaitoPresetAndNIMCachePuller() {
        let found = usages([("kaito.yaml", """
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata: {name: phi}
        inference:
          preset:
            name: phi-3-mini-4k-instruct
        ---
        apiVersion: apps.nvidia.com/v1alpha1
        kind: NIMCache
        metadata: {name: llama}
        spec:
          source:
            ngc:
              modelPuller: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.1.2
        """)])
        #expect(found.contains { $0.model == "phi-3-mini-4k-instruct" && $0.line == 6 && $0.hosting == "self-hosted" })
        #expect(found.contains { $0.model == "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.1.2" && $0.line == 14 && $0.place == "nim" })
    }

    @Test func modelConfigProviderAndClosedModelsBehindInHouseGateways() {
        let found = usages([("modelconfig.yaml", """
        apiVersion: kagent.dev/v1alpha2
        kind: ModelConfig
        metadata: {name: corporate}
        spec:
          provider: OpenAI
          model: gpt-4
          openAI:
            baseUrl: https://litellm.internal.corp:8080
        ---
        apiVersion: kagent.dev/v1alpha2
        kind: ModelConfig
        metadata: {name: azure}
        spec:
          provider: AzureOpenAI
          model: gpt-4
          azureOpenAI:
            azureEndpoint: https://acme.openai.azure.com
        ---
        apiVersion: kagent.dev/v1alpha2
        kind: ModelConfig
        metadata: {name: local}
        spec:
          provider: Ollama
          model: llama3.1:8b
          ollama:
            host: http://ollama.kagent.svc:11434
        """)])
        // GPT-4 cannot run in-house: the corporate host is a gateway to an external API.
        #expect(found.contains { $0.line == 6 && $0.hosting == "external-api" && $0.place == "openai-compatible-gateway" })
        #expect(found.contains { $0.line == 15 && $0.place == "azure-openai" })
        #expect(found.contains { $0.model == "llama3.1:8b" && $0.hosting == "self-hosted" && $0.place == "ollama" })
    }
}

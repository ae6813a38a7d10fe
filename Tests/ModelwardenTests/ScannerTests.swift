import ModelwardenCore
import ModelwardenManifests
import Testing

/// Each scanner's fixtures with the usages they must yield (model as written, line, hosting, runtime or api).
@Suite struct ScannerTests {
    func usages(_ files: [(String, String)]) -> [(model: String?, line: Int, hosting: String, place: String?)] {
        Shipped.audit(files).usages.map { ($0.usage.model, $0.usage.location.line, $0.usage.hosting.rawValue, $0.usage.runtime ?? $0.usage.api) }
    }

    @Test func kubernetesArgsInEveryForm() {
        let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a, namespace: ml}
        spec:
          template:
            spec:
              initContainers:
                - name: fetch
                  image: ghcr.io/ggml-org/llama.cpp:server
                  args: ["-m", "/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"]
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.3
                  args: ["--model=mistralai/Mistral-7B-Instruct-v0.3"]
                - name: tgi
                  image: ghcr.io/huggingface/text-generation-inference:2.4.0
                  args:
                    - --model-id
                    - google/gemma-2-9b-it
                - name: shell
                  image: vllm/vllm-openai:v0.6.3
                  command: ["/bin/sh", "-c"]
                  args:
                    - |
                      python3 -m vllm.entrypoints.openai.api_server \\
                        --model Qwen/Qwen2.5-7B-Instruct --port 8000
        """
        let found = usages([("k8s/a.yaml", manifest)])
        #expect(found.contains { $0.model == "/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf" && $0.line == 10 && $0.place == "llamacpp" })
        #expect(found.contains { $0.model == "mistralai/Mistral-7B-Instruct-v0.3" && $0.line == 14 && $0.place == "vllm" })
        #expect(found.contains { $0.model == "google/gemma-2-9b-it" && $0.line == 19 && $0.place == "tgi" })
        #expect(found.contains { $0.model == "Qwen/Qwen2.5-7B-Instruct" && $0.line == 26 && $0.place == "vllm" })
        #expect(!found.contains { $0.model == "vllm.entrypoints.openai.api_server" })
        #expect(found.count == 4)
    }

    @Test func columnsPointAtTheModelString() throws {
        let result = Shipped.audit([("a.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: vllm/vllm-openai:v0.6.3
              args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
        """)])
        let usage = try #require(result.usages.first?.usage)
        #expect(usage.location == SourceLocation(file: "a.yaml", line: 8, column: 26))
    }

    @Test func configMapReferencesResolveAcrossFiles() {
        let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: chat, namespace: support}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: example/chat:1.0.0
                  env:
                    - name: OPENAI_MODEL
                      valueFrom: {configMapKeyRef: {name: chat-config, key: model}}
                    - name: OPENAI_API_KEY
                      valueFrom: {secretKeyRef: {name: openai, key: key}}
        """
        let config = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: chat-config, namespace: support}
        data:
          model: gpt-4o-2024-08-06
        """
        let result = Shipped.audit([("deploy.yaml", deployment), ("config/cm.yaml", config)])
        let usage = result.usages.first { $0.usage.model == "gpt-4o-2024-08-06" }
        #expect(usage?.usage.location.file == "config/cm.yaml")
        #expect(usage?.usage.location.line == 5)
        #expect(usage?.usage.api == "openai")
        #expect(usage?.usage.deployment.name == "chat")
        #expect(result.usages.count == 1)
    }

    @Test func baseURLDecidesInHouseOrExternal() {
        let env = """
        OPENAI_API_KEY=not-used
        OPENAI_BASE_URL=http://vllm.ml.svc.cluster.local:8000/v1
        OPENAI_MODEL=meta-llama/Llama-3.1-8B-Instruct
        """
        let local = usages([(".env", env)])
        #expect(local.count == 1)
        #expect(local.first?.hosting == "self-hosted" && local.first?.place == "vllm")
        let external = usages([(".env", "export ANTHROPIC_API_KEY=sk-ant-PLACEHOLDER\nexport ANTHROPIC_MODEL=claude-3-opus-20240229\n")])
        #expect(external.count == 1)
        #expect(external.first?.hosting == "external-api" && external.first?.place == "anthropic" && external.first?.line == 2)
    }

    @Test func apiKeyWithoutModelIsAUsageOfTheProvider() {
        let found = usages([(".env.example", "# keys\nexport ANTHROPIC_API_KEY=sk-ant-PLACEHOLDER\n")])
        #expect(found.count == 1)
        #expect(found.first?.model == nil && found.first?.place == "anthropic" && found.first?.line == 2)
    }

    @Test func composeEnvironmentListMapAnchorsAndDefaults() {
        let compose = """
        x-llm: &llm
          OLLAMA_BASE_URL: http://ollama:11434
        services:
          ollama:
            image: ollama/ollama:0.5.7
            entrypoint: ["/bin/sh", "-c", "ollama serve & sleep 3; ollama pull llama3.1:8b; wait"]
          ui:
            image: example/ui:1.0.0
            environment:
              <<: *llm
              DEFAULT_MODEL: ${DEFAULT_MODEL:-mistral:7b}
          worker:
            image: example/worker:1.0.0
            environment:
              - OPENAI_API_BASE=https://api.openai.com/v1
              - OPENAI_MODEL=gpt-4o-mini-2024-07-18
        """
        let found = usages([("compose.yaml", compose)])
        #expect(found.contains { $0.model == "llama3.1:8b" && $0.line == 6 && $0.place == "ollama" })
        #expect(found.contains { $0.model == "${DEFAULT_MODEL:-mistral:7b}" && $0.line == 11 && $0.place == "ollama" })
        let resolved = Shipped.audit([("compose.yaml", compose)]).usages.first { $0.usage.model == "${DEFAULT_MODEL:-mistral:7b}" }
        #expect(resolved?.family == "mistral-7b")
        #expect(found.contains { $0.model == "gpt-4o-mini-2024-07-18" && $0.line == 16 && $0.place == "openai" })
    }

    @Test func composeEnvFileBelongsToTheService() {
        let compose = """
        services:
          app:
            image: example/app:1.0.0
            env_file: [./config/app.env]
            labels:
              modelwarden.io/data-classification: confidential
        """
        let result = Shipped.audit([("svc/compose.yaml", compose), ("svc/config/app.env", "MISTRAL_API_KEY=x\nMISTRAL_MODEL=mistral-large-2411\n")])
        #expect(result.usages.count == 1)
        let usage = result.usages.first?.usage
        #expect(usage?.deployment.kind == "ComposeService" && usage?.location.file == "svc/config/app.env" && usage?.location.line == 2)
        #expect(result.findings.contains { $0.rule == "data-control/sensitive-data-to-external-api" })
    }

    @Test func liteLLMPrefixesAndInHouseBases() {
        let config = """
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o-2024-08-06
              api_key: os.environ/OPENAI_API_KEY
          - model_name: claude
            litellm_params:
              model: bedrock/anthropic.claude-3-sonnet-20240229-v1:0
          - model_name: local-llama
            litellm_params:
              model: openai/meta-llama/Llama-3.1-8B-Instruct
              api_base: http://vllm-llama.ml.svc:8000/v1
          - model_name: azure-gpt
            litellm_params:
              model: azure/prod-gpt4o
              api_base: https://acme.openai.azure.com
            model_info:
              base_model: azure/gpt-4o-2024-08-06
        """
        let found = usages([("litellm/config.yaml", config)])
        #expect(found.count == 4)
        #expect(found.contains { $0.model == "openai/gpt-4o-2024-08-06" && $0.hosting == "external-api" && $0.place == "openai" && $0.line == 4 })
        #expect(found.contains { $0.model == "bedrock/anthropic.claude-3-sonnet-20240229-v1:0" && $0.place == "aws-bedrock" })
        #expect(found.contains { $0.model == "openai/meta-llama/Llama-3.1-8B-Instruct" && $0.hosting == "self-hosted" && $0.place == "vllm" })
        #expect(found.contains { $0.model == "azure/prod-gpt4o" && $0.place == "azure-openai" })
        let azure = Shipped.audit([("litellm/config.yaml", config)]).usages.first { $0.usage.model == "azure/prod-gpt4o" }
        #expect(azure?.family == "gpt-4o")
    }

    @Test func resolvesVendorFamilyAndLicence() {
        let result = Shipped.audit([(".env", "OLLAMA_MODEL=deepseek-r1:70b\nLLM_MODEL=Qwen/Qwen2.5-3B-Instruct\n")])
        let distill = result.usages.first { $0.usage.model == "deepseek-r1:70b" }
        #expect(distill?.vendor == "deepseek")
        let qwen = result.usages.first { $0.usage.model == "Qwen/Qwen2.5-3B-Instruct" }
        #expect(qwen?.licenseID == "qwen-research")
    }
}

/// Clients of in-cluster servers and gateways use what is behind them.
@Suite struct GatewayTests {
    let gateway = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: llm-gateway, namespace: ml}
    spec:
      selector: {matchLabels: {app: gateway}}
      template:
        metadata: {labels: {app: gateway}}
        spec:
          containers:
            - name: litellm
              image: ghcr.io/berriai/litellm:main-v1.55.0
              args: ["--config", "/etc/litellm/config.yaml"]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: llm-gateway, namespace: ml}
    spec:
      selector: {app: gateway}
      ports: [{port: 4000}]
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: litellm-config, namespace: ml}
    data:
      config.yaml: |
        model_list:
          - model_name: claude
            litellm_params:
              model: anthropic/claude-3-5-sonnet-20241022
          - model_name: local
            litellm_params:
              model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct
              api_base: http://vllm.ml.svc:8000/v1
    """

    let client = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: support-bot
      namespace: support
      labels: {modelwarden.io/data-classification: confidential}
    spec:
      template:
        spec:
          containers:
            - name: app
              image: example/support-bot:2.1.0
              env:
                - {name: OPENAI_BASE_URL, value: "http://llm-gateway.ml.svc.cluster.local:4000/v1"}
                - {name: OPENAI_MODEL, value: claude}
                - {name: FALLBACK_MODEL, value: local}
    """

    @Test func dataLeavesThroughAGateway() throws {
        let result = Shipped.audit([("gateway.yaml", gateway), ("client.yaml", client)])
        let claude = try #require(result.usages.first { $0.usage.model == "claude" })
        #expect(claude.usage.hosting == .externalAPI && claude.usage.api == "anthropic")
        #expect(claude.usage.route == ["support-bot", "llm-gateway", "api.anthropic.com"])
        #expect(claude.family == "claude-3.5")
        #expect(claude.usage.location == SourceLocation(file: "client.yaml", line: 15, column: 43))
        let local = try #require(result.usages.first { $0.usage.model == "local" })
        #expect(local.usage.hosting == .selfHosted && local.family == "llama-3.1")
        #expect(result.findings.contains { $0.rule == "data-control/sensitive-data-to-external-api" && $0.model == "claude" })
        // The gateway's own routes are usages of the gateway config, located in the ConfigMap.
        #expect(result.usages.contains { $0.usage.model == "anthropic/claude-3-5-sonnet-20241022" && $0.usage.location.line == 29 })
    }

    @Test func clientOfAnInClusterServerTakesItsRuntime() throws {
        let server = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: llama-server, namespace: ml}
        spec:
          template:
            metadata: {labels: {app: llama}}
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.3
                  args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
        """
        let ui = """
        services:
          ui:
            image: example/ui:1.0.0
            environment:
              OPENAI_API_BASE_URL: http://llama-server.ml.svc:8000/v1
              DEFAULT_MODEL: meta-llama/Llama-3.1-8B-Instruct
        """
        let result = Shipped.audit([("server.yaml", server), ("ui/compose.yaml", ui)])
        let client = try #require(result.usages.first { $0.usage.deployment.kind == "ComposeService" })
        #expect(client.usage.hosting == .selfHosted && client.usage.runtime == "vllm")
    }
}

import ModelwardenCore
import ModelwardenManifests
import Testing

/// Spellings seen in real deployments outside the labelled corpus: each test pins one general rule, with an inline
/// manifest written in the style of the files that showed the gap.
@Suite struct GeneralizationTests {
    typealias Found = (model: String?, line: Int, hosting: String, place: String?, vendor: String)

    func usages(_ files: [(String, String)]) -> [Found] {
        Shipped.audit(files).usages.map {
            ($0.usage.model, $0.usage.location.line, $0.usage.hosting.rawValue, $0.usage.runtime ?? $0.usage.api, $0.vendor)
        }
    }

    @Test func anExplicitlyEmptyKeyIsNotAProviderInUse() {
        let compose = """
        services:
          webui:
            image: ghcr.io/open-webui/open-webui:main
            environment:
              - OLLAMA_BASE_URL=http://host.docker.internal:11434
              - OPENAI_API_KEY=
              - ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}
        """
        let found = usages([("app/docker-compose.yml", compose)])
        #expect(!found.contains { $0.place == "openai" })
        #expect(found.contains { $0.place == "anthropic" && $0.line == 7 })
    }

    @Test func aClientOfAnInHouseModelServerUsesItEvenWithoutAModelName() {
        let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: webui, namespace: ai}
        spec:
          template:
            spec:
              containers:
                - name: webui
                  image: ghcr.io/open-webui/open-webui:main
                  env:
                    - name: OLLAMA_API_BASE_URL
                      value: "http://ollama-service.ai.svc.cluster.local:11434/api"
        """
        let found = usages([("k8s/webui.yaml", deployment)])
        #expect(found.count == 1)
        #expect(found.first?.model == nil && found.first?.hosting == "self-hosted" && found.first?.place == "ollama" && found.first?.line == 12)
    }

    @Test func aProviderSelectorDropsTheOtherProvidersSettings() {
        let env = """
        # Choose one: anthropic, openai, or google
        LLM_PROVIDER=google
        ANTHROPIC_API_KEY=your-anthropic-api-key-here
        ANTHROPIC_MODEL=claude-3-5-sonnet-20241022
        OPENAI_API_KEY=your-openai-api-key-here
        OPENAI_MODEL=gpt-4-turbo-preview
        GOOGLE_API_KEY=your-google-api-key-here
        GOOGLE_MODEL=gemini-1.5-flash
        """
        let found = usages([("app/.env.example", env)])
        #expect(found.map(\.model) == ["gemini-1.5-flash"])
        #expect(found.first?.place == "google-gemini-api")
    }

    @Test func customResourceArgumentsNameTheModel() {
        let isvc = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: qwen, namespace: ml}
        spec:
          predictor:
            model:
              modelFormat:
                name: huggingface
              args:
                - --model_name=qwen-model-name
                - --model_id=Qwen/Qwen2.5-1.5B-Instruct
        """
        let found = usages([("k8s/isvc.yaml", isvc)])
        #expect(found.count == 1)
        #expect(found.first?.model == "Qwen/Qwen2.5-1.5B-Instruct" && found.first?.line == 11 && found.first?.place == "kserve")
    }

    @Test func aServedNameStandsForWeightsLoadedFromAPath() {
        let values = """
        image:
          repository: "vllm/vllm-openai"
          tag: "latest"
          command: ["vllm", "serve", "/data/", "--served-model-name", "opt-125m", "--port", "8000"]
        """
        let override = """
        model: /model
        servedModelName: mixtral-8x7b-instruct-awq
        quantization: awq
        """
        let found = usages([("chart/values.yaml", values), ("chart/examples/mixtral.yaml", override)])
        #expect(found.contains { $0.model == "opt-125m" && $0.line == 4 && $0.place == "vllm" })
        #expect(found.contains { $0.model == "mixtral-8x7b-instruct-awq" && $0.line == 2 && $0.hosting == "self-hosted" })
        #expect(!found.contains { $0.model == "/data/" || $0.model == "/model" })
        #expect(found.count == 2)
    }

    @Test func aProxyRouteBaseURLFromTheEnvironmentOfItsFolder() {
        let config = """
        model_list:
          - model_name: local-pixtral
            litellm_params:
              model: openai/mistralai/Pixtral-12B-2409
              api_base: os.environ/LOCAL_LLM_URL
          - model_name: gpt-3.5-turbo
            litellm_params:
              model: openai/gpt-3.5-turbo
              api_key: os.environ/OPENAI_API_KEY
        """
        let compose = """
        services:
          litellm-proxy:
            image: ghcr.io/berriai/litellm:main-latest
            environment:
              - LOCAL_LLM_URL=http://localhost:8000/v1
            command: --config /app/config.yaml
          chatbot:
            image: example/chatbot
            environment:
              - LITELLM_PROXY=http://litellm-proxy:4000/v1
              - LLM_MODEL=local-pixtral
        """
        let found = usages([("stack/config.yaml", config), ("stack/compose.yaml", compose)])
        #expect(found.contains { $0.model == "openai/mistralai/Pixtral-12B-2409" && $0.hosting == "self-hosted" })
        #expect(found.contains { $0.model == "openai/gpt-3.5-turbo" && $0.place == "openai" })
        // The chatbot calls the proxy by a URL variable not named `*_URL`; the alias resolves to the local route.
        #expect(found.contains { $0.model == "local-pixtral" && $0.hosting == "self-hosted" && $0.vendor == "mistral" })
    }

    @Test func anUnfamiliarModelFlagWithARepositoryIDNamesTheModel() {
        let isvc = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama2-chat}
        spec:
          predictor:
            containers:
              - name: kserve-container
                image: registry.example.com/llm-server:1.0
                command: ["python"]
                args: ["main.py", "--hf-model-string", "meta-llama/Llama-2-13b-chat-hf", "--model-dir", "/mnt/models", "--name", "llama2-chat"]
        """
        let found = usages([("k8s/isvc.yaml", isvc)])
        #expect(found.map(\.model) == ["meta-llama/Llama-2-13b-chat-hf"])
        #expect(found.first?.place == "kserve")
    }
    @Test func keysEndingInAModelSuffixOrARoleAndModelNameModels() {
        let settings = """
        llm:
          mode: bedrock
        bedrock:
          llm_modelid: anthropic.claude-v2
          embedding_modelid: amazon.titan-embed-text-v1
        catalog:
          dataModel: customer-orders
          summarization_model: mistralai/Mistral-7B-Instruct-v0.3
        """
        let found = usages([("app/settings-bedrock.yaml", settings)])
        #expect(found.contains { $0.model == "anthropic.claude-v2" && $0.place == "aws-bedrock" && $0.line == 4 })
        #expect(found.contains { $0.model == "amazon.titan-embed-text-v1" && $0.place == "aws-bedrock" && $0.line == 5 })
        #expect(found.contains { $0.model == "mistralai/Mistral-7B-Instruct-v0.3" && $0.line == 8 })
        #expect(!found.contains { $0.model == "customer-orders" })
    }

    @Test func aModelSpecNamesItsServerImageBesideTheModel() {
        let values = """
        servingEngineSpec:
          modelSpec:
          - name: "llama3"
            repository: "vllm/vllm-openai"
            tag: "latest"
            modelURL: "meta-llama/Llama-3.1-8B-Instruct"
        """
        let found = usages([("tutorials/values-multiple-models.yaml", values)])
        #expect(found.count == 1)
        #expect(found.first?.model == "meta-llama/Llama-3.1-8B-Instruct" && found.first?.place == "vllm" && found.first?.line == 6)
    }

    @Test func kserveNamesANimByItsModelFormatAndAHuggingFaceModelByItsBucketPath() {
        let nim = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: mixtral}
        spec:
          predictor:
            model:
              modelFormat:
                name: nvidia-nim-mixtral-8x7b-instruct-v01
              runtime: nvidia-nim-mixtral-8x7b-instruct-v01-1.0.0
              storageUri: pvc://nvidia-nim-pvc/
        """
        let bucket = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama}
        spec:
          predictor:
            model:
              modelFormat: {name: huggingface}
              storageUri: s3://${bucket}/models/meta-llama--Meta-Llama-3.1-8B-Instruct
        ---
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: iris}
        spec:
          predictor:
            model:
              modelFormat: {name: sklearn}
              storageUri: gs://kfserving-examples/models/sklearn/1.0/iris
        """
        let found = usages([("kserve/nim.yaml", nim), ("kserve/isvc.yaml", bucket)])
        #expect(found.contains { $0.model == "nvidia-nim-mixtral-8x7b-instruct-v01" && $0.place == "nim" && $0.vendor == "mistral" && $0.line == 8 })
        #expect(found.contains { $0.model == "s3://${bucket}/models/meta-llama--Meta-Llama-3.1-8B-Instruct" && $0.vendor == "meta" && $0.line == 8 })
        #expect(found.count == 2, "the sklearn model is not a language model: \(found)")
    }

    @Test func aHelmTemplatesModelIsItsServeArgumentNotAPodLabel() {
        let template = """
        {{- range $modelSpec := .Values.servingEngineSpec.modelSpec }}
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: "{{ .Release.Name }}-{{$modelSpec.name}}"
          labels:
            model: {{ $modelSpec.name }}
        spec:
          template:
            spec:
              containers:
                - name: "vllm"
                  image: "{{ $modelSpec.repository }}:{{ $modelSpec.tag }}"
                  command:
                  {{- if eq $modelSpec.repository "lmcache/vllm-openai" }}
                  - "/opt/venv/bin/vllm"
                  {{- else }}
                  - "vllm"
                  {{- end }}
                  - "serve"
                  - {{ $modelSpec.modelURL | quote }}
        {{- end }}
        """
        let found = usages([("helm/templates/deployment-vllm-multi.yaml", template)])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.model == "{{ $modelSpec.modelURL | quote }}" && found.first?.place == "vllm" && found.first?.line == 21)
    }

    @Test func aClientSaysWhichServerItCallsByAnEngineVariableOrABareServiceName() {
        let compose = """
        services:
          tgi-service:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0-intel-cpu
            command: --model-id ${LLM_MODEL_ID}
          backend:
            image: opea/chatqna:latest
            environment:
              - LLM_SERVER_HOST_IP=tgi-service
              - LLM_MODEL=${LLM_MODEL_ID}
          gradio:
            image: example/gradio-app:v1
            environment:
              - HOST=http://llm-service
              - LLM_ENGINE=tgi
              - MODEL_ID=meta-llama/Meta-Llama-3-70B-Instruct
        """
        let found = usages([("chatqna/compose.yaml", compose)])
        #expect(found.contains { $0.line == 9 && $0.place == "tgi" }, "\(found)")
        #expect(found.contains { $0.line == 15 && $0.place == "tgi" }, "\(found)")
    }
    @Test func serverFlagsNameTheRuntimeOfAPatchWithoutAnImage() {
        let patch = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: gemma-deployment
        spec:
          template:
            spec:
              containers:
              - name: inference-server
                args:
                - --model=$(MODEL_ID)
                - --tensor-parallel-size=1
                env:
                - name: MODEL_ID
                  value: google/gemma-2b-AWQ
        """
        let found = usages([("kustomize/patch.yaml", patch)])
        #expect(found.count == 1 && found.first?.place == "vllm", "\(found)")
    }

    @Test func localAIPreloadsTheModelsGivenAsArguments() {
        let compose = """
        services:
          api:
            image: quay.io/go-skynet/local-ai:master
            environment:
              - MODELS_PATH=/models
            command:
            - phi-2
        """
        let found = usages([("localai/docker-compose.yaml", compose)])
        #expect(found.count == 1)
        #expect(found.first?.model == "phi-2" && found.first?.place == "localai" && found.first?.line == 7)
    }

    @Test func anOpenAIPrefixWithAnUnreadableBaseURLAndAnotherVendorsModelIsOpenAICompatible() {
        let config = """
        model_list:
          - model_name: enterprise-default
            litellm_params:
              model: openai/qwen-plus
              api_base: os.environ/UPSTREAM_BASE_URL
          - model_name: gpt
            litellm_params:
              model: openai/gpt-4o
              api_base: os.environ/UPSTREAM_BASE_URL
        """
        let found = usages([("litellm/config.yaml", config)])
        #expect(found.contains { $0.model == "openai/qwen-plus" && $0.place == "openai-compatible" })
        #expect(found.contains { $0.model == "openai/gpt-4o" && $0.place == "openai" })
    }

    @Test func aSubchartSwitchedOffServesNothingAndItsClientsUseNothing() {
        let values = """
        ingestor-server:
          envVars:
            VLM_CAPTION_MODEL_NAME: nvidia/llama-3.1-nemotron-nano-vl-8b-v1
            VLM_CAPTION_ENDPOINT: http://nim-vlm:8000/v1/chat/completions
            PARSE_MODEL_NAME: nvidia/nemoretriever-parse
            PARSE_HTTP_ENDPOINT: http://nim-vlm-text-extraction-nemoretriever-parse:8000/v1/chat/completions
            APP_EMBEDDINGS_MODELNAME: nvidia/llama-3.2-nv-embedqa-1b-v2
            APP_EMBEDDINGS_SERVERURL: nemoretriever-embedding-ms:8000
        nim-vlm:
          enabled: false
          image: {repository: nvcr.io/nim/nvidia/llama-3.1-nemotron-nano-vl-8b-v1, tag: "1.3.0"}
        nim-vlm-text-extraction:
          deployed: false
          image: {repository: nvcr.io/nim/nvidia/nemoretriever-parse, tag: "1.2"}
        """
        let found = usages([("rag/values.yaml", values)])
        #expect(found.map(\.model) == ["nvidia/llama-3.2-nv-embedqa-1b-v2"], "\(found)")
    }
    @Test func visionTaskModelsAreNotLanguageModels() {
        let values = """
        nv-ingest:
          envVars:
            OCR_MODEL_NAME: paddle
            OCR_HTTP_ENDPOINT: http://nv-ingest-ocr:8000/v1/infer
          paddleocr-nim:
            deployed: true
            image: {repository: nvcr.io/nim/baidu/paddleocr, tag: "1.5.0"}
          nemoretriever-page-elements-v2:
            deployed: true
            image: {repository: nvcr.io/nim/nvidia/nemoretriever-page-elements-v2, tag: "1.6.0"}
          embedqa:
            deployed: true
            image: {repository: nvcr.io/nim/nvidia/llama-3.2-nv-embedqa-1b-v2, tag: "1.9.0"}
        """
        let found = usages([("ingest/values.yaml", values)])
        #expect(found.map(\.model) == ["nvcr.io/nim/nvidia/llama-3.2-nv-embedqa-1b-v2"], "\(found)")
    }
    @Test func anAdapterListNamesItsModelsBySourceNotById() {
        let values = """
        loraAdapters:
          defaultBaseModel: meta-llama/Llama-3.1-8B-Instruct
          models:
          - id: food-review
            source: Kawon/llama3.1-food-finetune_v14_r8
        """
        let template = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-adapters
        data:
          configmap.yaml: |
            vLLMLoRAConfig:
              ensureExist:
                models:
                - id: cad-fabricator
                  source: redcathode/fabricator
        """
        let found = usages([("lora/values.yaml", values), ("lora/templates/adapters.yaml", template)])
        #expect(found.contains { $0.model == "Kawon/llama3.1-food-finetune_v14_r8" && $0.line == 5 }, "\(found)")
        #expect(found.contains { $0.model == "redcathode/fabricator" && $0.line == 11 }, "\(found)")
        #expect(!found.contains { $0.model == "food-review" || $0.model == "cad-fabricator" })
    }
    @Test func aNimChartsImagePlaceholderNamesTheModelAndAPlaceholderServedNameDoesNot() {
        let templated = """
        fullname: ${name}
        image:
          repository: ${model_id}
          tag: latest
        model:
          name: ${name}
          nimCache: /model-store
        """
        let rendered = """
        image:
          repository: nvcr.io/nim/meta/llama-3.1-8b-instruct
          tag: 1.3.3
        model:
          name: meta/llama-3.1-8b-instruct
        """
        let found = usages([("infra/nim-llm.yaml", templated), ("nim/values.yaml", rendered)])
        #expect(found.contains { $0.model == "${model_id}" && $0.line == 3 }, "\(found)")
        #expect(!found.contains { $0.model == "${name}" })
        #expect(found.contains { $0.model == "meta/llama-3.1-8b-instruct" && $0.vendor == "meta" }, "\(found)")
    }

    @Test func aFolderNamedAfterItsModelNamesTheModelRatherThanTheServedName() {
        let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: vllm}
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: nvcr.io/nvidia/vllm:25.09-py3
                  command: ["vllm"]
                  args:
                    - serve
                    - /models/Qwen3-8B
                    - --served-model-name
                    - qwen3-8b
        """
        let found = usages([("k8s/vllm.yaml", deployment)])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.model == "/models/Qwen3-8B" && found.first?.line == 13 && found.first?.vendor == "alibaba")
    }

    @Test func aPlatformRebuildOfTheOllamaImageIsAnOllamaServer() {
        let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ollama}
        spec:
          template:
            spec:
              containers:
                - name: ollama
                  image: quay.io/example/ollama-ubi9:0.3.13
                - name: ui
                  image: ghcr.io/ollama-webui/ollama-webui:main
        """
        let found = usages([("k8s/ollama.yaml", deployment)])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.model == nil && found.first?.place == "ollama" && found.first?.line == 9)
    }

    @Test func twoKubernetesServersInOneFileAreTwoUsagesEvenWithoutModels() {
        let statefulSets = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: ollama-cpu}
        spec:
          template:
            spec:
              containers:
                - name: ollama
                  image: ollama/ollama:latest
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: ollama-gpu}
        spec:
          template:
            spec:
              containers:
                - name: ollama
                  image: ollama/ollama:latest
        """
        let found = usages([("k8s/ollama.yaml", statefulSets)])
        #expect(found.map(\.line) == [9, 19], "\(found)")
        #expect(found.allSatisfy { $0.model == nil && $0.place == "ollama" })
    }

    @Test func theEntriesAboveAYAMLErrorAreStillReadAsYAML() {
        let values = """
        ollama:
          gpu:
            enabled: true
          models:
            pull:
              - mistral
              - llama2

        podSecurityContext: {}
           fsGroup: 1000
        """
        let found = usages([("chart/values.yaml", values)])
        #expect(found.contains { $0.model == "mistral" && $0.line == 6 && $0.place == "ollama" }, "\(found)")
        #expect(found.contains { $0.model == "llama2" && $0.line == 7 && $0.place == "ollama" })
        let diagnostics = Shipped.audit([("chart/values.yaml", values)]).diagnostics
        #expect(diagnostics.count == 1 && diagnostics.first?.location.line == 10)
    }

    @Test func aPointReleaseIsReportedAsItsOwnFamily() {
        let config = """
        model_list:
          - model_name: nano
            litellm_params:
              model: openai/gpt-5.4-nano
          - model_name: flash
            litellm_params:
              model: gemini/gemini-3.1-flash-lite-preview
          - model_name: base
            litellm_params:
              model: openai/gpt-5-mini
        """
        let families = Shipped.audit([("litellm/config.yaml", config)]).usages.map { ($0.usage.model ?? "", $0.family) }
        #expect(families.contains { $0 == ("openai/gpt-5.4-nano", "gpt-5.4") }, "\(families)")
        #expect(families.contains { $0 == ("gemini/gemini-3.1-flash-lite-preview", "gemini-3.1") })
        #expect(families.contains { $0 == ("openai/gpt-5-mini", "gpt-5") })
    }

    @Test func aKServeStoragePathNamesItsModelEvenWhenTheCatalogDoesNotKnowIt() {
        let isvc = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata:
          name: tiny-inference
        spec:
          predictor:
            model:
              modelFormat:
                name: huggingface
              runtime: huggingface-cpu-runtime
              storageUri: pvc://model-pvc/tinystories-33m
        """
        let found = usages([("kserve/isvc.yaml", isvc)])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.model == "pvc://model-pvc/tinystories-33m" && found.first?.line == 11 && found.first?.place == "kserve")
    }

    @Test func aComposeSecretNamedLikeAProviderKeyPassesTheKeyThrough() {
        let compose = """
        services:
          app:
            build: .
            secrets:
              - ANTHROPIC_API_KEY
              - source: HF_TOKEN
        secrets:
          ANTHROPIC_API_KEY:
            file: ./ANTHROPIC_API_KEY
          HF_TOKEN:
            file: ./HF_TOKEN
        """
        let found = usages([("rag/compose.yaml", compose)])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.model == nil && found.first?.place == "anthropic" && found.first?.line == 5)
    }

    @Test func aProxyEntryWithoutLiteLLMParamsIsNamedByItsServedName() {
        let config = """
        model_list:
          - model_name: mistral-7b-instruct
            litellm_provider: vllm
            api_base: http://vllm:8000/v1
            litellm_params: {}
          - model_name: alias-only
            litellm_params: {}
        """
        let found = usages([("gateway/litellm_config.yaml", config)])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.model == "mistral-7b-instruct" && found.first?.line == 2 && found.first?.hosting == "self-hosted")
        #expect(found.first?.vendor == "mistral")
    }

    @Test func aQwenVersionWrittenWithoutItsDotIsStillThatVersion() {
        let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: qwen}
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:latest
                  args: ["--model", "/models/qwen25-3b-instruct", "--served-model-name", "qwen25-3b"]
        """
        let result = Shipped.audit([("k8s/qwen.yaml", deployment)])
        let usage = result.usages.first
        #expect(result.usages.count == 1)
        #expect(usage?.family == "qwen2.5" && usage?.vendor == "alibaba", "\(String(describing: usage?.family))")
        // The 3B checkpoint keeps its own licence when the dot is dropped.
        #expect(usage?.license?.id == "qwen-research")
    }

    @Test func aNomicEmbeddingNamedWithoutTextIsNotCoheresEmbedAPI() {
        let config = """
        model_list:
          - model_name: nomic-embed-v1.5
            litellm_params:
              model: openai/nomic-embed-v1.5
              api_base: http://nomic-embed-v1.5:8080/v1
              api_key: dummy
        """
        let found = usages([("litellm-config.yaml", config)])
        #expect(found.count == 1)
        #expect(found.first?.vendor == "nomic-ai" && found.first?.hosting == "self-hosted" && found.first?.line == 4)
    }

    @Test func lmdeployServesThePositionalModelNotItsServedName() {
        let compose = """
        services:
          lmdeploy:
            image: openmmlab/lmdeploy:latest
            command: >
              lmdeploy serve api_server Qwen/Qwen3.5-9B
              --model-name qwen3
              --backend turbomind
        """
        let found = usages([("docker-compose.lmdeploy.yml", compose)])
        #expect(found.count == 1)
        #expect(found.first?.model == "Qwen/Qwen3.5-9B" && found.first?.hosting == "self-hosted" && found.first?.line == 5)
        #expect(found.first?.vendor == "alibaba")
    }

    @Test func aProviderSelectorAloneSaysWhichAPIIsCalled() {
        let env = """
        STORAGE_DIR=/app/server/storage
        LLM_PROVIDER='bedrock'
        EMBEDDING_ENGINE=ollama
        EMBEDDING_BASE_PATH=http://ollama_service:11488
        """
        let found = usages([("anythingllm/.env", env)])
        #expect(found.contains { $0.model == nil && $0.hosting == "external-api" && $0.place == "aws-bedrock" && $0.line == 2 })
    }

    @Test func theAppsOwnBaseURLIsNotAModelGateway() {
        let env = """
        OPENAI_API_KEY=
        OPENAI_CHAT_MODEL=gpt-4.1-mini
        APP_BASE_URL=http://127.0.0.1:8000
        """
        let found = usages([("backend/.env.example", env)])
        #expect(found.count == 1)
        #expect(found.first?.model == "gpt-4.1-mini" && found.first?.place == "openai")
    }
    @Test func aModelTheCatalogDoesNotKnowIsPublishedByItsRepositoryOwner() {
        let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: polish-chat}
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.9.0
                  args: ["--model", "speakleash/Bielik-11B-v3.0-Instruct"]
                - name: small
                  image: vllm/vllm-openai:v0.9.0
                  args: ["--model", "facebook/opt-125m"]
                - name: falcon-tool
                  image: vllm/vllm-openai:v0.9.0
                  args: ["--model", "tiiuae/obscure-tool-1b"]
        """
        let result = Shipped.audit([("k8s/chat.yaml", deployment)])
        let vendors = Dictionary(result.usages.map { ($0.usage.model ?? "", $0.vendor) }, uniquingKeysWith: { first, _ in first })
        #expect(vendors["speakleash/Bielik-11B-v3.0-Instruct"] == "speakleash")
        #expect(vendors["facebook/opt-125m"] == "meta")
        #expect(vendors["tiiuae/obscure-tool-1b"] == "tii")
        // Identity only: the licence of a model the catalog does not know stays unknown.
        #expect(result.usages.allSatisfy { $0.licenseID == "unknown" })
        #expect(Shipped.policy.catalog.publisher(ofRepository: "ollama/{{@key}}") == nil)
        #expect(Shipped.policy.catalog.publisher(ofRepository: "nvcr.io/nim/meta/x") == nil)
    }

    @Test func anAppConfigsProviderKeyNamesTheServerOfItsModel() {
        let config = """
        name: Local Config
        version: 1.0.0
        schema: v1
        models:
          - name: Coder
            provider: ollama
            model: qwen2.5-coder:1.5b
            roles:
              - chat
        """
        let found = usages([(".continue/config.yaml", config)])
        #expect(found.count == 1)
        #expect(found.first?.model == "qwen2.5-coder:1.5b" && found.first?.hosting == "self-hosted" && found.first?.place == "ollama" && found.first?.line == 7)
    }
    @Test func aClientEntryWithItsOwnBaseURLSendsItsModelListThere() {
        let config = """
        endpoints:
          custom:
            - name: "Mistral"
              apiKey: "${MISTRAL_API_KEY}"
              baseURL: "https://api.mistral.ai/v1"
              models:
                default: ["mistral-large-latest", "codestral-latest"]
            - name: "OpenRouter"
              apiKey: "${OPENROUTER_KEY}"
              baseURL: "https://openrouter.ai/api/v1"
              models:
                default:
                  - "meta-llama/llama-3.3-70b-instruct"
        modelSpecs:
          list:
            - name: claude-standard
              preset:
                endpoint: anthropic
                model: claude-3-5-sonnet-latest
        """
        let found = usages([("chat/librechat.yaml", config)])
        #expect(found.contains { $0.model == "mistral-large-latest" && $0.place == "mistral" && $0.hosting == "external-api" }, "\(found)")
        #expect(found.contains { $0.model == "codestral-latest" && $0.place == "mistral" }, "\(found)")
        #expect(found.contains { $0.model == "meta-llama/llama-3.3-70b-instruct" && $0.hosting == "external-api" && $0.line == 13 }, "\(found)")
        #expect(found.contains { $0.model == "claude-3-5-sonnet-latest" && $0.place == "anthropic" }, "\(found)")
    }

    @Test func anOllamaOperatorModelServesItsImageTag() {
        let model = """
        apiVersion: ollama.ayaka.io/v1
        kind: Model
        metadata:
          name: llama
        spec:
          image: llama3.1:8b
        """
        let found = usages([("ollama/model.yaml", model)])
        #expect(found.count == 1)
        #expect(found.first?.model == "llama3.1:8b" && found.first?.place == "ollama" && found.first?.vendor == "meta" && found.first?.line == 6)
    }
    @Test func terraformThatProvisionsAzureOpenAIAndBedrockModels() {
        let azure = """
        resource "azurerm_cognitive_deployment" "chat" {
          name                 = "chat-prod"
          cognitive_account_id = azurerm_ai_services.main.id
          model {
            format  = "OpenAI"
            name    = "gpt-4o"
            version = "2024-11-20"
          }
          sku { name = "Standard" }
        }
        """
        let bedrock = """
        variable "agent_model" {
          type    = string
          default = "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"
        }
        data "aws_bedrock_foundation_model" "titan" {
          model_id = "amazon.titan-text-express-v1"
        }
        # model_id = "meta.llama3-70b-instruct-v1:0"
        resource "aws_s3_bucket" "docs" { bucket = "anthropic.claude-docs" }
        """
        let found = usages([("infra/openai.tf", azure), ("infra/bedrock.tf", bedrock)])
        #expect(found.contains { $0.model == "gpt-4o" && $0.place == "azure-openai" && $0.line == 6 && $0.vendor == "openai" }, "\(found)")
        #expect(!found.contains { $0.model == "chat-prod" })
        #expect(found.contains { $0.model == "eu.anthropic.claude-3-7-sonnet-20250219-v1:0" && $0.place == "aws-bedrock" && $0.line == 3 }, "\(found)")
        #expect(found.contains { $0.model == "amazon.titan-text-express-v1" && $0.place == "aws-bedrock" && $0.line == 6 }, "\(found)")
        #expect(found.count == 3, "a comment and a bucket name are not models: \(found)")
    }
    @Test func serversOutsideTheRuntimeVocabularyAreStillServers() {
        let compose = """
        services:
          xinference:
            image: xprobe/xinference:latest
            command: xinference-local -H 0.0.0.0
          tabby:
            image: ghcr.io/theroyallab/tabbyapi:latest
        """
        let found = usages([("inference/docker-compose.yml", compose)])
        #expect(found.map(\.line) == [3, 6], "\(found)")
        #expect(found.allSatisfy { $0.model == nil && $0.hosting == "self-hosted" && $0.place == "unknown" })
    }
}

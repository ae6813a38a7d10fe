import ModelwardenCore
import ModelwardenManifests
import Testing

/// CI pipelines, LLM framework pipelines and app env refinements of issue 15: one test per format, with files of our
/// own in the shape of real ones.
@Suite struct PipelineFormatTests {
    typealias Found = (model: String?, line: Int, column: Int, hosting: String, place: String?, evidence: String)

    func usages(_ files: [(String, String)]) -> [Found] {
        Shipped.audit(files).usages.map {
            ($0.usage.model, $0.usage.location.line, $0.usage.location.column, $0.usage.hosting.rawValue, $0.usage.runtime ?? $0.usage.api,
             $0.usage.evidence)
        }
    }

    @Test func gitLabCIReadsVariablesAndModelArgumentsOfScripts() {
        let pipeline = """
        variables:
          EVAL_MODEL:
            value: gpt-4o-mini
            description: The model the nightly eval grades
          PIP_CACHE_DIR: .cache/pip
        stages: [test, eval]
        .python:
          image: python:3.12
        unit:
          stage: test
          script:
            - pytest -q
        eval:
          stage: eval
          extends: .python
          variables:
            ANTHROPIC_API_KEY: $ANTHROPIC_KEY
          script:
            - pip install -r requirements.txt
            # - python eval.py --model gpt-4
            - python eval.py --model "$EVAL_MODEL" --judge-model claude-3-5-sonnet-20241022
        """
        let found = usages([(".gitlab-ci.yml", pipeline)])
        #expect(found.contains { $0.model == "gpt-4o-mini" && $0.line == 3 && $0.place == "openai" })
        #expect(found.contains { $0.model == "claude-3-5-sonnet-20241022" && $0.line == 21 && $0.place == "anthropic" })
        #expect(!found.contains { $0.model == "gpt-4" })
        #expect(found.allSatisfy { $0.evidence.hasPrefix("env ") })
    }

    @Test func haystackPipelineComponentsSayWhereTheirModelsRun() {
        let pipeline = """
        components:
          embedder:
            init_parameters:
              model: sentence-transformers/all-MiniLM-L6-v2
            type: haystack.components.embedders.sentence_transformers_text_embedder.SentenceTransformersTextEmbedder
          prompt_builder:
            init_parameters:
              template: "Answer with gpt-4o style: {{query}}"
            type: haystack.components.builders.prompt_builder.PromptBuilder
          llm:
            init_parameters:
              model: gpt-4o-mini
              api_base_url: null
            type: haystack.components.generators.chat.openai.OpenAIChatGenerator
          local:
            init_parameters:
              model: llama3.1:8b
              url: http://ollama:11434
            type: haystack_integrations.components.generators.ollama.generator.OllamaGenerator
        connections:
          - sender: prompt_builder.prompt
            receiver: llm.messages
        """
        let found = usages([("rag/pipeline.yaml", pipeline)])
        #expect(found.contains { $0.model == "sentence-transformers/all-MiniLM-L6-v2" && $0.line == 4 && $0.place == "in-process" })
        #expect(found.contains { $0.model == "gpt-4o-mini" && $0.line == 12 && $0.place == "openai" })
        #expect(found.contains { $0.model == "llama3.1:8b" && $0.line == 17 && $0.hosting == "self-hosted" && $0.place == "ollama" })
        #expect(!found.contains { $0.line == 8 })
    }

    @Test func haystackOnePromptNodeNamesItsModel() {
        let pipeline = """
        version: ignore
        components:
          - name: Prompter
            type: PromptNode
            params:
              model_name_or_path: claude-3-haiku-20240307
        pipelines:
          - name: query
            nodes:
              - name: Prompter
                inputs: [Query]
        """
        let found = usages([("pipelines/qa.haystack-pipeline.yml", pipeline)])
        #expect(found.count == 1 && found.first?.line == 6 && found.first?.place == "anthropic")
    }

    @Test func langChainSavedObjectsNameTheirModelAndProvider() {
        let legacy = """
        _type: llm_chain
        llm:
          _type: azure-openai-chat
          deployment_name: gpt-4o
          temperature: 0.0
        prompt:
          _type: prompt
          template: "Summarise: {text}"
        """
        let dumped = """
        lc: 1
        type: constructor
        id: [langchain, chat_models, anthropic, ChatAnthropic]
        kwargs:
          model: claude-3-5-sonnet-20241022
          max_tokens: 1024
        """
        let found = usages([("chains/summarise.yaml", legacy), ("chains/chat.yaml", dumped)])
        #expect(found.contains { $0.model == "gpt-4o" && $0.line == 4 && $0.place == "azure-openai" })
        #expect(found.contains { $0.model == "claude-3-5-sonnet-20241022" && $0.line == 5 && $0.place == "anthropic" })
        #expect(found.count == 2)
    }

    @Test func oaiConfigListInAnEnvValueIsReadPerEntry() {
        let env = """
        OAI_CONFIG_LIST='[{"model": "gpt-4o", "api_type": "azure", "base_url": "https://contoso.openai.azure.com/"}, {"model": "llama3.1:8b", "base_url": "http://localhost:11434/v1"}]'
        AUTOGEN_USE_DOCKER=False
        """
        let found = usages([("agents/.env", env)])
        #expect(found.contains { $0.model == "gpt-4o" && $0.line == 1 && $0.column == 30 && $0.place == "azure-openai" })
        #expect(found.contains { $0.model == "llama3.1:8b" && $0.line == 1 && $0.hosting == "self-hosted" && $0.place == "ollama" })
    }

    @Test func anythingLLMReadsOnlyThePreferenceItsProviderChooses() {
        let env = """
        SERVER_PORT=3001
        LLM_PROVIDER='ollama'
        OLLAMA_BASE_PATH='http://ollama:11434'
        OLLAMA_MODEL_PREF='qwen2.5:14b'
        OPEN_MODEL_PREF='gpt-4o'
        ANTHROPIC_MODEL_PREF='claude-3-5-sonnet-20241022'
        """
        let found = usages([("anything-llm/docker/.env", env)])
        #expect(found.contains { $0.model == "qwen2.5:14b" && $0.line == 4 && $0.hosting == "self-hosted" && $0.place == "ollama" })
        #expect(!found.contains { $0.model == "gpt-4o" || $0.model == "claude-3-5-sonnet-20241022" })
    }

    @Test func openWebUIDefaultModelsAreEachAModel() {
        let env = """
        OLLAMA_BASE_URL=http://ollama:11434
        DEFAULT_MODELS=llama3.1:8b, qwen2.5:7b
        WEBUI_NAME=Team chat
        """
        let found = usages([("open-webui/.env", env)])
        #expect(found.contains { $0.model == "llama3.1:8b" && $0.line == 2 && $0.column == 16 && $0.place == "ollama" })
        #expect(found.contains { $0.model == "qwen2.5:7b" && $0.line == 2 && $0.column == 29 && $0.place == "ollama" })
    }

    @Test func libreChatEndpointsSendTheirModelsToTheirURLs() {
        let config = """
        version: 1.2.1
        cache: true
        endpoints:
          azureOpenAI:
            titleModel: gpt-4o
            groups:
              - group: region-westeurope
                apiKey: "${AZURE_WEU_KEY}"
                instanceName: contoso-weu
                models:
                  gpt-4o:
                    deploymentName: gpt4o-weu-prod
                  gpt-4-turbo: false
          custom:
            - name: groq
              apiKey: "${GROQ_API_KEY}"
              baseURL: https://api.groq.com/openai/v1/
              models:
                default: [llama-3.1-8b-instant]
                fetch: false
              titleModel: llama-3.1-8b-instant
        modelSpecs:
          list:
            - name: fast
              label: Fast answers
              preset:
                endpoint: groq
                model: llama-3.3-70b-versatile
        """
        let found = usages([("librechat.yaml", config)])
        #expect(found.contains { $0.model == "gpt-4o" && $0.line == 11 && $0.place == "azure-openai" })
        #expect(!found.contains { $0.model == "gpt-4-turbo" })
        #expect(found.contains { $0.model == "llama-3.1-8b-instant" && $0.line == 19 && $0.place == "groq" })
        #expect(found.contains { $0.model == "llama-3.3-70b-versatile" && $0.line == 28 && $0.place == "groq" })
    }

    @Test func libreChatMemoryAgentAndSpeechModelsAreUsages() {
        let config = """
        version: 1.2.8
        endpoints:
          custom:
            - name: router
              apiKey: "${ROUTER_KEY}"
              baseURL: https://router.example.com/v1
              models: {fetch: true}
        memory:
          personalize: true
          agent:
            provider: openAI
            model: gpt-4.1-mini
        speech:
          stt:
            openai:
              apiKey: "${STT_KEY}"
              model: whisper-1
          tts:
            elevenlabs:
              apiKey: "${TTS_KEY}"
              model: eleven_multilingual_v2
        """
        let found = usages([("librechat.yaml", config)])
        #expect(found.contains { $0.model == "gpt-4.1-mini" && $0.line == 12 && $0.place == "openai" }, "\(found)")
        #expect(found.contains { $0.model == "whisper-1" && $0.line == 17 && $0.place == "openai" }, "\(found)")
        // A provider the analyser cannot place is not guessed.
        #expect(!found.contains { $0.model == "eleven_multilingual_v2" })
    }

    @Test func oaiConfigListInComposeEnvironmentIsReadPerEntry() {
        let compose = """
        services:
          agents:
            build: ./agents
            environment:
              OAI_CONFIG_LIST: |
                [
                  {"model": "gpt-4o-mini", "api_type": "azure", "base_url": "https://contoso.openai.azure.com/"},
                  {"model": "claude-3-5-sonnet-20241022", "api_type": "anthropic"}
                ]
        """
        let found = usages([("stack/docker-compose.yml", compose)])
        #expect(found.contains { $0.model == "gpt-4o-mini" && $0.line == 7 && $0.column == 22 && $0.place == "azure-openai" })
        #expect(found.contains { $0.model == "claude-3-5-sonnet-20241022" && $0.line == 8 && $0.place == "anthropic" })
    }
}

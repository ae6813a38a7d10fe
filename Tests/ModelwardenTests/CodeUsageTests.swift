import Foundation
import ModelwardenCore
import ModelwardenManifests
import Testing

/// Models that code runs by default: each configuration shape in Python, JavaScript/TypeScript, Go and Java, with
/// exact positions, and the shapes that look alike but are not usages (comments, docstrings, lists, comparisons).
@Suite struct CodeUsageTests {
    func usages(_ path: String, _ source: String) -> [(model: String, line: Int, column: Int, hosting: String, place: String?)] {
        Shipped.audit([(path, source)]).usages.map {
            ($0.usage.model ?? "", $0.usage.location.line, $0.usage.location.column, $0.usage.hosting.rawValue, $0.usage.runtime ?? $0.usage.api)
        }
    }

    @Test func pythonConfigDictKeysNameTheModels() {
        let found = usages("app/config/default.py", """
            DEFAULT_CONFIG = {
                "RETRIEVER": "tavily",
                "EMBEDDING": "openai:text-embedding-3-small",
                "SMART_LLM": "openai:gpt-5.4",  # long answers; "FAST_LLM": "gpt-4o" in a comment is not one
                "TEMPERATURE": 0.4,
            }
            """)
        #expect(found.map(\.model) == ["openai:text-embedding-3-small", "openai:gpt-5.4"])
        #expect(found[1].line == 4 && found[1].column == 19)
        #expect(found.allSatisfy { $0.hosting == "external-api" && $0.place == "openai" })
    }

    @Test func djangoFieldDefaultsInAModelClass() {
        let found = usages("server/models.py", """
            class ChatModel(models.Model):
                \"\"\"The chat model, gemini-2.5-pro by default in old releases.\"\"\"
                name = models.CharField(max_length=200, default="gemini-2.5-flash")
                friendly_name = models.CharField(max_length=200, default="Gemini")

            class SearchModelConfig(models.Model):
                bi_encoder = models.CharField(max_length=200, default="thenlper/gte-small")
            """)
        #expect(found.map(\.model) == ["gemini-2.5-flash", "thenlper/gte-small"])
        #expect(found[0].line == 3 && found[0].place == "google-gemini-api")
        #expect(found[1].hosting == "self-hosted" && found[1].place == "in-process")
    }

    @Test func keywordDefaultsOfSettingsFields() {
        let found = usages("agent/configuration.py", """
            class Configuration(BaseModel):
                summarization_model: str = Field(
                    default="openai:gpt-4.1-mini",
                    metadata={"x_oap_ui_config": {"type": "text", "default": "openai:gpt-4.1-mini"}},
                    description="Model for summarizing research results from Tavily search results",
                )
                max_retries: int = Field(default=3)
            """)
        #expect(found.map(\.model) == ["openai:gpt-4.1-mini"])
        #expect(found.first?.line == 3)
    }

    @Test func environmentFallbacksInPythonAndJavaScript() {
        let python = usages("svc/settings.py", """
            import os
            EMBEDDING_MODEL = os.environ.get(
                "OPENAI_EMBEDDING_MODEL", "text-embedding-3-small"
            )
            chat = config("OPENAI_CHAT_MODEL", default="gpt-4o-mini")
            region = os.getenv("AWS_REGION", "us-east-1")
            """)
        #expect(python.map(\.model) == ["text-embedding-3-small", "gpt-4o-mini"])
        #expect(python.first?.line == 3)
        let script = usages("web/src/llm.ts", """
            const chatModel = process.env.CHAT_MODEL ?? "gpt-4o";
            const m = process.env.OPENAI_MODEL || 'gpt-4o-mini'
            const label = `Using ${process.env.CHAT_MODEL}`;
            """)
        #expect(script.map(\.model) == ["gpt-4o", "gpt-4o-mini"])
        #expect(script.map(\.column) == [46, 40])
    }

    @Test func javaScriptClassConstantsAndObjectKeys() {
        let found = usages("server/utils/EmbeddingEngines/native/index.js", """
            class NativeEmbedder {
              static defaultModel = "Xenova/all-MiniLM-L6-v2";
              // static oldModel = "Xenova/nomic-embed-text-v1";
            }
            export const DEFAULT_CONFIG = {
              modelConfig: { model: "gpt-4o-mini" as ModelType, temperature: 0.5 },
            };
            """)
        #expect(found.map(\.model) == ["Xenova/all-MiniLM-L6-v2", "gpt-4o-mini"])
        #expect(found[0].place == "in-process")
        #expect(found[1].line == 6 && found[1].column == 26)
    }

    @Test func sdkCallsNameTheProvider() {
        let found = usages("bot/main.py", """
            from openai import OpenAI
            from langchain_anthropic import ChatAnthropic
            client = OpenAI()
            reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            llm = ChatAnthropic(model="claude-3-5-sonnet-20241022")
            bedrock.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[])
            tokenizer = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")
            embedder = SentenceTransformer("BAAI/bge-small-en-v1.5")
            summarize = pipeline("summarization", model="facebook/bart-large-cnn")
            agent = init_chat_model("google_genai:gemini-2.5-flash")
            MODELS = {"haiku": ModelConfig(id="anthropic:claude-haiku-4-5-20251001", name="Claude Haiku 4.5")}
            """)
        let byModel = Dictionary(found.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byModel["gpt-4o-mini"]?.place == "openai")
        #expect(byModel["claude-3-5-sonnet-20241022"]?.place == "anthropic")
        #expect(byModel["anthropic.claude-3-haiku-20240307-v1:0"]?.place == "aws-bedrock")
        #expect(byModel["meta-llama/Llama-3.1-8B-Instruct"]?.place == "in-process")
        #expect(byModel["BAAI/bge-small-en-v1.5"]?.place == "in-process")
        #expect(byModel["google_genai:gemini-2.5-flash"]?.place == "google-gemini-api")
        #expect(byModel["anthropic:claude-haiku-4-5-20251001"]?.place == "anthropic")
    }

    @Test func goAndJavaLiterals() {
        let go = usages("cmd/server/main.go", """
            package main
            const defaultModel = "gpt-4o"
            func ask() {
                req := openai.ChatCompletionRequest{Model: "gpt-4o-mini", Messages: msgs}
                if name == "gpt-4-turbo" { return }
            }
            """)
        #expect(go.map(\.model) == ["gpt-4o", "gpt-4o-mini"])
        let java = usages("src/main/java/app/Assistant.java", """
            public class Assistant {
                private static final String DEFAULT_MODEL = "claude-3-5-haiku-20241022";
                ChatModel model = OpenAiChatModel.builder().modelName("gpt-4o").build();
            }
            """)
        #expect(java.map(\.model) == ["claude-3-5-haiku-20241022", "gpt-4o"])
    }

    @Test func alternativesCommentsAndComparisonsAreNotUsages() {
        let found = usages("app/models.py", """
            # model = "gpt-4o"
            SUPPORTED_MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022"]
            MODEL_TOKEN_LIMITS = {"openai:gpt-4.1": 1047576, "anthropic:claude-sonnet-4": 200000}
            def pick(model):
                \"\"\"Pick a model such as model="gpt-4o".\"\"\"
                if model == "gpt-4o-mini":
                    return MODELS["gpt-4o"]
                if model.startswith("o3-mini"):
                    return None
                description = "gpt-4o is a model"
                if "deepseek-r1" in model.lower():
                    return None
            PRICING = (
                (("gpt-5.5-pro",), 30.0, 180.0),
            )
            GEO_MODELS = ("claude-opus-4-1", "claude-opus-4-20250514")
            REASONING_MODELS = "grok-3-mini", "grok-4"
            LEGACY_MODELS = {"gpt-3.5-turbo", "gpt-4-0613"}
            encoding = tiktoken.encoding_for_model("gpt-4o")
            CUSTOM_MODELS = "claude-3-5-haiku-20241022,gpt-4o-mini"
            """)
        #expect(found.isEmpty, "\(found)")
    }

    @Test func aListOfThreeOrMorePresetsIsATableButAConfigListIsUsed() {
        let presets = usages("app/masks/en.ts", """
            export const EN_MASKS = [
              { name: "Writer", modelConfig: { model: "gpt-3.5-turbo", temperature: 1 } },
              { name: "Coder", modelConfig: { model: "gpt-4-0613" } },
              { name: "Analyst", modelConfig: { model: "gpt-4o" } },
            ];
            """)
        #expect(presets.isEmpty, "\(presets)")
        let configList = usages("agents/team.py", """
            config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]
            """)
        #expect(configList.map(\.model) == ["gpt-4o"])
    }

    @Test func aModelContextNeedsACatalogMatch() {
        let found = usages("app/settings.py", """
            MODEL_TYPE = "chat"
            MODEL = "my-finetune"
            LLM_PROVIDER = "openai"
            MODEL_NAME = "gpt-4o"
            """)
        #expect(found.map(\.model) == ["gpt-4o"])
    }
}

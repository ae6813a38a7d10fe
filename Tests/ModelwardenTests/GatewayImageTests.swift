import ModelwardenCore
@testable import ModelwardenManifests
import Testing

/// Whether a workload's image is LiteLLM's is answered on the bytes for ASCII images (`Auditor.namesLiteLLM`); the
/// answer must be that of lowering the whole image and searching it.
@Suite struct GatewayImageTests {
    @Test func bytesAnswerAsLoweringDoes() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["ghcr.io/", "berriai/", "litellm", "LiteLLM", "LITELLM", "lite", "llm", "LLM", "-database", ":main-v1.55", "l", "i", "t",
                      "e", "m", "L", "I", "T", "E", "M", "@", "`", "[", "{", "İ", "ı", "K", "é", "/", ""]
        for _ in 0..<6000 {
            let image = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Auditor.namesLiteLLM(image) == image.lowercased().includes("litellm"), "\(image.debugDescription)")
        }
        #expect(Auditor.namesLiteLLM("ghcr.io/berriai/LiteLLM:main-stable"))
        #expect(!Auditor.namesLiteLLM("vllm/vllm-openai:v0.7.2"))
    }
}

/// A file name's code language is read on its bytes for ASCII names (`CodeLanguage.of`); it must be the language that
/// lowering the whole name gives.
@Suite struct CodeLanguageNameTests {
    @Test func bytesAnswerAsLoweringDoes() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [".", "..", "py", "PY", "Py", "js", "JSX", "mjs", "ts", "TSX", "go", "GO", "java", "JAVA", "javas", "yaml", "manifest",
                      "a", "-", "\r\n", "\r", "é", "İ", "K", "/", ""]
        for _ in 0..<6000 {
            let name = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(CodeLanguage.of(fileName: name) == CodeLanguage.ofLowering(fileName: name), "\(name.debugDescription)")
        }
        #expect(CodeLanguage.of(fileName: "App.PY") == .python)
        #expect(CodeLanguage.of(fileName: "manifest-06853.yaml") == nil)
    }
}

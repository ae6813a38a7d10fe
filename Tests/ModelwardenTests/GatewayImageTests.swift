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

@testable import ModelwardenManifests
import Testing

/// Command lines in ASCII are split into tokens on their bytes (`RuntimeDetector.asciiTokens`); the tokens and their
/// offsets must be those of the Character-wise split, `\r\n` and template expressions included.
@Suite struct CommandTokenTests {
    @Test func bytesSplitAsCharactersDo() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["vllm", "serve", "--model", "=", "Qwen/Qwen2.5-7B", " ", "  ", "\n", "\r\n", "\r", "\t", ";", "&", "|", "\\", "\"", "'",
                      "{", "{{", "}}", "}", " | quote ", "$MODEL", "-m", "x"]
        for _ in 0..<4000 {
            let text = (0..<Int.random(in: 0...10, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let located = Located(text, line: 3, column: 7)
            var bytes: [RuntimeDetector.Token] = [], characters: [RuntimeDetector.Token] = []
            RuntimeDetector.asciiTokens(located, into: &bytes)
            RuntimeDetector.characterTokens(located, into: &characters)
            #expect(bytes.map(\.text) == characters.map(\.text), "\(text.debugDescription)")
            #expect(bytes.map(\.offset) == characters.map(\.offset), "\(text.debugDescription)")
        }
        let tokens = RuntimeDetector.tokens([Located("vllm serve \"Qwen/Qwen2.5-7B\" {{ .Values.x | quote }}", line: 1, column: 1)])
        #expect(tokens.map(\.text) == ["vllm", "serve", "Qwen/Qwen2.5-7B", "{{ .Values.x | quote }}"])
        #expect(tokens.map(\.offset) == [0, 5, 12, 29])
    }
}

/// An image's name is read on its bytes for ASCII images (`RuntimeDetector.imageName`); it must be the name that
/// splitting on `/` and `:` gives.
@Suite struct ImageNameTests {
    @Test func bytesAnswerAsSplittingDoes() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["ghcr.io", "/", "//", ":", "::", "ollama", "vllm-openai", "latest", "0.5.1", "é", "x", "@sha256", ""]
        for _ in 0..<4000 {
            let image = (0..<Int.random(in: 0...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(RuntimeDetector.imageName(image) == RuntimeDetector.imageNameBySplitting(image), "\(image.debugDescription)")
        }
        #expect(RuntimeDetector.imageName("docker.io/ollama/ollama:0.5.7") == "ollama")
    }
}

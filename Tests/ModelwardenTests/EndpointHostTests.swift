@testable import ModelwardenManifests
import Testing

/// The host of every URL variable is read on its bytes when the value is ASCII (`asciiHostAndPort`); it must answer
/// exactly as the Character-wise reading (`hostAndPort`) does.
@Suite struct EndpointHostTests {
    @Test func bytesAnswerAsCharactersDo() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["api", "openai", ".", ".com", "vllm", ":", "8000", "@", "user:pw@", "/", "/v1", "?", "#", "[", "]", "::1", "-", "_",
                      "A", "Z", "9", "%", "!", "\r\n", "\t", "x", "local", "svc", "11434"]
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = EndpointClassifier.asciiHostAndPort(Substring(text)), characters = EndpointClassifier.hostAndPort(Substring(text))
            #expect(bytes?.host == characters?.host && bytes?.port == characters?.port, "\(text)")
        }
        #expect(EndpointClassifier.host(of: "https://user:pw@API.OpenAI.com:443/v1")! == ("api.openai.com", 443))
        #expect(EndpointClassifier.host(of: "http://vllm.ml.svc:8000")! == ("vllm.ml.svc", 8000))
        #expect(EndpointClassifier.host(of: "http://häst.example/v1")! == ("häst.example", nil))
        #expect(EndpointClassifier.host(of: "ollama") == nil)
    }
}

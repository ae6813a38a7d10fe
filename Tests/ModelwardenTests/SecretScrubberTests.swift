@testable import ModelwardenCore
import Testing

/// The one redaction step every value passes: each shape goes, what detection needs stays.
@Suite struct SecretScrubberTests {
    @Test("key shapes anywhere in a text", arguments: [
        PlantedSecrets.openAI, PlantedSecrets.anthropic, PlantedSecrets.google, PlantedSecrets.aws, PlantedSecrets.huggingFace,
        PlantedSecrets.slack, PlantedSecrets.github,
    ])
    func keyShapes(_ key: String) {
        #expect(SecretScrubber.scrub(key) == "<redacted>")
        #expect(SecretScrubber.scrub("serve --key=\(key) --port 8000") == "serve --key=<redacted> --port 8000")
        #expect(SecretScrubber.scrub("[\"\(key)\", \"x\"]") == "[\"<redacted>\", \"x\"]")
    }

    @Test func urlUserinfoKeepsUserAndHost() {
        #expect(SecretScrubber.scrub(PlantedSecrets.databaseURL) == "postgres://app:***@db:5432/app")
        #expect(SecretScrubber.scrub(PlantedSecrets.gatewayURL) == "https://user:***@gw.example.com/v1")
        #expect(SecretScrubber.scrub("see https://0123456789abcdefghijklmnop@github.com/org/repo") == "see https://***@github.com/org/repo")
        #expect(SecretScrubber.scrub("https://bob@example.com/x") == "https://bob@example.com/x")
        #expect(SecretScrubber.scrub("http://vllm.ml.svc:8000/v1") == "http://vllm.ml.svc:8000/v1")
    }

    @Test func jwtsAndPEMBlocks() {
        #expect(SecretScrubber.scrub(PlantedSecrets.jwt) == "<redacted>")
        #expect(SecretScrubber.scrub("Authorization: Bearer \(PlantedSecrets.jwt)") == "Authorization: Bearer <redacted>")
        #expect(SecretScrubber.scrub("a\n\(PlantedSecrets.pem)\nb") == "a\n<redacted>\nb")
        #expect(SecretScrubber.scrub("-----BEGIN RSA PRIVATE KEY-----\nMIIcutoff") == "<redacted>")
    }

    @Test func valuesAssignedToSecretNames() {
        #expect(SecretScrubber.scrub("DB_PASSWORD=\(PlantedSecrets.password) ./run") == "DB_PASSWORD=<redacted> ./run")
        #expect(SecretScrubber.scrub("{\"apiKey\": \"abc123def\", \"model\": \"gpt-4o\"}") == "{\"apiKey\": \"<redacted>\", \"model\": \"gpt-4o\"}")
        #expect(SecretScrubber.scrub("master_key: hunter22\nmodel: gpt-4o") == "master_key: <redacted>\nmodel: gpt-4o")
        #expect(SecretScrubber.scrub("--hf-token \(PlantedSecrets.serviceToken) --model x") == "--hf-token <redacted> --model x")
    }

    @Test("what detection needs stays", arguments: [
        "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o", "ollama/llama3.1:8b", "MAX_TOKENS=4096", "max_tokens: 512", "tokenizer: meta-llama/Llama-3.1-8B",
        "${OPENAI_API_KEY}", "OPENAI_API_KEY=${OPENAI_API_KEY}", "api_key: os.environ/OPENAI_API_KEY", "task-runner-0123456789abcdef",
        "hf_transfer", "vllm/vllm-openai:v0.6.3", "--api-key --port 8000", "https://api.openai.com/v1",
    ])
    func keeps(_ text: String) {
        #expect(SecretScrubber.scrub(text) == text)
    }

    @Test func secretNamedVariablesLoseLiteralValuesOnly() {
        #expect(SecretScrubber.scrub(value: "hunter2", named: "DB_PASSWORD") == "<redacted>")
        #expect(SecretScrubber.scrub(value: PlantedSecrets.serviceToken, named: "serviceCredential") == "<redacted>")
        #expect(SecretScrubber.scrub(value: "${OPENAI_API_KEY}", named: "OPENAI_API_KEY") == "${OPENAI_API_KEY}")
        #expect(SecretScrubber.scrub(value: "4096", named: "MAX_TOKENS") == "4096")
        #expect(SecretScrubber.scrub(value: "true", named: "USE_TOKEN") == "true")
        #expect(SecretScrubber.scrub(value: "meta-llama/Llama-3.1-8B", named: "TOKENIZER") == "<redacted>")
        #expect(SecretScrubber.scrub(value: PlantedSecrets.databaseURL, named: "DATABASE_URL") == "postgres://app:***@db:5432/app")
    }

    @Test func scrubbingTwiceChangesNothing() {
        for (name, value) in PlantedSecrets.assignments {
            let once = SecretScrubber.scrub(value: value, named: name)
            #expect(SecretScrubber.scrub(once) == once)
            #expect(!once.contains("PLANTED"))
        }
    }

    @Test("the byte-wise split of ASCII names equals the Character-wise one, and names beyond ASCII still split")
    func nameSplitting() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ_-.9kEyTOKENpassWordApi0 ")
        for _ in 0..<2000 {
            let name = String((0..<Int.random(in: 0...18, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(SecretScrubber.words(of: name) == SecretScrubber.unicodeWords(of: name), "\(name)")
        }
        #expect(SecretScrubber.words(of: "OPENAI_API_KEY") == ["openai", "api", "key"])
        #expect(SecretScrubber.words(of: "dbPassword") == ["db", "password"])
        #expect(SecretScrubber.words(of: "schlüsselToken") == ["schlüssel", "token"])
        #expect(SecretScrubber.namesSecret("hf-token") && !SecretScrubber.namesSecret("max_tokens") && !SecretScrubber.namesSecret("tokenizer"))
    }

    @Test("the in-place ASCII answer of namesSecret equals the answer from the split words")
    func namesSecretInPlace() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["key", "KEY", "Key", "token", "Token", "pass", "PASS", "word", "api", "_", "-", ".", "9", "a", "Z", "secret", "s", "ecret",
                      "é", "\u{301}", "Ü"]
        for _ in 0..<3000 {
            let name = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let fromWords = SecretScrubber.words(of: name).contains { SecretScrubber.secretWords.contains($0) }
            #expect(SecretScrubber.namesSecret(name) == fromWords, "\(name)")
        }
    }

    @Test("the byte-wise answer of isSecretName equals the search in the uppercased name")
    func secretNameOnBytes() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["key", "KEY", "kEy", "token", "TOKEN", "Secret", "password", "PASSWD", "credential", "Private", "_", "-", "k", "E", "y",
                      "pass", "wd", "ß", "é", "\u{301}", "ﬁ", "9", " "]
        for _ in 0..<4000 {
            let name = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Secrets.isSecretName(name) == Secrets.generalIsSecretName(name), "\(name)")
        }
        #expect(Secrets.isSecretName("OPENAI_API_KEY") && Secrets.isSecretName("dbPassword") && !Secrets.isSecretName("OPENAI_MODEL"))
    }

    @Test("the one-pass precheck answers as the searches for each mark do")
    func precheckInOnePass() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["sk-", "AIza", "ghp_", "eyJ", "hf_", "KEY", "Key", "token", "SECRET", "pass", "PWD", "credential", "Bearer", "basic",
                      "-----BEGIN", "-----", "://", ":/", "@", "k", "e", "y", "-", "_", " ", "x", "9", "é", "/", ":"]
        for _ in 0..<6000 {
            let text = (0..<Int.random(in: 0...9, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            let onePass = bytes.withUnsafeBufferPointer { ScrubPrecheck.isPlainlyClean($0) }
            let searching = bytes.withUnsafeBufferPointer { ScrubPrecheck.isPlainlyCleanBySearching($0) }
            #expect(onePass == searching, "\(text.debugDescription)")
        }
    }

    @Test("text the byte-wise precheck calls clean is text the scalar passes leave alone")
    func precheckNeverHidesASecret() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["sk-", "AIza", "ghp_", "eyJ", "hf_", "xoxb-", "abcdefghij", "ABCDEFGHIJ", "0123456789", "://", "@", "user:pw", "-----BEGIN",
                      "-----END", " RSA PRIVATE KEY", "key", "Token", "PASSWORD", "=", ": ", "\"", " ", "\n", "/", ".", "_", "-", "Bearer ",
                      "Basic ", "ü", "x", "9"]
        var clean = 0
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 1...9, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            guard ScrubPrecheck.isPlainlyClean(text) else { continue }
            clean += 1
            #expect(SecretScrubber.scrubScalars(text) == text, "\(text)")
        }
        #expect(clean > 200, "the generator should produce many texts the precheck passes")
        #expect(!ScrubPrecheck.isPlainlyClean("api: \(PlantedSecrets.openAI)") && ScrubPrecheck.isPlainlyClean("image: vllm/vllm-openai:v0.6.3"))
        #expect(ScrubPrecheck.isPlainlyClean("http://vllm.ml.svc:8000/v1") && !ScrubPrecheck.isPlainlyClean("https://bot:hunter22@example.com/v1"))
    }
}

import ModelwardenYAML
import Testing

@Suite struct YAMLParserTests {
    @Test func marksPointAtTheValue() throws {
        let stream = YAMLParser.parse("a: 1\nb:\n  c: \"hello\"\n")
        let root = try #require(stream.documents.first)
        #expect(stream.error == nil)
        let c = try #require(root["b"]?["c"])
        #expect(c.string == "hello")
        #expect(c.mark == Mark(line: 3, column: 6))
    }

    @Test func keepsEveryDocumentOfAStream() {
        let stream = YAMLParser.parse("kind: A\n---\nkind: B\n---\nkind: C\n")
        #expect(stream.documents.compactMap { $0["kind"]?.string } == ["A", "B", "C"])
    }

    @Test func keepsDocumentsBeforeASyntaxErrorAndLocatesIt() throws {
        let stream = YAMLParser.parse("kind: A\n---\nkey: [unclosed\nother: 1\n")
        #expect(stream.documents.count == 1)
        let error = try #require(stream.error)
        #expect(error.mark.line >= 3)
    }

    @Test func expandsAliasesAndMergeKeys() throws {
        let text = """
        base: &base
          image: vllm/vllm-openai:v0.6.3
          env: prod
        svc:
          <<: *base
          env: dev
        """
        let root = try #require(YAMLParser.parse(text).documents.first)
        #expect(root["svc"]?["image"]?.string == "vllm/vllm-openai:v0.6.3")
        #expect(root["svc"]?["env"]?.string == "dev")
    }

    @Test func stopsAliasBombs() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let stream = YAMLParser.parse(text)
        let error = try #require(stream.error)
        #expect(error.message.contains("alias expansion"))
    }

    @Test func stopsDeepNesting() throws {
        let text = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let stream = YAMLParser.parse(text, limits: YAMLLimits(maxDepth: 100))
        let error = try #require(stream.error)
        #expect(error.message.contains("nesting"))
    }

    @Test func readsScalarsByType() throws {
        let root = try #require(YAMLParser.parse("n: 42\nb: true\nq: \"true\"\nz: ~\n").documents.first)
        #expect(root["n"]?.int == 42)
        #expect(root["b"]?.bool == true)
        #expect(root["q"]?.bool == nil)
        #expect(root["z"]?.isNull == true)
    }
}

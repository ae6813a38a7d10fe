import ModelwardenYAML
import Testing

/// The tree builder keeps the entries of open collections in one buffer and moves each collection's run out when it
/// closes; the trees must have the shape of the text, whatever the nesting, the widths (empty, small, wider than the
/// buffer's first size) and the aliases.
@Suite struct YAMLTreeShapeTests {
    indirect enum Shape {
        case scalar(String)
        case list([Shape])
        case map([(String, Shape)])
    }

    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }

        mutating func shape(depth: Int) -> Shape {
            let words = ["a", "model-7b", "", "x y", "é", "日本", "🦙", "true", "1.5", "null"]
            if depth == 0 || next(3) == 0 { return .scalar(words[next(words.count)]) }
            // Mostly small collections, sometimes wide ones near the leaves (more entries than the pending buffer first
            // holds, under open collections that hold entries too).
            let width = depth <= 2 && next(8) == 0 ? 60 + next(120) : next(7)
            if next(2) == 0 { return .list((0..<width).map { _ in shape(depth: depth - 1) }) }
            return .map((0..<width).map { ("k\($0)", shape(depth: depth - 1)) })
        }
    }

    /// The shape as flow YAML (JSON): every scalar double-quoted.
    static func text(_ shape: Shape) -> String {
        switch shape {
        case .scalar(let word): return "\"\(word)\""
        case .list(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .map(let pairs): return "{" + pairs.map { "\"\($0.0)\": " + text($0.1) }.joined(separator: ", ") + "}"
        }
    }

    static func describe(_ shape: Shape) -> String {
        switch shape {
        case .scalar(let word): return "'\(word)'"
        case .list(let items): return "[" + items.map(describe).joined(separator: ",") + "]"
        case .map(let pairs): return "{" + pairs.map { "'\($0.0)':" + describe($0.1) }.joined(separator: ",") + "}"
        }
    }

    static func describe(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let word, _): return "'\(word)'"
        case .sequence(let items): return "[" + items.map(describe).joined(separator: ",") + "]"
        case .mapping(let pairs): return "{" + pairs.map { describe($0.key) + ":" + describe($0.value) }.joined(separator: ",") + "}"
        }
    }

    @Test("generated documents parse to their own shape, aliases expanded", arguments: 0..<40)
    func treesHaveTheShapeOfTheText(seed: Int) throws {
        var generator = Generator(state: UInt64(seed) &* 2_654_435_761 &+ 7)
        let shapes = (0..<(1 + generator.next(3))).map { _ in (generator.shape(depth: 6), generator.shape(depth: 3)) }
        // Each document anchors a shape, uses it twice by alias beside a second shape, and ends with an empty list.
        let stream = shapes.map { first, second in
            "{\"anchored\": &base " + Self.text(first) + ", \"other\": " + Self.text(second) + ", \"again\": [*base, *base], \"empty\": []}"
        }.joined(separator: "\n---\n")
        let parsed = YAMLParser.parse(stream)
        #expect(parsed.error == nil)
        try #require(parsed.documents.count == shapes.count)
        for (document, (first, second)) in zip(parsed.documents, shapes) {
            let expected = "{'anchored':\(Self.describe(first)),'other':\(Self.describe(second)),'again':[\(Self.describe(first)),\(Self.describe(first))],'empty':[]}"
            #expect(Self.describe(document) == expected)
        }
    }

    @Test func aBrokenStreamKeepsTheDocumentsBeforeIt() {
        let wide = "[" + (0..<200).map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let parsed = YAMLParser.parse("{\"a\": \(wide)}\n---\n{\"b\": [[1, 2], {\"c\": [3\n")
        #expect(parsed.error != nil)
        #expect(parsed.documents.count == 1)
        #expect(parsed.documents.first?["a"]?.sequence?.count == 200)
    }
}

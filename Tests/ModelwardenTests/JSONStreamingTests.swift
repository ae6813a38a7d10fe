import Foundation
import ModelwardenReports
import Testing

/// Large arrays are written in chunks on all cores and handed on in pieces; the text must be what one pass writes.
@Suite struct JSONStreamingTests {
    /// A report-shaped value: a long array of objects, each with a short nested array, plus small members around it.
    static func document(items: Int) -> JSONValue {
        .object([
            ("schemaVersion", .int(1)),
            ("usages", .array((0..<items).map { index in
                .object([
                    ("file", .string("deploy/app-\(index).yaml")),
                    ("line", .int(index % 97)),
                    ("model", index % 5 == 0 ? .null : .string("meta-llama/Llama-3.1-\(index)B \"quoted\"\n")),
                    ("obligations", .array((0..<(index % 4)).map { .string("obligation \($0)") })),
                    ("pinned", .bool(index % 2 == 0)),
                ])
            })),
            ("summary", .object([("files", .int(items)), ("empty", .array([])), ("nothing", .object([]))])),
        ])
    }

    @Test("streamed pieces join to the one-pass text, and it parses back to the same values", arguments: [0, 1, 1_999, 2_000, 4_321])
    func streamedEqualsWhole(items: Int) throws {
        let value = Self.document(items: items)
        var pieces: [String] = []
        value.serialize { pieces.append($0) }
        let whole = value.serialized()
        #expect(pieces.joined() == whole)
        if items >= 4_000 { #expect(pieces.count > 3, "a large array is handed on in several pieces") }
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(whole.utf8)) as? [String: Any])
        let usages = try #require(parsed["usages"] as? [[String: Any]])
        #expect(usages.count == items)
        for (index, usage) in usages.enumerated() {
            #expect(usage["file"] as? String == "deploy/app-\(index).yaml")
            #expect((usage["obligations"] as? [String])?.count == index % 4)
            if index % 5 != 0 { #expect(usage["model"] as? String == "meta-llama/Llama-3.1-\(index)B \"quoted\"\n") }
        }
        #expect(value.serialized(indent: nil).components(separatedBy: "\n").count == 1)
    }

    @Test func compactAndIndentedTextsHoldTheSameValues() throws {
        let value = Self.document(items: 2_500)
        let indented = try JSONSerialization.jsonObject(with: Data(value.serialized().utf8)) as? NSDictionary
        let compact = try JSONSerialization.jsonObject(with: Data(value.serialized(indent: nil).utf8)) as? NSDictionary
        #expect(indented != nil && indented == compact)
    }

    @Test("an array made item by item as it is written reads as the array itself", arguments: [0, 3, 2_000, 4_321])
    func lazyArrayEqualsArray(items: Int) {
        let document = Self.document(items: items)
        guard case .object(let pairs) = document, case .array(let usages) = pairs[1].1 else {
            Issue.record("unexpected document shape")
            return
        }
        var lazyPairs = pairs
        lazyPairs[1].1 = .lazyArray(count: usages.count) { usages[$0] }
        let lazy = JSONValue.object(lazyPairs)
        #expect(lazy.serialized() == document.serialized())
        #expect(lazy.serialized(indent: nil) == document.serialized(indent: nil))
    }
}

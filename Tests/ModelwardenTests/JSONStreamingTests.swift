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

    /// What the writer must produce, written the plain way: one recursive pass over Strings and Unicode scalars.
    static func reference(_ value: JSONValue, indent: Int?, level: Int = 0) -> String {
        let newline = indent == nil ? "" : "\n"
        func pad(_ level: Int) -> String { String(repeating: " ", count: (indent ?? 0) * level) }
        func items(_ values: [JSONValue]) -> String {
            if values.isEmpty { return "[]" }
            let lines = values.map { pad(level + 1) + reference($0, indent: indent, level: level + 1) }
            return "[" + newline + lines.joined(separator: "," + newline) + newline + pad(level) + "]"
        }
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .string(let text): return quoted(text)
        case .array(let values): return items(values)
        case .lazyArray(let count, let item): return items((0..<count).map(item))
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            let separator = indent == nil ? ":" : ": "
            let lines = pairs.map { pad(level + 1) + quoted($0.0) + separator + reference($0.1, indent: indent, level: level + 1) }
            return "{" + newline + lines.joined(separator: "," + newline) + newline + pad(level) + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Generated strings with every kind of character the writer treats apart: quotes, backslashes, control
    /// characters, and non-ASCII text of two, three and four bytes.
    static func generatedText(_ index: Int) -> String {
        let pieces = ["plain", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "日本", "🦙", "/", " ", "model-\(index)"]
        var state = UInt64(truncatingIfNeeded: index &* 2_654_435_761 &+ 12_345)
        var text = ""
        for _ in 0..<(index % 9) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text += pieces[Int(state >> 33) % pieces.count]
        }
        return text
    }

    @Test("the written text equals a plain recursive writer's, around the size where arrays are written in chunks",
          arguments: [0, 1, 31, 255, 256, 257, 1_000, 2_001, 4_321])
    func writtenEqualsReference(items: Int) {
        let strings = (0..<items).map(Self.generatedText)
        let value = JSONValue.object([
            ("count", .int(items)),
            ("usages", .lazyArray(count: items) { index in
                .object([
                    ("text", .string(strings[index])),
                    (strings[(index + 1) % max(items, 1)].isEmpty ? "k" : "key \(index % 3)", .int(-index)),
                    ("nested", .array((0..<(index % 3)).map { .string(Self.generatedText(index + $0)) })),
                    ("flag", index % 4 == 0 ? .null : .bool(index % 2 == 0)),
                ])
            }),
            ("tail", .string(Self.generatedText(items))),
        ])
        for indent in [2, nil] as [Int?] {
            let expected = Self.reference(value, indent: indent)
            var pieces: [String] = []
            value.serialize(indent: indent) { pieces.append($0) }
            #expect(pieces.joined() == expected)
            #expect(value.serialized(indent: indent) == expected)
        }
    }
}

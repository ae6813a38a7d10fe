import Foundation
import ModelwardenFuzzing
import Testing

/// Inputs the fuzzers crashed on, replayed through the same entry points (`Fuzz/run.sh`), plus edge cases each
/// entry point must survive. An input is kept as its bytes, base64 where it is not text.
@Suite struct FuzzRegressionTests {
    /// (target, input) pairs: the crashes found, then hand-made edges.
    static let inputs: [(target: String, bytes: [UInt8])] = [
        ("yaml", []), ("yaml", Array("&a [*a]".utf8)), ("yaml", Array("? ? ? ? x".utf8)), ("yaml", [0xFF, 0xFE, 0x00]),
        ("jsonc", Array("/*".utf8)), ("jsonc", Array("'\\".utf8)), ("jsonc", Array("\"\\".utf8)), ("jsonc", Array("//\r\n,]".utf8)),
        ("env", Array("=\n\u{0}=\nexport\nA='".utf8)), ("modelfile", Array("FROM\nFROM \"\nADAPTER".utf8)),
        ("policy", [0]), ("policy", [6] + Array("rules: {a: {}}\nignore: [\"[\"]".utf8)),
        ("scanners", [9] + Array("kind: List\nitems: [[], {kind: List, items: 1}]".utf8)),
    ]

    @Test func everyEntryPointSurvivesItsInputs() {
        for (target, bytes) in Self.inputs {
            let entry = FuzzEntryPoints.all[target]
            #expect(entry != nil, "no fuzz entry point \(target)")
            entry?(bytes)
        }
    }

    @Test("every scanner slot reads an empty and a broken input")
    func everyScannerSlot() {
        for selector in UInt8(0)..<UInt8(16) {
            FuzzEntryPoints.scanners([selector])
            FuzzEntryPoints.scanners([selector] + Array("a: [\n- {{ x }}\n\u{1}".utf8))
        }
    }
}

import Foundation
import ModelwardenCore
import Testing

/// The byte search behind `includes` and `byteOffset` anchors memchr on a pattern's rarest byte; it must find what
/// Foundation's search finds, at the same place, wherever the anchor lies in the pattern.
@Suite struct StringSearchTests {
    @Test func agreesWithFoundationOnGeneratedTexts() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("eeeaS:mcp_/ \nZ9é")
        for _ in 0..<4000 {
            let haystack = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let needle = String((0..<Int.random(in: 1...5, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let expected = haystack.range(of: needle).map { haystack.utf8.distance(from: haystack.startIndex, to: $0.lowerBound) }
            #expect(haystack.byteOffset(of: needle) == expected, "\(needle) in \(haystack)")
            #expect(haystack.includes(needle) == (expected != nil), "\(needle) in \(haystack)")
            let substring = haystack.dropFirst(min(2, haystack.count))
            #expect(substring.includes(needle) == (substring.range(of: needle) != nil), "\(needle) in \(substring)")
        }
        #expect("".includes("") && "abc".includes("") && !"".includes("a"))
        #expect("kind: ConfigMap\nmcpServers:".byteOffset(of: "mcpServers") == 16)
    }
}

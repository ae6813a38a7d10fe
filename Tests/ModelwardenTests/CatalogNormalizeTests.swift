@testable import ModelwardenCore
import Testing

/// `Catalog.normalize` rewrites ASCII references on their bytes; the answer must be the Character-wise one.
@Suite struct CatalogNormalizeTests {
    @Test func bytesAnswerAsCharactersDo() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["gpt", "_", " ", "-", "4o", "Qwen", "/", ":", ".", "\r\n", "\t", "é", "e\u{301}", "_\u{301}", " \u{308}", "ß", "x"]
        for _ in 0..<4000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Catalog.dashingSeparators(text) == Catalog.dashingSeparatorsByCharacter(text), "\(text)")
        }
        #expect(Catalog.normalize(" hf://Meta_Llama 3 ") == "meta-llama-3")
    }
}

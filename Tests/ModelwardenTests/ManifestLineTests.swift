@testable import ModelwardenManifests
import Testing

/// `ManifestFile.line` finds lines with memchr in native text; it must answer as the walk over the text's indices does.
@Suite struct ManifestLineTests {
    @Test func memchrAnswersAsTheIndexWalkDoes() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "key: value", "\n", "\n\n", "\r\n", "é", "  - x", ""]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let file = ManifestFile(path: "f.yaml", absolutePath: "/f.yaml", text: text)
            for number in 0...10 {
                #expect(file.line(number) == file.lineByIndex(number), "line \(number) of \(text.debugDescription)")
            }
        }
        #expect(ManifestFile(path: "f", absolutePath: "/f", text: "a\nbc\n").line(2) == "bc")
        #expect(ManifestFile(path: "f", absolutePath: "/f", text: "a\nbc\n").line(3) == "")
        #expect(ManifestFile(path: "f", absolutePath: "/f", text: "a\nbc\n").line(4) == nil)
    }
}

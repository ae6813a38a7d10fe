@testable import ModelwardenCore
import Testing

/// Finding fingerprints are written as hex straight into a string (`Finding.hexPrefix`); they must read exactly as the
/// per-byte `String(radix:)` formatting that stored baselines and databases were written with.
@Suite struct FingerprintHexTests {
    @Test func hexEqualsRadixFormatting() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let count = Int.random(in: 0...32, using: &generator)
            let expected = bytes.prefix(count).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
            #expect(Finding.hexPrefix(bytes, bytes: count) == expected)
        }
        #expect(Finding.fingerprint(rule: "r", file: "f", deployment: nil, model: nil).utf8.count == 24)
    }
}

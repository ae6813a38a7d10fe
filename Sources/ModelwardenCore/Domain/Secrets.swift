import Foundation

/// Recognises secrets so that no value of one is ever stored, printed or exported.
public enum Secrets {
    public static let redacted = "<redacted>"

    /// Variable names whose values are secrets: `*_API_KEY`, `*_TOKEN`, `*_SECRET`, passwords.
    public static func isSecretName(_ name: String) -> Bool {
        // Every variable of every file asks this: ASCII names are searched on their bytes, with no uppercased copy.
        var name = name
        if let asciiAnswer = name.withUTF8(asciiIsSecretName) { return asciiAnswer }
        return generalIsSecretName(name)
    }

    static let secretNameWords = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE"]
    static let secretNameWordBytes: [[UInt8]] = secretNameWords.map { Array($0.utf8) }

    /// `isSecretName` for any name: its uppercased form holds one of the words.
    static func generalIsSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretNameWords.contains { upper.includes($0) }
    }

    /// `isSecretName` for an ASCII name (nil for any other): one pass over the bytes, each word compared (ASCII
    /// letters uppercased) only where a byte could start it.
    static func asciiIsSecretName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in bytes where byte >= 0x80 { return nil }
        func matches(_ word: [UInt8], at start: Int) -> Bool {
            guard start + word.count <= bytes.count else { return false }
            for offset in 1..<word.count {
                let byte = bytes[start + offset]
                if (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) != word[offset] { return false }
            }
            return true
        }
        for start in bytes.indices {
            let byte = bytes[start]
            let upper = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
            guard upper == UInt8(ascii: "K") || upper == UInt8(ascii: "T") || upper == UInt8(ascii: "S") || upper == UInt8(ascii: "P")
                    || upper == UInt8(ascii: "C") else { continue }
            for word in secretNameWordBytes where word[0] == upper && matches(word, at: start) { return true }
        }
        return false
    }

    /// The prefixes `looksLikeKey` knows, made once (every value written to a report is asked).
    static let keyPrefixes = ["sk-", "sk_", "AIza", "hf_", "nvapi-", "AKIA", "ASIA", "ghp_", "gsk_", "xai-", "pk-", "rk-"]

    /// Key-shaped strings: `sk-...`, `sk-ant-...`, `AIza...`, `hf_...`, `nvapi-...`, AWS access keys.
    public static func looksLikeKey(_ value: String) -> Bool {
        let text = value.trimmed
        guard keyPrefixes.contains(where: { text.hasPrefix($0) }) else { return false }
        return text.count >= 8 && !text.includes(" ")
    }

    /// The text itself, `<redacted>` when it looks like a key, or with the secrets inside it cut out (`SecretScrubber`).
    public static func redact(_ value: String) -> String {
        looksLikeKey(value) ? redacted : SecretScrubber.scrub(value)
    }
}


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

    /// `isSecretName` for an ASCII name (nil for any other): each word searched with ASCII letters compared uppercased.
    static func asciiIsSecretName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in bytes where byte >= 0x80 { return nil }
        for word in secretNameWordBytes where bytes.count >= word.count {
            var start = 0
            while start + word.count <= bytes.count {
                var offset = 0
                while offset < word.count {
                    let byte = bytes[start + offset]
                    let upper = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                    if upper != word[offset] { break }
                    offset += 1
                }
                if offset == word.count { return true }
                start += 1
            }
        }
        return false
    }

    /// Key-shaped strings: `sk-...`, `sk-ant-...`, `AIza...`, `hf_...`, `nvapi-...`, AWS access keys.
    public static func looksLikeKey(_ value: String) -> Bool {
        let text = value.trimmed
        let prefixes = ["sk-", "sk_", "AIza", "hf_", "nvapi-", "AKIA", "ASIA", "ghp_", "gsk_", "xai-", "pk-", "rk-"]
        guard prefixes.contains(where: { text.hasPrefix($0) }) else { return false }
        return text.count >= 8 && !text.includes(" ")
    }

    /// The text itself, `<redacted>` when it looks like a key, or with the secrets inside it cut out (`SecretScrubber`).
    public static func redact(_ value: String) -> String {
        looksLikeKey(value) ? redacted : SecretScrubber.scrub(value)
    }
}


import Foundation

/// Recognises secrets so that no value of one is ever stored, printed or exported.
public enum Secrets {
    public static let redacted = "<redacted>"

    /// Variable names whose values are secrets: `*_API_KEY`, `*_TOKEN`, `*_SECRET`, passwords.
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE"].contains { upper.includes($0) }
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


#if canImport(Glibc)
import Glibc
#endif

/// Finds secrets inside any text read from a manifest and replaces them, keeping what detection needs around them
/// (the host of a URL, the variable name of an assignment, the model string beside a key). One pass, applied to
/// every value before it is kept anywhere: the shapes are key prefixes, URL userinfo, JWTs, PEM blocks, and the
/// values assigned to names that say key, token, secret, password or credential.
public enum SecretScrubber {
    /// Prefixes of provider keys and tokens (OpenAI, Anthropic, Google, AWS, Hugging Face, Slack, GitHub, GitLab, ...).
    static let keyPrefixes = ["sk-", "sk_", "AIza", "hf_", "nvapi-", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
                              "github_pat_", "gsk_", "xai-", "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-", "glpat-",
                              "pplx-", "r8_", "pk-", "rk-"]
    /// What a URL's password becomes: the user and the host stay, so the endpoint is still recognised.
    public static let maskedPassword = "***"
    /// Words in a variable or key name that make its value a secret.
    static let secretWords: Set<String> = ["key", "apikey", "token", "secret", "password", "passwd", "pwd", "pass", "passphrase",
                                           "credential", "credentials", "privatekey", "accesskey", "secretkey"]

    /// The text with every secret it contains replaced.
    public static func scrub(_ text: String) -> String {
        guard text.utf8.count >= 8, !ScrubPrecheck.isPlainlyClean(text) else { return text }
        return scrubScalars(text)
    }

    /// The scalar passes of `scrub`, without its byte-wise precheck.
    static func scrubScalars(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var changed = false
        changed = replacePEMBlocks(&scalars) || changed
        changed = maskURLUserinfo(&scalars) || changed
        changed = replaceTokens(&scalars) || changed
        if mayAssignSecret(text) { changed = replaceAssignedSecrets(&scalars) || changed }
        guard changed else { return text }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// Cheap test before the assignment search: a secret word, or an authorization scheme, somewhere in the text.
    static func mayAssignSecret(_ text: String) -> Bool {
        let lower = text.lowercased()
        return ["key", "token", "secret", "pass", "pwd", "credential", "bearer", "basic"].contains { lower.includes($0) }
    }

    /// A variable's value: all of it when the name says secret (a literal, not a reference), else what `scrub` leaves.
    public static func scrub(value: String, named name: String) -> String {
        if Secrets.isSecretName(name) || namesSecret(name), isLiteralSecret(value) { return Secrets.redacted }
        return scrub(value)
    }

    /// Whether a name says its value is a secret, word by word (`OPENAI_API_KEY`, `dbPassword`, `hf-token`), so that
    /// `tokenizer` or `max_tokens` are not.
    public static func namesSecret(_ name: String) -> Bool {
        var name = name
        // Every variable of every file asks this: ASCII names are split and compared on their bytes, with no word kept.
        if let asciiAnswer = name.withUTF8(asciiNamesSecret) { return asciiAnswer }
        return words(of: name).contains { secretWords.contains($0) }
    }

    static let secretWordBytes: [[UInt8]] = secretWords.map { Array($0.utf8) }

    /// `namesSecret` for an ASCII name (nil for any other): the split of `words(of:)`, each word compared in place.
    static func asciiNamesSecret(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in bytes where byte >= 0x80 { return nil }
        var previousLower = false
        // The current word is bytes[start..<end] (letters and digits only, so nothing is skipped inside it).
        var start = 0, end = 0
        func wordIsSecret() -> Bool {
            end > start && secretWordBytes.contains { word in
                word.count == end - start && word.indices.allSatisfy { offset in
                    let byte = bytes[start + offset]
                    return (byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) == word[offset]
                }
            }
        }
        for (index, byte) in bytes.enumerated() {
            let isLower = byte >= 0x61 && byte <= 0x7A, isUpper = byte >= 0x41 && byte <= 0x5A, isDigit = byte >= 0x30 && byte <= 0x39
            if !(isLower || isUpper || isDigit) || (isUpper && previousLower) {
                if wordIsSecret() { return true }
                start = index
                end = index
            }
            if isLower || isUpper || isDigit {
                if end == start { start = index }
                end = index + 1
            }
            previousLower = isLower
        }
        return wordIsSecret()
    }

    /// Values that cannot be a secret even under a secret name: references to one, numbers, booleans, nothing.
    public static func isLiteralSecret(_ value: String) -> Bool {
        let text = value.trimmed
        if text.isEmpty || text == Secrets.redacted { return false }
        if text.hasPrefix("${") || text.hasPrefix("$(") || text.hasPrefix("os.environ/") || text.hasPrefix("{{") || text.hasPrefix("$") { return false }
        if text.allSatisfy({ $0.isNumber || $0 == "." }) { return false }
        return !["true", "false", "yes", "no", "on", "off", "null", "none", "~"].contains(text.lowercased())
    }

    /// `OPENAI_API_KEY` -> [openai, api, key]; `dbPassword` -> [db, password]. Every variable of every file passes
    /// here, so ASCII names (nearly all) are split on their bytes; Character properties cost a Unicode table lookup each.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var previousLower = false
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in name.utf8 {
            if byte >= 0x80 { return unicodeWords(of: name) }
            let isLower = byte >= 0x61 && byte <= 0x7A, isUpper = byte >= 0x41 && byte <= 0x5A, isDigit = byte >= 0x30 && byte <= 0x39
            if !(isLower || isUpper || isDigit) {
                flush()
                previousLower = false
                continue
            }
            if isUpper && previousLower { flush() }
            current.append(isUpper ? byte + 0x20 : byte)
            previousLower = isLower
        }
        flush()
        return words
    }

    /// The same split for names with letters beyond ASCII.
    static func unicodeWords(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in name {
            if !(character.isLetter || character.isNumber) {
                if !current.isEmpty { words.append(current.lowercased()) }
                current = ""
                previousLower = false
                continue
            }
            if character.isUppercase && previousLower && !current.isEmpty {
                words.append(current.lowercased())
                current = ""
            }
            current.append(character)
            previousLower = character.isLowercase
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }
}

/// Nearly every value a scan keeps holds no secret; this answers that for ASCII text on its bytes, so that the scalar
/// passes of `SecretScrubber.scrub` run only where one of their shapes can start. It may say "not clean" wrongly,
/// never "clean" wrongly: every shape the passes act on needs one of the marks it looks for (a URL's userinfo both).
enum ScrubPrecheck {
    /// What the assignment pass (`mayAssignSecret`) and the PEM pass need, lower-cased.
    static let marks: [[UInt8]] = (["key", "token", "secret", "pass", "pwd", "credential", "bearer", "basic", "-----begin"])
        .map { Array($0.utf8) }
    /// The URL pass needs both: userinfo sits between `://` and an `@`. Most URLs have no `@`.
    static let urlMarks: [[UInt8]] = ["://", "@"].map { Array($0.utf8) }
    /// What the token pass needs at the start of a word: a key prefix or a JWT's `eyJ`.
    static let tokenStarts: [[UInt8]] = (SecretScrubber.keyPrefixes + ["eyJ"]).map { Array($0.utf8) }
    /// Whether a byte starts some token shape, by byte value: asked at every word start of every value.
    static let startsSomeToken: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for start in tokenStarts { if let first = start.first { table[Int(first)] = true } }
        return table
    }()

    static func isPlainlyClean(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(isPlainlyClean) ?? false
    }

    /// Whether a lower-cased byte starts some mark, by byte value.
    static let startsSomeMark: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for mark in marks { if let first = mark.first { table[Int(first)] = true } }
        return table
    }()

    /// One pass over the bytes: token starts and marks are compared where a byte can start one (lower-casing on the
    /// way), and the URL marks are noted. Every value of every file passes here, most of them short: eleven searches
    /// with memchr cost more than the pass. Answers as `isPlainlyCleanBySearching` does.
    static func isPlainlyClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previousIsWord = false, sawScheme = false, sawAt = false
        for offset in 0..<bytes.count {
            let byte = bytes[offset]
            guard let (isUpper, isWord) = asciiClass(byte) else { return false }
            if !previousIsWord, startsSomeToken[Int(byte)], startsToken(bytes, at: offset) { return false }
            if startsSomeMark[Int(isUpper ? byte | 0x20 : byte)], startsMark(bytes, at: offset) { return false }
            if byte == UInt8(ascii: "@") {
                sawAt = true
            } else if byte == UInt8(ascii: ":"), offset + 2 < bytes.count, bytes[offset + 1] == UInt8(ascii: "/"), bytes[offset + 2] == UInt8(ascii: "/") {
                sawScheme = true
            }
            previousIsWord = isWord
        }
        return !(sawAt && sawScheme)
    }

    /// An ASCII byte's case and whether it is a word character; nil beyond ASCII, where letters have Unicode case and
    /// word rules and the scalar passes decide.
    private static func asciiClass(_ byte: UInt8) -> (isUpper: Bool, isWord: Bool)? {
        guard byte < 0x80 else { return nil }
        let isUpper = byte >= 0x41 && byte <= 0x5A
        return (isUpper, isUpper || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F)
    }

    private static func startsMark(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        marks.contains { mark in
            offset + mark.count <= bytes.count && mark.indices.allSatisfy { index in
                let byte = bytes[offset + index]
                return (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == mark[index]
            }
        }
    }

    /// The precheck as the lower-cased text searched for each mark: what `isPlainlyClean` must answer.
    static func isPlainlyCleanBySearching(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { lowered in
            var previousIsWord = false
            for offset in 0..<bytes.count {
                let byte = bytes[offset]
                guard let (isUpper, isWord) = asciiClass(byte) else { return false }
                if !previousIsWord, startsSomeToken[Int(byte)], startsToken(bytes, at: offset) { return false }
                lowered[offset] = isUpper ? byte | 0x20 : byte
                previousIsWord = isWord
            }
            let haystack = UnsafeBufferPointer(rebasing: lowered[0..<bytes.count])
            let holds = { (mark: [UInt8]) in mark.withUnsafeBufferPointer { ByteSearch.offset(of: $0, in: haystack) != nil } }
            return !marks.contains(where: holds) && !urlMarks.allSatisfy(holds)
        }
    }

    private static func startsToken(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        tokenStarts.contains { start in
            offset + start.count <= bytes.count && start.indices.allSatisfy { bytes[offset + $0] == start[$0] }
        }
    }
}

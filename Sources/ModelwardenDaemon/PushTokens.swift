import Crypto
import Foundation
import Synchronization

/// Who may push scans to `POST /v1/sources/{source}/scans`, and for which sources: the push token file
/// (`push_tokens:` or `--push-tokens FILE`), one token a line, optionally followed by a source glob that limits it:
///
///     # token                              sources it may push
///     3f9c2a7e4b1d8f60c5a9e2d7b4f1a8c3      ci-*
///     9a1b7c3d5e2f4a6b8c0d1e3f5a7b9c2d
///
/// A token is at least 16 characters without spaces; a line without a glob allows every source. Only SHA-256
/// digests are kept, and a presented token is compared with all of them, so the timing says nothing about any.
public final class PushTokens: Sendable {
    struct Entry: Sendable {
        /// The token's SHA-256.
        var digest: [UInt8]
        /// nil: every source.
        var pattern: String?
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// No token or not one of the file's.
        case unknownToken
        /// A known token whose glob does not match the source.
        case sourceNotAllowed(pattern: String)
    }

    public let file: String?
    private let entries = Mutex<[Entry]>([])

    /// Reads the file; a missing, unreadable or malformed one is an error the caller reports. nil: push is off.
    public init(file: String?) throws {
        self.file = file
        if let problem = reload() { throw DaemonFailure(problem) }
    }

    /// Tokens given directly, for tests: (token, glob).
    public init(tokens: [(String, String?)]) {
        file = nil
        let parsed = tokens.map { Entry(digest: Self.digest($0.0), pattern: $0.1) }
        entries.withLock { $0 = parsed }
    }

    /// Whether the daemon takes pushes at all.
    public var isEnabled: Bool { file != nil || entries.withLock { !$0.isEmpty } }

    public var count: Int { entries.withLock { $0.count } }

    /// Reads the file again (on SIGHUP); returns the problem, if any, and keeps the previous tokens then.
    @discardableResult
    public func reload() -> String? {
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else { return "cannot read the push token file \(file)" }
        switch Self.parse(String(decoding: data, as: UTF8.self), file: file) {
        case .success(let parsed):
            entries.withLock { $0 = parsed }
            return nil
        case .failure(let failure):
            return failure.description
        }
    }

    /// The lines of a push token file; a problem names the file and line, never the token.
    static func parse(_ text: String, file: String) -> Result<[Entry], DaemonFailure> {
        var parsed: [Entry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if content.isEmpty || content.hasPrefix("#") { continue }
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count <= 2 else {
                return .failure(DaemonFailure("\(file):\(index + 1): expected a token and at most one source glob"))
            }
            guard fields[0].count >= 16 else {
                return .failure(DaemonFailure("\(file):\(index + 1): the token is shorter than 16 characters"))
            }
            parsed.append(Entry(digest: digest(String(fields[0])), pattern: fields.count == 2 ? String(fields[1]) : nil))
        }
        guard !parsed.isEmpty else { return .failure(DaemonFailure("\(file): no push token in the file")) }
        return .success(parsed)
    }

    static func digest(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    /// Every byte compared, without stopping at the first difference: the time says nothing of how much matched.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether `token` may push a scan of `source`.
    public func decide(token: String, source: String) -> Decision {
        let candidate = Self.digest(token)
        var match: Entry?
        // Every entry is compared, in constant time each, whether or not one already matched.
        for entry in entries.withLock({ $0 }) where Self.same(entry.digest, candidate) && match == nil { match = entry }
        guard let match else { return .unknownToken }
        guard let pattern = match.pattern else { return .allowed }
        return fnmatch(pattern, source, 0) == 0 ? .allowed : .sourceNotAllowed(pattern: pattern)
    }
}

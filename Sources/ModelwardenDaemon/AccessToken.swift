import Crypto
import Foundation
import Synchronization

/// The API's bearer token, read from a file and compared in constant time.
public final class AccessToken: Sendable {
    public let file: String?
    private let digest = Mutex<SHA256.Digest?>(nil)

    /// Reads the token file; a missing, unreadable or empty file is an error the caller reports.
    public init(file: String?) throws {
        self.file = file
        if let problem = reload() { throw DaemonFailure(problem) }
    }

    /// A token given directly, for tests.
    public init(token: String) {
        file = nil
        digest.withLock { $0 = SHA256.hash(data: Data(token.utf8)) }
    }

    public var isRequired: Bool { digest.withLock { $0 != nil } }

    /// Reads the file again (on SIGHUP); returns the problem, if any, and keeps the previous token then.
    @discardableResult
    public func reload() -> String? {
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else { return "cannot read the token file \(file)" }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else { return "the token in \(file) is shorter than 16 characters" }
        digest.withLock { $0 = SHA256.hash(data: Data(token.utf8)) }
        return nil
    }

    /// Compares digests, whose equality swift-crypto checks in constant time, so neither the token's content nor its
    /// length shows in the timing.
    public func accepts(_ presented: String) -> Bool {
        let candidate = SHA256.hash(data: Data(presented.utf8))
        guard let stored = digest.withLock({ $0 }) else { return true }
        return stored == candidate
    }
}

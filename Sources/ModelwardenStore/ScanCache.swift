import ModelwardenManifests
import Synchronization

/// Decoded file scans kept in memory between the scans of one long-running process (the daemon), so a rescan after
/// one file changed does not decode every other file's cached scan from the database again. Entries are keyed by
/// path and valid only for the content hash they were made from.
public final class ScanCache: Sendable {
    private let entries = Mutex<[String: (sha256: String, scan: FileScan)]>([:])

    public init() {}

    public var count: Int { entries.withLock { $0.count } }

    /// The scans of `paths` whose content hash is still the one given.
    func scans(for paths: Set<String>, hashes: (String) -> String?) -> [String: FileScan] {
        entries.withLock { entries in
            var found: [String: FileScan] = [:]
            for path in paths {
                if let entry = entries[path], entry.sha256 == hashes(path) { found[path] = entry.scan }
            }
            return found
        }
    }

    /// What a committed scan saw: every present file, nothing else.
    func replace(with scans: [(path: String, sha256: String, scan: FileScan)]) {
        var fresh: [String: (sha256: String, scan: FileScan)] = [:]
        fresh.reserveCapacity(scans.count)
        for item in scans { fresh[item.path] = (item.sha256, item.scan) }
        entries.withLock { $0 = fresh }
    }
}

import ModelwardenManifests
import Synchronization

/// Decoded file scans kept in memory between the scans of one long-running process (the daemon), so a rescan after
/// one file changed does not decode every other file's cached scan from the database again, nor read the file again.
/// Entries are keyed by path and valid only for the content hash they were made from. The process's `AuditMemo`
/// lives here too: the cross-file results of the last audit, reused where the files they read did not change.
public final class ScanCache: Sendable {
    struct Entry: Sendable {
        var sha256: String
        var scan: FileScan
        /// The file as the auditor saw it (its text locates tokens), nil when it could not be read as text.
        var file: ManifestFile?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let last = Mutex<LastScan?>(nil)
    private let partialScans = Mutex(0)

    /// How many scans of this process read only the files the watcher named (`Recorder.scan(paths:changed:)`).
    public var changedFilesScans: Int { partialScans.withLock { $0 } }

    func countChangedFilesScan() { partialScans.withLock { $0 += 1 } }
    /// The cross-file stage's results from the last audit of this process.
    public let memo = AuditMemo()
    /// The labels' JSON and redacted model names of the last recording.
    public let texts = RecordingTexts()

    public init() {}

    public var count: Int { entries.withLock { $0.count } }

    /// The entries of `paths` whose content hash is still the one given.
    func scans(for paths: Set<String>, hashes: (String) -> String?) -> [String: Entry] {
        entries.withLock { entries in
            var found: [String: Entry] = [:]
            for path in paths {
                if let entry = entries[path], entry.sha256 == hashes(path) { found[path] = entry }
            }
            return found
        }
    }

    /// What this process recorded last (`Recorder.scan(paths:changed:)` starts from it).
    var lastScan: LastScan? {
        get { last.withLock { $0 } }
        set { last.withLock { $0 = newValue } }
    }

    /// The last state, which the caller now owns (its arrays are changed in place, not copied); a scan that fails
    /// leaves none, and the next scan walks.
    func takeLastScan() -> LastScan? {
        last.withLock { last in
            defer { last = nil }
            return last
        }
    }

    func entry(for path: String) -> Entry? {
        entries.withLock { $0[path] }
    }

    /// After a committed scan of changed files: their new entries, and none for the removed ones.
    func update(changed: [(path: String, entry: Entry)], removed: [String]) {
        entries.withLock { entries in
            for item in changed { entries[item.path] = item.entry }
            for path in removed { entries[path] = nil }
        }
    }

    /// What a committed scan saw: every present file, nothing else.
    func replace(with scans: [(path: String, entry: Entry)]) {
        var fresh: [String: Entry] = [:]
        fresh.reserveCapacity(scans.count)
        for item in scans { fresh[item.path] = item.entry }
        entries.withLock { $0 = fresh }
    }
}

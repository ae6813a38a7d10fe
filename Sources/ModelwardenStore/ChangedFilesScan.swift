import Foundation
import ModelwardenCore
import ModelwardenManifests

/// What a long-running process recorded last for one source: the files it saw in walk order, the audit, and the id
/// of the scan that recorded them. A scan of a few changed files (the daemon's watcher names them) starts from it.
struct LastScan: Sendable {
    var source: String
    var roots: [String]
    var policyDigest: String
    var day: PolicyDate
    var scanID: Int64
    /// Every file of the scan as the store records it (no cached scan), in walk order.
    var files: [ScanRecording.File]
    var result: AuditResult
    var diagnostics: [Diagnostic]
}

extension Recorder {
    /// Scans after the watcher saw `changed` files change (nil: it cannot say which, so walk): only those files are
    /// judged, read and audited again when the last recorded state of this process still stands and each of them
    /// keeps to itself (`Auditor.patch`); otherwise a full scan.
    public func scan(paths: [String], changed: Set<String>?, now: Date = Date()) async throws -> ScanSummary {
        if let changed, let summary = try await scanChanged(changed, paths: paths, now: now) {
            cache?.countChangedFilesScan()
            return summary
        }
        return try await scan(paths: paths, now: now)
    }

    /// The changed files' scans, or nil when only a walk and a full audit can tell.
    private func scanChanged(_ changed: Set<String>, paths: [String], now: Date) async throws -> ScanSummary? {
        var clock = PhaseClock()
        let roots = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let source = sourceName(roots: roots)
        guard userToolFolders.isEmpty, let cache, let last = cache.lastScan, last.source == source, last.roots == roots,
              last.policyDigest == auditor.policy.digest, last.day == auditor.today,
              try await store.lastScanID(source: source) == last.scanID else { return nil }
        guard let read = readChanged(changed, paths: paths, roots: roots, last: last, cache: cache) else { return nil }
        logger?.debug("changed files read", metadata: ["changed": "\(changed.count)", "scanned": "\(read.changes.count)", "ms": "\(clock.lap())"])
        let started = Self.timestamp(now)
        if read.changes.isEmpty && read.entries.isEmpty && read.removed.isEmpty {
            let summary = try await store.recordUnchanged(UnchangedScan(source: source, previousScanID: last.scanID, startedAt: started,
                                                                        finishedAt: Self.timestamp(Date()), seenAt: started, files: read.files.count))
            var next = last
            next.scanID = summary.scanID
            next.files = read.files
            cache.lastScan = next
            return summary
        }
        guard let patched = auditor.patch(last.result, estate: read.estate, changes: read.changes) else { return nil }
        let result = patched.result
        logger?.debug("changed files audited", metadata: ["usages": "\(result.usages.count)", "ms": "\(clock.lap())"])
        let recording = store.recordsScopedScans
            ? scopedRecording(patched, read: read, source: source, roots: roots, previousPolicyDigest: last.policyDigest, startedAt: started)
            : ScanRecording(source: source, result: result, files: read.recorded, removedFiles: read.removed, roots: roots, policy: auditor.policy,
                            previousPolicyDigest: last.policyDigest, startedAt: started, finishedAt: Self.timestamp(Date()), seenAt: started,
                            texts: cache.texts)
        logger?.debug("recording built", metadata: ["ms": "\(clock.lap())"])
        let summary = try await store.record(recording)
        logger?.debug("recorded", metadata: ["events": "\(summary.events)", "ms": "\(clock.lap())"])
        cache.update(changed: read.entries, removed: read.removed)
        cache.lastScan = LastScan(source: source, roots: roots, policyDigest: auditor.policy.digest, day: auditor.today, scanID: summary.scanID,
                                  files: read.files, result: result, diagnostics: last.diagnostics)
        return summary
    }

    /// The changed files' rows only, with the counts of the whole source.
    private func scopedRecording(_ patched: Auditor.Patched, read: ChangedFiles, source: String, roots: [String], previousPolicyDigest: String,
                                 startedAt: String) -> ScanRecording {
        let changedPaths = Set(read.entries.map(\.path))
        var recording = ScanRecording(source: source, result: patched.changedParts, files: read.recorded.filter { changedPaths.contains($0.absolutePath) },
                                      removedFiles: read.removed, roots: roots, policy: auditor.policy, previousPolicyDigest: previousPolicyDigest,
                                      startedAt: startedAt, finishedAt: Self.timestamp(Date()), seenAt: startedAt)
        let whole = patched.result
        recording.scope = ScanRecording.Scope(files: Set(read.changes.map(\.path)), fileCount: read.files.count,
                                              filesParsed: read.recorded.count { $0.parsed })
        recording.deploymentsFound = whole.deployments.count
        recording.usagesFound = whole.usages.count
        recording.openFindings = whole.findings.count { $0.status == .open }
        recording.waivedFindings = whole.findings.count { $0.status == .waived }
        recording.diagnostics = whole.diagnostics
        return recording
    }

    struct ChangedFiles {
        var changes: [Auditor.FileChange] = []
        /// Every file now, in walk order (changed ones in place, new ones last), as the store records them.
        var files: [ScanRecording.File] = []
        /// The same, with the scans of the files parsed now.
        var recorded: [ScanRecording.File] = []
        var estate: [(ManifestFile?, FileScan)] = []
        var removed: [String] = []
        var entries: [(path: String, entry: ScanCache.Entry)] = []
    }

    /// Judges, reads and scans each changed file; nil when one of them needs a walk (a link, a new folder, a file
    /// outside the roots, an ignore file) or its earlier scan is not in memory.
    private func readChanged(_ changed: Set<String>, paths: [String], roots: [String], last: LastScan, cache: ScanCache) -> ChangedFiles? {
        var read = ChangedFiles()
        var files = last.files
        var position: [String: Int] = [:]
        for (index, file) in files.enumerated() { position[file.absolutePath] = index }
        var parsed: [String: ScanRecording.File] = [:]
        var fresh: [String: ScanCache.Entry] = [:]
        for path in changed.sorted() {
            guard let rootIndex = roots.firstIndex(where: { path.hasPrefix(($0 == "/" ? "" : $0) + "/") }) else { return nil }
            let relativeRoot = paths.count > 1 ? Discovery.standardized(paths[rootIndex]) : ""
            let known = position[path].map { files[$0] }
            switch auditor.judge(file: path, root: roots[rootIndex], relativeRoot: relativeRoot) {
            case .unsure:
                return nil
            case .notRead:
                guard let known else { continue }
                guard let before = cache.entry(for: known.absolutePath) else { return nil }
                read.removed.append(path)
                read.changes.append(Auditor.FileChange(path: known.path, before: before.scan, after: nil))
            case .candidate(let candidate):
                var info = stat()
                guard stat(path, &info) == 0 else { return nil }
                let size = Int64(info.st_size), mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                if let known, known.size == size, known.mtime == mtime, known.path == candidate.path { continue }
                let before = known.flatMap { cache.entry(for: $0.absolutePath) }
                if known != nil && before == nil { return nil }
                let window = GGUFScanner.claims(candidate.path) ? GGUFHeader.window : nil
                let data = (try? ContainedRead.read(candidate, limit: auditor.limits.maxFileBytes, window: window).get())?.data
                let sha = Self.sha256(data ?? Data())
                let (file, scan) = auditor.read(candidate, preloaded: data)
                let record = ScanRecording.File(path: candidate.path, absolutePath: path, size: size, mtime: mtime, sha256: sha, parsed: false,
                                                cache: nil)
                if let index = position[path] { files[index] = record } else {
                    position[path] = files.count
                    files.append(record)
                }
                fresh[path] = ScanCache.Entry(sha256: sha, scan: scan, file: file)
                // Touched, not changed: its record moves on, its part of the audit stays.
                if let before, before.sha256 == sha, known?.path == candidate.path { continue }
                parsed[path] = ScanRecording.File(path: candidate.path, absolutePath: path, size: size, mtime: mtime, sha256: sha, parsed: true,
                                                  cache: (try? JSONEncoder().encode(scan)) ?? Data())
                if let known, known.path != candidate.path { return nil }
                read.changes.append(Auditor.FileChange(path: candidate.path, before: before?.scan, after: (file, scan)))
            }
        }
        let removed = Set(read.removed)
        files.removeAll { removed.contains($0.absolutePath) }
        read.files = files
        read.recorded = files.map { parsed[$0.absolutePath] ?? $0 }
        read.entries = fresh.map { ($0.key, $0.value) }
        for file in files {
            guard let entry = fresh[file.absolutePath] ?? cache.entry(for: file.absolutePath) else { return nil }
            read.estate.append((entry.file, entry.scan))
        }
        return read
    }
}

import Foundation
import ModelwardenCore
import ModelwardenManifests

/// What a long-running process recorded last for one source: the files it saw in walk order with their scans, the
/// audit, and the id of the scan that recorded them. A scan of a few changed files (the daemon's watcher names them)
/// starts from it and changes it in place: its arrays are never copied whole.
struct LastScan: Sendable {
    var source: String
    var roots: [String]
    var policyDigest: String
    var day: PolicyDate
    var scanID: Int64
    /// Every file of the scan as the store records it (no cached scan), in walk order.
    var files: [ScanRecording.File]
    /// Each file's text and scan, in the same order.
    var estate: [(ManifestFile?, FileScan)]
    /// Each file's place in `files`, by absolute path.
    var position: [String: Int]
    /// What the files give each other, for `Auditor.patch`.
    var index: EstateIndex
    var result: AuditResult

    init(source: String, roots: [String], policyDigest: String, day: PolicyDate, scanID: Int64, files: [ScanRecording.File],
         estate: [(ManifestFile?, FileScan)], index: EstateIndex, result: AuditResult) {
        (self.source, self.roots, self.policyDigest, self.day, self.scanID) = (source, roots, policyDigest, day, scanID)
        (self.files, self.estate, self.index, self.result) = (files, estate, index, result)
        position = Self.positions(files)
    }

    /// Each file's place in `files`, by absolute path.
    static func positions(_ files: [ScanRecording.File]) -> [String: Int] {
        Dictionary(files.enumerated().map { ($0.element.absolutePath, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }
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

    /// The changed files' scans, or nil when only a walk and a full audit can tell. The last state is taken from the
    /// cache for the scan: when the scan cannot be done this way or fails, the next one walks and builds it again.
    private func scanChanged(_ changed: Set<String>, paths: [String], now: Date) async throws -> ScanSummary? {
        var clock = PhaseClock()
        let roots = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let source = sourceName(roots: roots)
        guard userToolFolders.isEmpty, let cache, var last = cache.takeLastScan() else { return nil }
        guard last.source == source, last.roots == roots, last.policyDigest == auditor.policy.digest, last.day == auditor.today,
              try await store.lastScanID(source: source) == last.scanID else { return nil }
        guard let read = readChanged(changed, paths: paths, roots: roots, into: &last, cache: cache) else { return nil }
        logger?.debug("changed files read", metadata: ["changed": "\(changed.count)", "scanned": "\(read.changes.count)", "ms": "\(clock.lap())"])
        let started = Self.timestamp(now)
        if read.changes.isEmpty && read.written.isEmpty && read.removed.isEmpty {
            let summary = try await store.recordUnchanged(UnchangedScan(source: source, previousScanID: last.scanID, startedAt: started,
                                                                        finishedAt: Self.timestamp(Date()), seenAt: started, files: last.files.count))
            last.scanID = summary.scanID
            cache.lastScan = last
            return summary
        }
        last.index.apply(read.changes)
        guard let changedParts = auditor.patch(&last.result, index: last.index, fileCount: last.files.count, changes: read.changes) else { return nil }
        logger?.debug("changed files audited", metadata: ["usages": "\(last.result.usages.count)", "ms": "\(clock.lap())"])
        let recording = store.recordsScopedScans
            ? scopedRecording(whole: last.result, changedParts: changedParts, read: read, fileCount: last.files.count, source: source,
                              roots: roots, previousPolicyDigest: last.policyDigest, startedAt: started)
            : ScanRecording(source: source, result: last.result, files: last.files.map { read.written[$0.absolutePath] ?? $0 },
                            removedFiles: read.removed, roots: roots, policy: auditor.policy, previousPolicyDigest: last.policyDigest,
                            startedAt: started, finishedAt: Self.timestamp(Date()), seenAt: started, texts: cache.texts)
        logger?.debug("recording built", metadata: ["ms": "\(clock.lap())"])
        var summary = try await store.record(recording)
        summary.patched = true
        logger?.debug("recorded", metadata: ["events": "\(summary.events)", "ms": "\(clock.lap())"])
        cache.update(changed: read.entries, removed: read.removed)
        last.scanID = summary.scanID
        cache.lastScan = last
        return summary
    }

    /// The changed files' rows only, with the counts of the whole source.
    private func scopedRecording(whole: AuditResult, changedParts: AuditResult, read: ChangedFiles, fileCount: Int, source: String,
                                 roots: [String], previousPolicyDigest: String, startedAt: String) -> ScanRecording {
        let written = read.written.values.sorted { $0.absolutePath < $1.absolutePath }
        var recording = ScanRecording(source: source, result: changedParts, files: written, removedFiles: read.removed, roots: roots,
                                      policy: auditor.policy, previousPolicyDigest: previousPolicyDigest, startedAt: startedAt,
                                      finishedAt: Self.timestamp(Date()), seenAt: startedAt)
        recording.scope = ScanRecording.Scope(files: Set(read.changes.map(\.path)), fileCount: fileCount, filesParsed: written.count { $0.parsed })
        recording.deploymentsFound = whole.deployments.count
        recording.usagesFound = whole.usages.count
        // Through the buffer: a closure over the array's elements would copy each of 10,000 findings.
        (recording.openFindings, recording.waivedFindings) = whole.findings.withUnsafeBufferPointer { findings in
            (findings.indices.count { findings[$0].status == .open }, findings.indices.count { findings[$0].status == .waived })
        }
        recording.diagnostics = whole.diagnostics
        recording.estate = EstateRecord(index: .delta(EstateIndex.delta(read.changes)), parts: PartCounts.byFile(changedParts),
                                        files: Set(read.changes.map(\.path)))
        return recording
    }

    struct ChangedFiles {
        var changes: [Auditor.FileChange] = []
        /// The files whose record changes, as the store writes them (with their scans when parsed now).
        var written: [String: ScanRecording.File] = [:]
        var removed: [String] = []
        var entries: [(path: String, entry: ScanCache.Entry)] = []
    }

    /// Judges, reads and scans each changed file and brings `last`'s files and scans up to date (changed ones in
    /// place, new ones last); nil when one of them needs a walk (a link, a new folder, a file outside the roots, an
    /// ignore file) or its earlier scan is not in memory.
    private func readChanged(_ changed: Set<String>, paths: [String], roots: [String], into last: inout LastScan, cache: ScanCache) -> ChangedFiles? {
        var read = ChangedFiles()
        for path in changed.sorted() {
            guard let rootIndex = roots.firstIndex(where: { path.hasPrefix(($0 == "/" ? "" : $0) + "/") }) else { return nil }
            let relativeRoot = paths.count > 1 ? Discovery.standardized(paths[rootIndex]) : ""
            let index = last.position[path]
            switch auditor.judge(file: path, root: roots[rootIndex], relativeRoot: relativeRoot) {
            case .unsure:
                return nil
            case .notRead:
                guard let index else { continue }
                read.removed.append(path)
                read.changes.append(Auditor.FileChange(path: last.files[index].path, before: last.estate[index].1, after: nil))
            case .candidate(let candidate):
                guard let scanned = readOne(candidate, known: index.map { last.files[$0] }) else { return nil }
                guard let (record, entry) = scanned else { continue }
                if let index {
                    let before = last.estate[index].1
                    let unchanged = last.files[index].sha256 == record.sha256
                    last.files[index] = record
                    last.estate[index] = (entry.file, entry.scan)
                    read.entries.append((path, entry))
                    // Touched, not changed: its record moves on, its part of the audit stays.
                    if unchanged {
                        read.written[path] = record
                        continue
                    }
                    read.changes.append(Auditor.FileChange(path: candidate.path, before: before, after: (entry.file, entry.scan)))
                } else {
                    last.position[path] = last.files.count
                    last.files.append(record)
                    last.estate.append((entry.file, entry.scan))
                    read.entries.append((path, entry))
                    read.changes.append(Auditor.FileChange(path: candidate.path, before: nil, after: (entry.file, entry.scan)))
                }
                var parsed = record
                parsed.parsed = true
                parsed.cache = (try? JSONEncoder().encode(entry.scan)) ?? Data()
                read.written[path] = parsed
            }
        }
        if !read.removed.isEmpty { remove(Set(read.removed), from: &last) }
        return read
    }

    /// One candidate read and scanned: nil when only a walk can tell (it moved to another relative path), nil inside
    /// when its size and mtime say it did not change.
    private func readOne(_ candidate: Discovery.Candidate, known: ScanRecording.File?) -> (ScanRecording.File, ScanCache.Entry)?? {
        let seen = Self.seen(candidate)
        guard seen.size >= 0, known == nil || known?.path == candidate.path else { return nil }
        let (size, mtime) = (seen.size, seen.mtime)
        if let known, known.size == size, known.mtime == mtime { return .some(nil) }
        let window = GGUFScanner.claims(candidate.path) ? GGUFHeader.window : nil
        let data = (try? ContainedRead.read(candidate, limit: auditor.limits.maxFileBytes, window: window).get())?.data
        let sha = Self.sha256(data ?? Data())
        let (file, scan) = auditor.read(candidate, preloaded: data)
        let record = ScanRecording.File(path: candidate.path, absolutePath: candidate.absolutePath, size: size, mtime: mtime, sha256: sha,
                                        parsed: false, cache: nil)
        return (record, ScanCache.Entry(sha256: sha, scan: scan, file: file))
    }

    /// Drops removed files from the walk-order state (rare: the positions are rebuilt).
    private func remove(_ removed: Set<String>, from last: inout LastScan) {
        var kept: [Int] = []
        for (index, file) in last.files.enumerated() where !removed.contains(file.absolutePath) { kept.append(index) }
        last.files = kept.map { last.files[$0] }
        last.estate = kept.map { last.estate[$0] }
        last.position = LastScan.positions(last.files)
    }
}

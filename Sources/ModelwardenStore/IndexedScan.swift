import Foundation
import ModelwardenCore
import ModelwardenManifests

extension Recorder {
    /// The largest share of a source's files a scan patches; above it a full audit costs about as much.
    static let patchedShare = 0.2

    /// A scan of the files that changed since the source's last scan, in a process that holds nothing of it (a
    /// `scan --db` on every commit): when the store kept that scan's estate record and each changed file keeps to
    /// itself (`Auditor.changedParts`), only the changed files are read, audited and rewritten, from the index counts
    /// and part counts they need. Nil: audit in full.
    func scanChangedByIndex(_ seen: [Seen], unchangedPaths: Set<String>, removed: [String], state: SourceState, source: String,
                            roots: [String], startedAt: String) async throws -> ScanSummary? {
        var clock = PhaseClock()
        let changedSeen = seen.filter { !unchangedPaths.contains($0.candidate.absolutePath) }
        guard store.recordsScopedScans, let lastScanID = state.lastScanID,
              Double(changedSeen.count + removed.count) <= Double(seen.count) * Self.patchedShare,
              changedSeen.allSatisfy({ $0.contents == nil && !$0.userScope }) else { return nil }
        guard let before = try await knownScans(of: changedSeen, removed: removed, state: state, source: source) else {
            return declined("a changed file's cached scan is missing")
        }
        let auditor = self.auditor
        let cached = before.mapValues { ScanCache.Entry(sha256: "", scan: $0.scan, file: nil) }
        let read = ParallelMap.map(changedSeen) { item in
            Self.readOne(item, known: state.files, unchangedPaths: [], cached: cached, auditor: auditor)
        }
        guard let (changes, written) = Self.changes(read, removed: removed, before: before) else { return declined("a file moved") }
        logger?.debug("changed files read", metadata: ["changed": "\(changedSeen.count)", "removed": "\(removed.count)", "ms": "\(clock.lap())"])
        let files = Set(changes.map(\.path))
        let plan = auditor.plan(changes)
        guard let basis = try await store.estateBasis(source: source, keys: plan.indexKeys, files: files), basis.scanID == lastScanID else {
            return declined("the store kept no index of the last scan")
        }
        // Only the number of the last scan's diagnostics is kept, not the list a scan reports.
        guard basis.diagnostics == 0 else { return declined("the last scan reported diagnostics") }
        var index = EstateIndex(counts: basis.counts)
        index.apply(changes)
        guard let parts = auditor.changedParts(index: index, plan: plan), parts.diagnostics.isEmpty else {
            return declined("a changed file gives or reads something across files")
        }
        logger?.debug("changed files audited", metadata: ["usages": "\(parts.usages.count)", "ms": "\(clock.lap())"])
        let fresh = PartCounts.byFile(parts)
        var recording = ScanRecording(source: source, result: parts, files: written, removedFiles: removed, roots: roots, policy: auditor.policy,
                                      previousPolicyDigest: state.lastPolicyDigest, startedAt: startedAt, finishedAt: Self.timestamp(Date()),
                                      seenAt: startedAt)
        recording.scope = ScanRecording.Scope(files: files, fileCount: seen.count, filesParsed: written.count { $0.parsed })
        let totals = Self.totals(basis, replacing: files, with: fresh)
        (recording.deploymentsFound, recording.usagesFound) = (totals.deployments, totals.usages)
        (recording.openFindings, recording.waivedFindings) = (totals.openFindings, totals.waivedFindings)
        recording.diagnostics = []
        recording.estate = EstateRecord(index: .delta(EstateIndex.delta(changes)), parts: fresh, files: files)
        var summary = try await store.record(recording)
        logger?.debug("recorded", metadata: ["events": "\(summary.events)", "ms": "\(clock.lap())"])
        summary.patched = true
        return summary
    }

    private func declined(_ why: String) -> ScanSummary? {
        logger?.debug("not patched: \(why)")
        return nil
    }

    /// The cached scans of the changed files the store knows and of the removed ones; nil when one is missing or no
    /// longer decodes (then only a full scan reads it again).
    private func knownScans(of changed: [Seen], removed: [String], state: SourceState, source: String) async throws
        -> [String: (path: String, scan: FileScan)]? {
        let paths = Set(changed.map(\.candidate.absolutePath).filter { state.files[$0] != nil } + removed)
        let known = try await store.knownScans(source: source, paths: paths)
        guard known.count == paths.count else { return nil }
        let decoded = ParallelMap.map(Array(known)) { path, entry in (path, entry.path, try? JSONDecoder().decode(FileScan.self, from: entry.scan)) }
        var scans: [String: (path: String, scan: FileScan)] = [:]
        for (absolutePath, path, scan) in decoded {
            guard let scan else { return nil }
            scans[absolutePath] = (path, scan)
        }
        return scans
    }

    /// Each file whose content changed as a change of the audit, and every changed file's row as the store writes it
    /// (a file touched but not changed keeps its cached scan). Nil when a known file has another relative path now.
    private static func changes(_ read: [(file: ManifestFile?, scan: FileScan, sha: String, parsed: Bool, seen: Seen)], removed: [String],
                                before: [String: (path: String, scan: FileScan)]) -> ([Auditor.FileChange], [ScanRecording.File])? {
        var changes: [Auditor.FileChange] = []
        var written: [ScanRecording.File] = []
        let encoder = JSONEncoder()
        for item in read {
            let candidate = item.seen.candidate
            if let known = before[candidate.absolutePath], known.path != candidate.path { return nil }
            var record = ScanRecording.File(path: candidate.path, absolutePath: candidate.absolutePath, size: item.seen.size, mtime: item.seen.mtime,
                                            sha256: item.sha, parsed: item.parsed, cache: nil)
            if item.parsed {
                record.cache = (try? encoder.encode(item.scan)) ?? Data()
                changes.append(Auditor.FileChange(path: candidate.path, before: before[candidate.absolutePath]?.scan, after: (item.file, item.scan)))
            }
            written.append(record)
        }
        for path in removed {
            guard let known = before[path] else { return nil }
            changes.append(Auditor.FileChange(path: known.path, before: known.scan, after: nil))
        }
        return (changes, written)
    }

    /// The last scan's totals with the changed files' parts replaced by their fresh ones.
    private static func totals(_ basis: EstateBasis, replacing files: Set<String>, with fresh: [String: PartCounts]) -> PartCounts {
        var totals = basis.totals
        for file in files {
            let old = basis.parts[file] ?? PartCounts(), new = fresh[file] ?? PartCounts()
            totals.deployments += new.deployments - old.deployments
            totals.usages += new.usages - old.usages
            totals.openFindings += new.openFindings - old.openFindings
            totals.waivedFindings += new.waivedFindings - old.waivedFindings
        }
        return totals
    }
}

import Crypto
import Dispatch
import Foundation
import Logging
import ModelwardenCore
import ModelwardenManifests

/// What one recorded scan did.
public struct ScanSummary: Sendable {
    public var scanID: Int64
    /// `complete`, or `unchanged` when no file and no policy changed since the last scan.
    public var status: String
    public var files: Int
    public var filesParsed: Int
    public var deployments: Int
    public var usages: Int
    public var openFindings: Int
    public var waivedFindings: Int
    public var events: Int
    public var diagnostics: [Diagnostic]
    /// The source the scan belongs to.
    public var source: String
    /// Only the changed files were audited again; the rest of the last scan's audit stood (`Auditor.changedParts`).
    public var patched = false
}

public enum RecorderError: Error, CustomStringConvertible {
    case invalidSource(String)

    public var description: String {
        switch self {
        case .invalidSource(let problem): return problem
        }
    }
}

/// Runs blocking work (parsing, SQLite) on a Dispatch thread, off the cooperative pool, and resumes with its value.
public enum Offload {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// Scans, evaluates and records, one transaction per scan: a scan killed midway leaves the previous one intact.
/// Files whose size and mtime (or, failing that, SHA-256) are unchanged are not parsed again: their scan is cached.
/// Every scan belongs to a source and replaces that source's state only.
public struct Recorder: Sendable {
    public let store: any AuditStore
    public let auditor: Auditor
    /// The source this recorder records; nil: the host name and the scanned roots (`SourceName.defaultName`).
    public let source: String?
    /// Decoded scans from earlier scans of this process, when it keeps them.
    public let cache: ScanCache?
    /// Folders whose MCP client files are read for servers only, with scope `user` (the daemon's `user_tool_configs:`).
    public let userToolFolders: [String]
    /// Where each phase's time goes at debug level (the daemon's log); nil: nowhere.
    public let logger: Logger?

    public init(store: any AuditStore, auditor: Auditor, source: String? = nil, cache: ScanCache? = nil, userToolFolders: [String] = [],
                logger: Logger? = nil) {
        self.logger = logger
        self.store = store
        self.auditor = auditor
        self.source = source
        self.cache = cache
        self.userToolFolders = userToolFolders
    }

    public init(database: AuditDatabase, auditor: Auditor, source: String? = nil, cache: ScanCache? = nil) {
        self.init(store: database, auditor: auditor, source: source, cache: cache)
    }

    struct Seen: Sendable {
        var candidate: Discovery.Candidate
        var size: Int64
        var mtime: Double
        /// The bytes and their SHA-256 of a file that exists only in memory (standard input); nil for files on disk.
        var contents: (data: Data, sha256: String)? = nil
        /// A user's MCP client file (`UserToolConfigs`): only its servers are kept.
        var userScope = false
    }

    /// The source name a scan of these roots records under.
    public func sourceName(roots: [String]) -> String {
        source ?? SourceName.defaultName(roots: roots)
    }

    public func scan(paths: [String], now: Date = Date()) async throws -> ScanSummary {
        var clock = PhaseClock()
        let roots = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        // The store reads the source's state on its own thread while this one walks.
        let store = self.store, source = sourceName(roots: roots)
        let state = Task { try await store.sourceState(source) }
        let discovered = auditor.discover(paths)
        let (candidates, discoveryDiagnostics) = (discovered.candidates, discovered.diagnostics)
        // Users' client files beside the walk; one that a watched folder holds already is read as the repository's.
        let user = UserToolConfigs.candidates(in: userToolFolders)
        let walked = Set(candidates.map(\.absolutePath))
        let userCandidates = user.candidates.filter { !walked.contains($0.absolutePath) }
        let seen: [Seen] = candidates.map { Self.seen($0) } + userCandidates.map { Self.seen($0, userScope: true) }
        let userRoots = userToolFolders.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        logger?.debug("files walked", metadata: ["files": "\(seen.count)", "ms": "\(clock.lap())"])
        return try await scanAndRecord(seen, roots: roots, diagnostics: discoveryDiagnostics + user.diagnostics, now: now,
                                       otherRoots: userRoots, state: state.value)
    }

    static func seen(_ candidate: Discovery.Candidate, userScope: Bool = false) -> Seen {
        if let status = candidate.status { return Seen(candidate: candidate, size: status.size, mtime: status.mtime, userScope: userScope) }
        var info = stat()
        guard stat(candidate.absolutePath, &info) == 0 else { return Seen(candidate: candidate, size: -1, mtime: -1, userScope: userScope) }
        return Seen(candidate: candidate, size: Int64(info.st_size),
                    mtime: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9, userScope: userScope)
    }

    /// Records a stream read from standard input like a folder: its root is `-`, its virtual files are `-/PATH` in the
    /// store, and a file of an earlier stream that is not in this one has disappeared. In-memory files have no mtime,
    /// so their content hash alone says whether they changed.
    public func scan(stream: StandardInputStream, now: Date = Date()) async throws -> ScanSummary {
        let root = StandardInputStream.argument
        let seen = stream.files.map { file in
            let data = Data(file.text.utf8)
            return Seen(candidate: Discovery.Candidate(path: file.path, absolutePath: root + "/" + file.path), size: Int64(data.count),
                        mtime: 0, contents: (data, Self.sha256(data)))
        }
        return try await scanAndRecord(seen, roots: [root], diagnostics: stream.diagnostics, now: now)
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Parses what changed since the source's last scan (reusing cached scans), audits, and records it all in one transaction.
    /// A known file under `roots` or `otherRoots` (the users' folders) that is not seen now has disappeared.
    private func scanAndRecord(_ seen: [Seen], roots: [String], diagnostics discoveryDiagnostics: [Diagnostic], now: Date,
                               otherRoots: [String] = [], state readState: SourceState? = nil) async throws -> ScanSummary {
        let source = sourceName(roots: roots)
        if let problem = SourceName.problem(source) { throw RecorderError.invalidSource(problem) }
        let started = Self.timestamp(now)
        var clock = PhaseClock()
        let state: SourceState
        if let readState { state = readState } else { state = try await store.sourceState(source) }
        logger?.debug("source state read", metadata: ["files": "\(state.files.count)", "ms": "\(clock.lap())"])
        let known = state.files
        // Waivers expire by the calendar: the first scan of a new day evaluates again even when no file changed.
        let evaluatedToday = state.lastEvaluatedAt.flatMap(Self.date(fromTimestamp:)).map { PolicyDate($0) == PolicyDate(now) } ?? false
        let current = Set(seen.map(\.candidate.absolutePath))
        let removed = known.keys.filter { path in
            !current.contains(path) && (roots + otherRoots).contains { path == $0 || path.hasPrefix(($0 == "/" ? "" : $0) + "/") }
        }.sorted()
        let unchanged = seen.filter { item in
            guard let row = known[item.candidate.absolutePath] else { return false }
            if let contents = item.contents { return row.sha256 == contents.sha256 }
            return row.size == item.size && row.mtime == item.mtime
        }
        let nothingChanged = unchanged.count == seen.count && removed.isEmpty && state.lastPolicyDigest == auditor.policy.digest
            && discoveryDiagnostics.isEmpty && evaluatedToday
        if nothingChanged, let previous = state.lastScanID {
            let summary = try await store.recordUnchanged(UnchangedScan(source: source, previousScanID: previous, startedAt: started,
                                                                        finishedAt: Self.timestamp(Date()), seenAt: started, files: seen.count))
            if var last = cache?.lastScan, last.scanID == previous {
                last.scanID = summary.scanID
                cache?.lastScan = last
            }
            return summary
        }

        let unchangedPaths = Set(unchanged.map(\.candidate.absolutePath))
        // A process that holds nothing of the last scan patches it from the store's index when it can.
        if cache == nil, otherRoots.isEmpty, discoveryDiagnostics.isEmpty, evaluatedToday, state.lastPolicyDigest == auditor.policy.digest,
           let summary = try await scanChangedByIndex(seen, unchangedPaths: unchangedPaths, removed: removed, state: state, source: source,
                                                      roots: roots, startedAt: started) {
            return summary
        }
        // Read what changed; reuse cached scans for the rest.
        let reusable = unchangedPaths.union(seen.filter { known[$0.candidate.absolutePath] != nil }.map(\.candidate.absolutePath))
        let inMemory = cache?.scans(for: reusable) { known[$0]?.sha256 } ?? [:]
        let blobs = try await store.cachedScans(source: source, paths: reusable.subtracting(inMemory.keys))
        logger?.debug("cached scans found", metadata: ["unchanged": "\(unchanged.count)", "in_memory": "\(inMemory.count)",
                                                       "from_store": "\(blobs.count)", "ms": "\(clock.lap())"])
        let auditor = self.auditor
        let prepared = await Offload.run {
            Self.readAndAudit(seen, known: known, unchangedPaths: unchangedPaths, inMemory: inMemory, blobs: blobs, auditor: auditor,
                              diagnostics: discoveryDiagnostics, memo: cache?.memo)
        }
        logger?.debug("files read and audited", metadata: ["usages": "\(prepared.result.usages.count)", "ms": "\(clock.lap())"])
        var recording = ScanRecording(source: source, result: prepared.result, files: prepared.files, removedFiles: removed, roots: roots,
                                      policy: auditor.policy, previousPolicyDigest: state.lastPolicyDigest, startedAt: started,
                                      finishedAt: Self.timestamp(Date()), seenAt: started, texts: cache?.texts ?? RecordingTexts())
        let index = EstateIndex(prepared.scans.map(\.scan))
        if store.recordsScopedScans { recording.estate = EstateRecord.whole(index: index, result: prepared.result) }
        logger?.debug("recording built", metadata: ["ms": "\(clock.lap())"])
        let summary = try await store.record(recording)
        logger?.debug("recorded", metadata: ["events": "\(summary.events)", "ms": "\(clock.lap())"])
        // Only what was committed: a failed write leaves the cache describing the previous scan, like the database.
        cache?.replace(with: prepared.scans.map { ($0.path, ScanCache.Entry(sha256: $0.sha256, scan: $0.scan, file: $0.file)) })
        cache?.lastScan = LastScan(source: source, roots: roots, policyDigest: auditor.policy.digest, day: auditor.today, scanID: summary.scanID,
                                   files: prepared.files.map { file in
                                       var kept = file
                                       (kept.parsed, kept.cache) = (false, nil)
                                       return kept
                                   },
                                   estate: prepared.scans.map { ($0.file, $0.scan) }, index: index, result: prepared.result)
        return summary
    }

    struct Prepared: Sendable {
        var result: AuditResult
        var files: [ScanRecording.File]
        var scans: [(path: String, sha256: String, scan: FileScan, file: ManifestFile?)]
    }

    /// Reads and scans the files that changed, takes the cached scans of the others, and audits them all.
    private static func readAndAudit(_ seen: [Seen], known: [String: SourceState.KnownFile], unchangedPaths: Set<String>,
                                     inMemory: [String: ScanCache.Entry], blobs: [String: Data], auditor: Auditor,
                                     diagnostics: [Diagnostic], memo: AuditMemo?) -> Prepared {
        let decoded = ParallelMap.map(Array(blobs)) { path, blob in (path, try? JSONDecoder().decode(FileScan.self, from: blob)) }
        var kept = inMemory
        for (path, scan) in decoded where kept[path] == nil {
            if let scan { kept[path] = ScanCache.Entry(sha256: known[path]?.sha256 ?? "", scan: scan, file: nil) }
        }
        let cached = kept
        let loaded: [(file: ManifestFile?, scan: FileScan, sha: String, parsed: Bool, seen: Seen)] = ParallelMap.map(seen) { item in
            var read = readOne(item, known: known, unchangedPaths: unchangedPaths, cached: cached, auditor: auditor)
            if item.userScope { read.scan = UserToolConfigs.serversOnly(read.scan) }
            return read
        }
        let result = auditor.audit(loaded.map { ($0.file, $0.scan) }, extraDiagnostics: diagnostics, memo: memo)
        let encoder = JSONEncoder()
        let files = loaded.map { item in
            ScanRecording.File(path: item.seen.candidate.path, absolutePath: item.seen.candidate.absolutePath, size: item.seen.size,
                               mtime: item.seen.mtime, sha256: item.sha, parsed: item.parsed,
                               cache: item.parsed ? ((try? encoder.encode(item.scan)) ?? Data()) : nil)
        }
        return Prepared(result: result, files: files, scans: loaded.map { ($0.seen.candidate.absolutePath, $0.sha, $0.scan, $0.file) })
    }

    /// One file's scan: cached when its content is unchanged, else read and scanned.
    static func readOne(_ item: Seen, known: [String: SourceState.KnownFile], unchangedPaths: Set<String>, cached: [String: ScanCache.Entry],
                                auditor: Auditor) -> (file: ManifestFile?, scan: FileScan, sha: String, parsed: Bool, seen: Seen) {
        // An unchanged file whose text this process kept is not read again.
        if unchangedPaths.contains(item.candidate.absolutePath), let entry = cached[item.candidate.absolutePath], let file = entry.file {
            return (file, entry.scan, known[item.candidate.absolutePath]!.sha256, false, item)
        }
        // Read as the auditor reads: through the opened descriptor, inside the scanned folders, within the limit.
        // A file that fails here is read again by the auditor, which reports why.
        let window = GGUFScanner.claims(item.candidate.path) ? GGUFHeader.window : nil
        let read = item.contents?.data
            ?? (try? ContainedRead.read(item.candidate, limit: auditor.limits.maxFileBytes, window: window).get())?.data
        let data = read ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        let file = ManifestFile(path: item.candidate.path, absolutePath: item.candidate.absolutePath, text: text)
        if unchangedPaths.contains(item.candidate.absolutePath), let scan = cached[item.candidate.absolutePath]?.scan {
            return (file, scan, known[item.candidate.absolutePath]!.sha256, false, item)
        }
        let sha = item.contents?.sha256 ?? Self.sha256(data)
        if let row = known[item.candidate.absolutePath], row.sha256 == sha, let scan = cached[item.candidate.absolutePath]?.scan {
            return (file, scan, sha, false, item)  // touched, not changed
        }
        if item.contents != nil {
            // Standard input was checked as a whole; its virtual files are YAML or JSON whatever their names.
            return (file, auditor.scanYAML(file), sha, true, item)
        }
        // The bytes were read once for the hash; scanning reuses them. The auditor's scans come with secrets cut out.
        let (scanned, scan) = auditor.read(item.candidate, preloaded: read)
        return (scanned, scan, sha, true, item)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func date(fromTimestamp text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

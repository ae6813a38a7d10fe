import Crypto
import Foundation
import GRDB
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
}

/// Scans, evaluates and records, one transaction per scan: a scan killed midway leaves the previous one intact.
/// Files whose size and mtime (or, failing that, SHA-256) are unchanged are not parsed again: their scan is cached.
public struct Recorder: Sendable {
    public let database: AuditDatabase
    public let auditor: Auditor
    /// Decoded scans from earlier scans of this process, when it keeps them.
    public let cache: ScanCache?

    public init(database: AuditDatabase, auditor: Auditor, cache: ScanCache? = nil) {
        self.database = database
        self.auditor = auditor
        self.cache = cache
    }

    struct FileRow {
        var id: Int64
        var size: Int64
        var mtime: Double
        var sha256: String
    }

    struct Seen {
        var candidate: Discovery.Candidate
        var size: Int64
        var mtime: Double
        /// The bytes and their SHA-256 of a file that exists only in memory (standard input); nil for files on disk.
        var contents: (data: Data, sha256: String)? = nil
    }

    public func scan(paths: [String], now: Date = Date()) throws -> ScanSummary {
        let discovered = auditor.discover(paths)
        let (candidates, discoveryDiagnostics) = (discovered.candidates, discovered.diagnostics)
        let roots = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let seen: [Seen] = candidates.map { candidate in
            var info = stat()
            guard stat(candidate.absolutePath, &info) == 0 else { return Seen(candidate: candidate, size: -1, mtime: -1) }
            return Seen(candidate: candidate, size: Int64(info.st_size),
                        mtime: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        }
        return try scanAndRecord(seen, roots: roots, diagnostics: discoveryDiagnostics, now: now)
    }

    /// Records a stream read from standard input like a folder: its root is `-`, its virtual files are `-/PATH` in the
    /// store, and a file of an earlier stream that is not in this one has disappeared. In-memory files have no mtime,
    /// so their content hash alone says whether they changed.
    public func scan(stream: StandardInputStream, now: Date = Date()) throws -> ScanSummary {
        let root = StandardInputStream.argument
        let seen = stream.files.map { file in
            let data = Data(file.text.utf8)
            return Seen(candidate: Discovery.Candidate(path: file.path, absolutePath: root + "/" + file.path), size: Int64(data.count),
                        mtime: 0, contents: (data, Self.sha256(data)))
        }
        return try scanAndRecord(seen, roots: [root], diagnostics: stream.diagnostics, now: now)
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Parses what changed since the last scan (reusing cached scans), audits, and records it all in one transaction.
    private func scanAndRecord(_ seen: [Seen], roots: [String], diagnostics discoveryDiagnostics: [Diagnostic], now: Date) throws -> ScanSummary {
        let started = Self.timestamp(now)
        let policyDigest = auditor.policy.digest

        // What the store knows, without the cached scans.
        let (known, lastDigest, lastEvaluated) = try database.writer.read { db -> ([String: FileRow], String?, String?) in
            var rows: [String: FileRow] = [:]
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, absolute_path, size, mtime, sha256 FROM file WHERE present = 1")
            while let row = try cursor.next() {
                rows[row["absolute_path"]] = FileRow(id: row["id"], size: row["size"], mtime: row["mtime"], sha256: row["sha256"])
            }
            let digest = try String.fetchOne(db, sql: "SELECT policy_digest FROM scan ORDER BY id DESC LIMIT 1")
            let evaluated = try String.fetchOne(db, sql: "SELECT started_at FROM scan WHERE status = 'complete' ORDER BY id DESC LIMIT 1")
            return (rows, digest, evaluated)
        }
        // Waivers expire by the calendar: the first scan of a new day evaluates again even when no file changed.
        let evaluatedToday = lastEvaluated.flatMap(Self.date(fromTimestamp:)).map { PolicyDate($0) == PolicyDate(now) } ?? false
        let current = Set(seen.map(\.candidate.absolutePath))
        let removed = known.keys.filter { path in !current.contains(path) && roots.contains { path == $0 || path.hasPrefix($0 + "/") } }.sorted()
        let unchanged = seen.filter { item in
            guard let row = known[item.candidate.absolutePath] else { return false }
            if let contents = item.contents { return row.sha256 == contents.sha256 }
            return row.size == item.size && row.mtime == item.mtime
        }
        let nothingChanged = unchanged.count == seen.count && removed.isEmpty && lastDigest == policyDigest && discoveryDiagnostics.isEmpty
            && evaluatedToday
        if nothingChanged, let previous = try lastScanID() {
            return try recordUnchanged(previous: previous, started: started, now: now, files: seen.count)
        }

        // Read what changed; reuse cached scans for the rest.
        let unchangedPaths = Set(unchanged.map(\.candidate.absolutePath))
        let reusable = unchangedPaths.union(seen.filter { known[$0.candidate.absolutePath] != nil }.map(\.candidate.absolutePath))
        let inMemory = cache?.scans(for: reusable) { known[$0]?.sha256 } ?? [:]
        let cached = inMemory.merging(try loadCachedScans(for: reusable.subtracting(inMemory.keys))) { memory, _ in memory }
        let auditor = self.auditor
        let loaded: [(file: ManifestFile?, scan: FileScan, sha: String, parsed: Bool, seen: Seen)] = ParallelMap.map(seen) { item in
            let read = item.contents?.data ?? FileManager.default.contents(atPath: item.candidate.absolutePath)
            let data = read ?? Data()
            let text = String(decoding: data, as: UTF8.self)
            let file = ManifestFile(path: item.candidate.path, absolutePath: item.candidate.absolutePath, text: text)
            if unchangedPaths.contains(item.candidate.absolutePath), let scan = cached[item.candidate.absolutePath] {
                return (file, scan, known[item.candidate.absolutePath]!.sha256, false, item)
            }
            let sha = item.contents?.sha256 ?? Self.sha256(data)
            if let row = known[item.candidate.absolutePath], row.sha256 == sha, let scan = cached[item.candidate.absolutePath] {
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
        let result = auditor.audit(loaded.map { ($0.file, $0.scan) }, extraDiagnostics: discoveryDiagnostics)

        let encoder = JSONEncoder()
        let caches: [String: Data] = Dictionary(uniqueKeysWithValues: loaded.filter(\.parsed).map {
            ($0.seen.candidate.absolutePath, (try? encoder.encode($0.scan)) ?? Data())
        })
        let finished = Self.timestamp(Date())
        let summary = try database.writer.write { db in
            try record(db, result: result, loaded: loaded.map { ($0.seen, $0.sha, $0.parsed) }, caches: caches, removed: removed,
                       roots: roots, policyDigest: policyDigest, previousDigest: lastDigest, started: started, finished: finished, now: now)
        }
        // Only what was committed: a failed write leaves the cache describing the previous scan, like the database.
        cache?.replace(with: loaded.map { ($0.seen.candidate.absolutePath, $0.sha, $0.scan) })
        return summary
    }

    private func lastScanID() throws -> Int64? {
        try database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM scan ORDER BY id DESC LIMIT 1") }
    }

    private func loadCachedScans(for paths: Set<String>) throws -> [String: FileScan] {
        guard !paths.isEmpty else { return [:] }
        let blobs = try database.writer.read { db -> [(String, Data)] in
            var result: [(String, Data)] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT file.absolute_path, file_cache.scan FROM file JOIN file_cache ON file_cache.file_id = file.id WHERE file.present = 1")
            while let row = try cursor.next() {
                let path: String = row["absolute_path"]
                if paths.contains(path) { result.append((path, row["scan"])) }
            }
            return result
        }
        let decoded = ParallelMap.map(blobs) { path, blob in (path, try? JSONDecoder().decode(FileScan.self, from: blob)) }
        var result: [String: FileScan] = [:]
        for (path, scan) in decoded { if let scan { result[path] = scan } }
        return result
    }

    /// Nothing changed: one row for the scan, last-seen marks moved forward.
    private func recordUnchanged(previous: Int64, started: String, now: Date, files: Int) throws -> ScanSummary {
        try database.writer.write { db in
            let last = try Row.fetchOne(db, sql: "SELECT * FROM scan WHERE id = ?", arguments: [previous])!
            try db.execute(sql: """
                INSERT INTO scan (started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages,
                                  findings_open, findings_waived, diagnostics)
                VALUES (?, ?, 'unchanged', ?, ?, ?, 0, ?, ?, ?, ?, ?)
                """, arguments: [started, Self.timestamp(Date()), last["roots"] as String, last["policy_digest"] as String, files,
                                 last["deployments"] as Int, last["usages"] as Int, last["findings_open"] as Int,
                                 last["findings_waived"] as Int, last["diagnostics"] as Int])
            let id = db.lastInsertedRowID
            let stamp = Self.timestamp(now)
            try db.execute(sql: "UPDATE deployment SET last_seen_scan_id = ? WHERE active = 1", arguments: [id])
            try db.execute(sql: "UPDATE usage SET last_seen_scan_id = ?, last_seen_at = ? WHERE active = 1", arguments: [id, stamp])
            try db.execute(sql: "UPDATE finding SET last_seen_scan_id = ?, last_seen_at = ? WHERE status != 'resolved'", arguments: [id, stamp])
            return ScanSummary(scanID: id, status: "unchanged", files: files, filesParsed: 0, deployments: last["deployments"],
                               usages: last["usages"], openFindings: last["findings_open"], waivedFindings: last["findings_waived"],
                               events: 0, diagnostics: [])
        }
    }

    // MARK: - Recording a changed scan

    private func record(_ db: Database, result: AuditResult, loaded: [(Seen, String, Bool)], caches: [String: Data], removed: [String],
                        roots: [String], policyDigest: String, previousDigest: String?, started: String, finished: String,
                        now: Date) throws -> ScanSummary {
        let stamp = Self.timestamp(now)
        let openCount = result.findings.filter { $0.status == .open }.count
        let waivedCount = result.findings.filter { $0.status == .waived }.count
        let rootsJSON = String(decoding: try JSONEncoder().encode(roots), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO scan (started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages,
                              findings_open, findings_waived, diagnostics)
            VALUES (?, ?, 'complete', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [started, finished, rootsJSON, policyDigest, loaded.count, loaded.filter(\.2).count,
                             result.deployments.count, result.usages.count, openCount, waivedCount, result.diagnostics.count])
        let scanID = db.lastInsertedRowID
        var events = 0
        func event(_ kind: String, deployment: String?, model: String?, subject: String, detail: String) throws {
            try db.cachedStatement(sql: "INSERT INTO event (scan_id, at, kind, deployment, model, subject, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [scanID, stamp, kind, deployment, model, subject, detail])
            events += 1
        }
        if let previousDigest, previousDigest != policyDigest {
            try event("policy-set-changed", deployment: nil, model: nil, subject: auditor.policy.root, detail: "\(previousDigest.prefix(12)) -> \(policyDigest.prefix(12))")
        }

        // Files.
        let upsertFile = try db.cachedStatement(sql: """
            INSERT INTO file (path, absolute_path, size, mtime, sha256, present, last_scan_id) VALUES (?, ?, ?, ?, ?, 1, ?)
            ON CONFLICT(absolute_path) DO UPDATE SET path = excluded.path, size = excluded.size, mtime = excluded.mtime,
                sha256 = excluded.sha256, present = 1, last_scan_id = excluded.last_scan_id
            RETURNING id
            """)
        let upsertCache = try db.cachedStatement(sql: "INSERT OR REPLACE INTO file_cache (file_id, scan) VALUES (?, ?)")
        for (seen, sha, _) in loaded {
            let id = try Int64.fetchOne(upsertFile, arguments: [seen.candidate.path, seen.candidate.absolutePath, seen.size, seen.mtime, sha, scanID])!
            if let cache = caches[seen.candidate.absolutePath] { try upsertCache.execute(arguments: [id, cache]) }
        }
        for path in removed {
            try db.execute(sql: "UPDATE file SET present = 0, last_scan_id = ? WHERE absolute_path = ?", arguments: [scanID, path])
        }

        // Deployments.
        var deploymentIDs: [String: Int64] = [:]
        try db.execute(sql: "UPDATE deployment SET active = 0")
        let upsertDeployment = try db.cachedStatement(sql: """
            INSERT INTO deployment (kind, namespace, name, file, labels, first_seen_scan_id, last_seen_scan_id, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT(kind, namespace, name, file) DO UPDATE SET labels = excluded.labels, last_seen_scan_id = excluded.last_seen_scan_id, active = 1
            RETURNING id
            """)
        let labelEncoder = JSONEncoder()
        labelEncoder.outputFormatting = .sortedKeys
        for deployment in result.deployments {
            let key = Self.deploymentKey(deployment.ref, file: deployment.location.file)
            guard deploymentIDs[key] == nil else { continue }
            let labels = String(decoding: try labelEncoder.encode(deployment.labels), as: UTF8.self)
            let id = try Int64.fetchOne(upsertDeployment, arguments: [deployment.ref.kind, deployment.ref.namespace ?? "", deployment.ref.name,
                                                                       deployment.location.file, labels, scanID, scanID])!
            deploymentIDs[key] = id
        }

        // Usages: appear, stay, disappear; a deployment that swaps one model for another changed model.
        var previous: [String: (id: Int64, deployment: String, model: String?)] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT usage.id, usage.key, usage.model, deployment.kind, deployment.namespace, deployment.name
            FROM usage JOIN deployment ON deployment.id = usage.deployment_id WHERE usage.active = 1
            """)
        while let row = try cursor.next() {
            let ns: String = row["namespace"]
            previous[row["key"]] = (row["id"], "\(row["kind"] as String) \(ns.isEmpty ? "" : ns + "/")\(row["name"] as String)", row["model"])
        }
        var deploymentFiles: [DeploymentRef: String] = [:]
        for deployment in result.deployments where deploymentFiles[deployment.ref] == nil { deploymentFiles[deployment.ref] = deployment.location.file }
        var appeared: [String: [String?]] = [:]
        var stillActive = Set<String>()
        let upsertUsage = try db.cachedStatement(sql: """
            INSERT INTO usage (key, deployment_id, model, vendor, family, license, hosting, runtime, api, file, line, column, evidence,
                               first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at, active)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT(key) DO UPDATE SET deployment_id = excluded.deployment_id, vendor = excluded.vendor, family = excluded.family,
                license = excluded.license, line = excluded.line, column = excluded.column, evidence = excluded.evidence,
                last_seen_scan_id = excluded.last_seen_scan_id, last_seen_at = excluded.last_seen_at, active = 1
            """)
        for resolved in result.usages {
            let usage = resolved.usage
            let key = Self.usageKey(usage)
            guard !stillActive.contains(key) else { continue }
            stillActive.insert(key)
            let deploymentKey = Self.deploymentKey(usage.deployment, file: deploymentFiles[usage.deployment] ?? usage.location.file)
            guard let deploymentID = deploymentIDs[deploymentKey] else { continue }
            let model = usage.model.map(Secrets.redact)
            try upsertUsage.execute(arguments: [
                key, deploymentID, model, resolved.vendor, resolved.family, resolved.licenseID, usage.hosting.rawValue, usage.runtime, usage.api,
                usage.location.file, usage.location.line, usage.location.column, usage.evidence, scanID, scanID, stamp, stamp,
            ])
            if previous[key] == nil {
                appeared[usage.deployment.description, default: []].append(model)
            }
        }
        var disappeared: [String: [String?]] = [:]
        for (key, old) in previous where !stillActive.contains(key) {
            try db.execute(sql: "UPDATE usage SET active = 0 WHERE id = ?", arguments: [old.id])
            disappeared[old.deployment, default: []].append(old.model)
        }
        for deployment in Set(appeared.keys).union(disappeared.keys).sorted() {
            var added = appeared[deployment] ?? []
            var gone = (disappeared[deployment] ?? []).sorted { ($0 ?? "") < ($1 ?? "") }
            while !added.isEmpty && !gone.isEmpty {
                let new = added.removeFirst(), old = gone.removeFirst()
                try event("usage-changed-model", deployment: deployment, model: new, subject: deployment, detail: "\(old ?? "(none)") -> \(new ?? "(none)")")
            }
            for model in added { try event("usage-appeared", deployment: deployment, model: model, subject: deployment, detail: model ?? "(no model named)") }
            for model in gone { try event("usage-disappeared", deployment: deployment, model: model, subject: deployment, detail: model ?? "(no model named)") }
        }

        // Findings: opened, waived, resolved, reopened.
        var known: [String: String] = [:]
        let findingCursor = try Row.fetchCursor(db, sql: "SELECT fingerprint, status FROM finding")
        while let row = try findingCursor.next() { known[row["fingerprint"]] = row["status"] }
        let upsertFinding = try db.cachedStatement(sql: """
            INSERT INTO finding (fingerprint, rule, severity, status, deployment, model, file, line, column, message, remediation, waiver,
                                 first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(fingerprint) DO UPDATE SET severity = excluded.severity, status = excluded.status, line = excluded.line,
                column = excluded.column, message = excluded.message, remediation = excluded.remediation, waiver = excluded.waiver,
                last_seen_scan_id = excluded.last_seen_scan_id, last_seen_at = excluded.last_seen_at
            """)
        var current = Set<String>()
        for finding in result.findings where current.insert(finding.fingerprint).inserted {
            let status = finding.status == .waived ? "waived" : "open"
            let deployment = finding.deployment?.description
            let model = finding.model.map(Secrets.redact)
            try upsertFinding.execute(arguments: [
                finding.fingerprint, finding.rule, finding.severity.rawValue, status, deployment, model,
                finding.location.file, finding.location.line, finding.location.column, finding.message, finding.remediation,
                finding.waiverReason, scanID, scanID, stamp, stamp,
            ])
            let before = known[finding.fingerprint]
            if before == nil || before == "resolved" {
                if finding.rule == RuleSummary.expiredWaiver.id {
                    try event("waiver-expired", deployment: nil, model: nil, subject: finding.location.description, detail: finding.message)
                } else {
                    try event(status == "waived" ? "finding-waived" : "finding-opened", deployment: deployment, model: model,
                              subject: finding.rule, detail: finding.message)
                }
            } else if before != status {
                try event(status == "waived" ? "finding-waived" : "finding-opened", deployment: deployment, model: model,
                          subject: finding.rule, detail: status == "waived" ? (finding.waiverReason ?? "waived") : "waiver no longer applies")
            }
        }
        for (fingerprint, status) in known where status != "resolved" && !current.contains(fingerprint) {
            try db.execute(sql: "UPDATE finding SET status = 'resolved', last_seen_scan_id = ? WHERE fingerprint = ?", arguments: [scanID, fingerprint])
            let row = try Row.fetchOne(db, sql: "SELECT rule, deployment, model FROM finding WHERE fingerprint = ?", arguments: [fingerprint])!
            try event("finding-resolved", deployment: row["deployment"], model: row["model"], subject: row["rule"], detail: "no longer found")
        }
        return ScanSummary(scanID: scanID, status: "complete", files: loaded.count, filesParsed: loaded.filter(\.2).count,
                           deployments: result.deployments.count, usages: result.usages.count, openFindings: openCount,
                           waivedFindings: waivedCount, events: events, diagnostics: result.diagnostics)
    }

    static func deploymentKey(_ ref: DeploymentRef, file: String) -> String {
        "\(ref.kind)|\(ref.namespace ?? "")|\(ref.name)|\(file)"
    }

    /// A usage's identity across scans: where it is and what it names, not its line.
    static func usageKey(_ usage: Usage) -> String {
        "\(usage.location.file)|\(usage.deployment.description)|\(usage.model.map(Secrets.redact) ?? "api:" + (usage.api ?? ""))|\(usage.hosting.rawValue)|\(usage.runtime ?? usage.api ?? "")"
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

import Foundation
import GRDB
import ModelwardenCore
import ModelwardenManifests

/// How many entries of an audit are located in one file: what a scan of a few changed files subtracts and adds to
/// bring the source's counts up to date without the other files' parts.
public struct PartCounts: Sendable, Equatable {
    public var deployments = 0
    public var usages = 0
    public var openFindings = 0
    public var waivedFindings = 0

    var isEmpty: Bool { self == PartCounts() }

    /// Every file's counts in an audit (files with no entry left out).
    static func byFile(_ result: AuditResult) -> [String: PartCounts] {
        var parts: [String: PartCounts] = [:]
        for deployment in result.deployments { parts[deployment.location.file, default: PartCounts()].deployments += 1 }
        for usage in result.usages { parts[usage.usage.location.file, default: PartCounts()].usages += 1 }
        // Through the buffer: a loop over the array's elements would copy each finding.
        result.findings.withUnsafeBufferPointer { findings in
            for index in findings.indices {
                switch findings[index].status {
                case .open: parts[findings[index].location.file, default: PartCounts()].openFindings += 1
                case .waived: parts[findings[index].location.file, default: PartCounts()].waivedFindings += 1
                case .baselined: break  // counted neither open nor waived, as the scan's totals count them
                }
            }
        }
        return parts
    }
}

/// What the SQLite store keeps beside a source's last scan so that the next `scan --db` can patch instead of audit:
/// the estate's index (`EstateIndex`) and each file's part counts. A recording carries all of it (a full scan) or
/// how the changed files move it (a scan of changed files); a recording without one makes the store forget it.
public struct EstateRecord: Sendable {
    public enum Index: Sendable {
        case whole([String: Int])
        case delta([String: Int])
    }

    public var index: Index
    /// The part counts of `files` (every file, for a whole record); a file missing here has none.
    public var parts: [String: PartCounts]
    /// The files whose parts this record replaces; nil: all of them.
    public var files: Set<String>?

    static func whole(index: EstateIndex, result: AuditResult) -> EstateRecord {
        EstateRecord(index: .whole(index.counts), parts: PartCounts.byFile(result), files: nil)
    }
}

/// What a scan of a few changed files starts from, as the store kept it: the counts it asked for and the last scan's
/// totals. Only for the source's last scan, when that scan kept its estate record.
public struct EstateBasis: Sendable {
    public var scanID: Int64
    public var counts: [String: Int]
    public var parts: [String: PartCounts]
    public var totals: PartCounts
    public var diagnostics: Int
}

/// A known file of a source as a patch needs it: its path as rows name it and its cached scan.
public struct KnownScan: Sendable {
    public var path: String
    public var scan: Data
}

extension AuditStore {
    /// Stores that keep no estate record have no basis: their scans audit in full.
    public func estateBasis(source: String, keys: Set<String>, files: Set<String>) async throws -> EstateBasis? { nil }

    public func knownScans(source: String, paths: Set<String>) async throws -> [String: KnownScan] { [:] }
}

extension AuditDatabase {
    public func estateBasis(source: String, keys: Set<String>, files: Set<String>) async throws -> EstateBasis? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT source.id, scan.id AS scan_id, scan.deployments, scan.usages, scan.findings_open, scan.findings_waived, scan.diagnostics
                FROM source JOIN scan ON scan.id = source.indexed_scan_id
                WHERE source.name = ? AND scan.id = (SELECT max(id) FROM scan WHERE source_id = source.id)
                """, arguments: [source]) else { return nil }
            let sourceID: Int64 = row[0]
            var counts: [String: Int] = [:]
            for found in try Row.fetchAll(db, sql: "SELECT key, count FROM estate_index WHERE source_id = ? AND key IN (SELECT value FROM json_each(?))",
                                          arguments: [sourceID, Self.jsonList(Array(keys))]) {
                counts[found[0]] = found[1]
            }
            var parts: [String: PartCounts] = [:]
            for found in try Row.fetchAll(db, sql: """
                SELECT file, deployments, usages, findings_open, findings_waived FROM audit_part
                WHERE source_id = ? AND file IN (SELECT value FROM json_each(?))
                """, arguments: [sourceID, Self.jsonList(Array(files))]) {
                parts[found[0]] = PartCounts(deployments: found[1], usages: found[2], openFindings: found[3], waivedFindings: found[4])
            }
            return EstateBasis(scanID: row["scan_id"], counts: counts, parts: parts,
                               totals: PartCounts(deployments: row["deployments"], usages: row["usages"], openFindings: row["findings_open"],
                                                  waivedFindings: row["findings_waived"]),
                               diagnostics: row["diagnostics"])
        }
    }

    public func knownScans(source: String, paths: Set<String>) async throws -> [String: KnownScan] {
        guard !paths.isEmpty else { return [:] }
        return try await writer.read { db in
            var result: [String: KnownScan] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT file.absolute_path, file.path, file_cache.scan FROM file JOIN file_cache ON file_cache.file_id = file.id
                WHERE file.source_id = (SELECT id FROM source WHERE name = ?) AND file.present = 1
                  AND file.absolute_path IN (SELECT value FROM json_each(?))
                """, arguments: [source, Self.jsonList(Array(paths))]) {
                result[row[0]] = KnownScan(path: row[1], scan: row[2])
            }
            return result
        }
    }

    /// Keeps the recording's estate record for the scan, or forgets the source's: a record that cannot be brought up to
    /// date (a delta on top of a scan that kept none) is worse than none.
    static func recordEstate(_ db: Database, _ recording: ScanRecording, sourceID: Int64, scanID: Int64, previousScanID: Int64?) throws {
        let kept = try Int64.fetchOne(db, sql: "SELECT indexed_scan_id FROM source WHERE id = ?", arguments: [sourceID])
        guard let record = recording.estate, record.files == nil || (kept != nil && kept == previousScanID) else {
            try db.execute(sql: "UPDATE source SET indexed_scan_id = NULL WHERE id = ?", arguments: [sourceID])
            return
        }
        switch record.index {
        case .whole(let counts): try replaceIndex(db, counts, sourceID: sourceID)
        case .delta(let delta): try moveIndex(db, delta, sourceID: sourceID)
        }
        try replaceParts(db, record, sourceID: sourceID)
        try db.execute(sql: "UPDATE source SET indexed_scan_id = ? WHERE id = ?", arguments: [scanID, sourceID])
    }

    /// Writes only the counts that differ from the kept ones.
    private static func replaceIndex(_ db: Database, _ counts: [String: Int], sourceID: Int64) throws {
        var stored: [String: Int] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT key, count FROM estate_index WHERE source_id = ?", arguments: [sourceID])
        while let row = try cursor.next() { stored[row[0]] = row[1] }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO estate_index (source_id, key, count) VALUES (?, ?, ?) ON CONFLICT(source_id, key) DO UPDATE SET count = excluded.count
            """)
        for (key, count) in counts where stored[key] != count { try upsert.execute(arguments: [sourceID, key, count]) }
        let delete = try db.cachedStatement(sql: "DELETE FROM estate_index WHERE source_id = ? AND key = ?")
        for key in stored.keys where counts[key] == nil { try delete.execute(arguments: [sourceID, key]) }
    }

    private static func moveIndex(_ db: Database, _ delta: [String: Int], sourceID: Int64) throws {
        let move = try db.cachedStatement(sql: """
            INSERT INTO estate_index (source_id, key, count) VALUES (?, ?, ?) ON CONFLICT(source_id, key) DO UPDATE SET count = count + excluded.count
            """)
        for (key, step) in delta { try move.execute(arguments: [sourceID, key, step]) }
        try db.execute(sql: "DELETE FROM estate_index WHERE source_id = ? AND count = 0 AND key IN (SELECT value FROM json_each(?))",
                       arguments: [sourceID, jsonList(Array(delta.keys))])
    }

    private static func replaceParts(_ db: Database, _ record: EstateRecord, sourceID: Int64) throws {
        var stored: [String: PartCounts] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT file, deployments, usages, findings_open, findings_waived FROM audit_part WHERE source_id = ?
            """ + (record.files == nil ? "" : " AND file IN (SELECT value FROM json_each(?))"),
            arguments: record.files.map { [sourceID, jsonList(Array($0))] } ?? [sourceID])
        while let row = try cursor.next() {
            stored[row[0]] = PartCounts(deployments: row[1], usages: row[2], openFindings: row[3], waivedFindings: row[4])
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO audit_part (source_id, file, deployments, usages, findings_open, findings_waived) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(source_id, file) DO UPDATE SET deployments = excluded.deployments, usages = excluded.usages,
                findings_open = excluded.findings_open, findings_waived = excluded.findings_waived
            """)
        for (file, part) in record.parts where stored[file] != part && !part.isEmpty {
            try upsert.execute(arguments: [sourceID, file, part.deployments, part.usages, part.openFindings, part.waivedFindings])
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM audit_part WHERE source_id = ? AND file = ?")
        for file in stored.keys where record.parts[file]?.isEmpty ?? true { try delete.execute(arguments: [sourceID, file]) }
    }

    /// An unchanged scan keeps the record of the scan it repeats.
    static func carryEstate(_ db: Database, sourceID: Int64, from previousScanID: Int64, to scanID: Int64) throws {
        try db.execute(sql: "UPDATE source SET indexed_scan_id = ? WHERE id = ? AND indexed_scan_id = ?", arguments: [scanID, sourceID, previousScanID])
    }
}

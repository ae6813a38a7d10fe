import Foundation
import GRDB

/// The SQLite store: a `DatabasePool` (WAL: readers never block the writer) for files, an in-memory queue for
/// tests. It owns its invariants: migrations, foreign keys, append-only events, file permissions.
public struct AuditDatabase: Sendable {
    public let writer: any DatabaseWriter
    /// The database file, or `:memory:`.
    public let path: String

    public enum OpenError: Error, CustomStringConvertible {
        case newerSchema(String)
        case unusable(String, String)

        public var description: String {
            switch self {
            case .newerSchema(let path):
                return "\(path) was written by a newer modelwarden (its schema has migrations this version does not know); upgrade modelwarden or use another --db"
            case .unusable(let path, let why):
                return "cannot use the database \(path): \(why)"
            }
        }
    }

    /// Opens (creating if needed, mode 0600 in a 0700 folder) and migrates the database at a path.
    public static func open(path: String) throws -> AuditDatabase {
        let fm = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !fm.fileExists(atPath: folder) {
            do {
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw OpenError.unusable(path, "cannot create its folder: \(error.localizedDescription)")
            }
        }
        if !fm.fileExists(atPath: path) {
            // Create it ourselves so it is private from the first byte; SQLite gives its -wal and -shm files the same mode.
            let descriptor = Foundation.open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            guard descriptor >= 0 else { throw OpenError.unusable(path, String(cString: strerror(errno))) }
            close(descriptor)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            return try AuditDatabase(writer: pool, path: path)
        } catch let error as OpenError {
            throw error
        } catch let error as DatabaseError {
            throw OpenError.unusable(path, error.message ?? "\(error.resultCode)")
        } catch {
            throw OpenError.unusable(path, "\(error)")
        }
    }

    /// An in-memory database, for tests.
    public static func inMemory() throws -> AuditDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        return try AuditDatabase(writer: DatabaseQueue(configuration: configuration), path: ":memory:")
    }

    init(writer: any DatabaseWriter, path: String) throws {
        self.writer = writer
        self.path = path
        let migrator = Schema.migrator
        let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded { throw OpenError.newerSchema(path) }
        try migrator.migrate(writer)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}

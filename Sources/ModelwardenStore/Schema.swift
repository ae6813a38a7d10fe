import Foundation
import GRDB

/// The store's migrations. Registered once and never edited: a change is a new migration.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE scan (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('complete', 'unchanged')),
                    roots TEXT NOT NULL,
                    policy_digest TEXT NOT NULL,
                    files INTEGER NOT NULL,
                    files_parsed INTEGER NOT NULL,
                    deployments INTEGER NOT NULL,
                    usages INTEGER NOT NULL,
                    findings_open INTEGER NOT NULL,
                    findings_waived INTEGER NOT NULL,
                    diagnostics INTEGER NOT NULL
                );
                CREATE TABLE file (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    path TEXT NOT NULL,
                    absolute_path TEXT NOT NULL UNIQUE,
                    size INTEGER NOT NULL,
                    mtime REAL NOT NULL,
                    sha256 TEXT NOT NULL,
                    present INTEGER NOT NULL CHECK (present IN (0, 1)),
                    last_scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE RESTRICT
                );
                -- What scanning the file yielded, secrets redacted, so an unchanged file is not parsed again. Kept apart
                -- from `file` so that updating a file's row does not rewrite its cache.
                CREATE TABLE file_cache (
                    file_id INTEGER PRIMARY KEY REFERENCES file(id) ON DELETE CASCADE,
                    scan BLOB NOT NULL
                );
                CREATE TABLE deployment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    name TEXT NOT NULL,
                    file TEXT NOT NULL,
                    labels TEXT NOT NULL,
                    first_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    last_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    active INTEGER NOT NULL CHECK (active IN (0, 1)),
                    UNIQUE (kind, namespace, name, file)
                );
                CREATE TABLE usage (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,
                    deployment_id INTEGER NOT NULL REFERENCES deployment(id) ON DELETE CASCADE,
                    model TEXT,
                    vendor TEXT NOT NULL,
                    family TEXT NOT NULL,
                    license TEXT NOT NULL,
                    hosting TEXT NOT NULL CHECK (hosting IN ('self-hosted', 'external-api')),
                    runtime TEXT,
                    api TEXT,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    column INTEGER NOT NULL,
                    evidence TEXT NOT NULL,
                    first_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    last_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    active INTEGER NOT NULL CHECK (active IN (0, 1))
                );
                CREATE INDEX usage_active ON usage(active);
                CREATE INDEX usage_deployment ON usage(deployment_id);
                CREATE TABLE finding (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    fingerprint TEXT NOT NULL UNIQUE,
                    rule TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
                    status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'waived')),
                    deployment TEXT,
                    model TEXT,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    column INTEGER NOT NULL,
                    message TEXT NOT NULL,
                    remediation TEXT NOT NULL,
                    waiver TEXT,
                    first_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    last_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL
                );
                CREATE INDEX finding_status ON finding(status);
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    scan_id INTEGER NOT NULL REFERENCES scan(id),
                    at TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('usage-appeared', 'usage-disappeared', 'usage-changed-model',
                        'finding-opened', 'finding-resolved', 'finding-waived', 'waiver-expired', 'policy-set-changed')),
                    deployment TEXT,
                    model TEXT,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE INDEX event_scan ON event(scan_id);
                -- Events are an audit trail: append only.
                CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                """)
        }
        // Sources: every scan belongs to one, and a scan replaces the state of its own source only. Files, deployments,
        // usages and findings carry the source and are unique within it; an event belongs to its scan's source.
        // The rows of a database written before sources existed become the source a default scan of the same roots
        // would name, so the next `modelwarden scan` of those roots carries on with them.
        migrator.registerMigration("v2-sources") { db in
            try db.execute(sql: """
                CREATE TABLE source (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0)
                );
                """)
            var legacySource: Int64 = 0
            if let roots = try String.fetchOne(db, sql: "SELECT roots FROM scan ORDER BY id DESC LIMIT 1") {
                let decoded = (try? JSONDecoder().decode([String].self, from: Data(roots.utf8))) ?? []
                try db.execute(sql: "INSERT INTO source (name) VALUES (?)", arguments: [SourceName.defaultName(roots: decoded)])
                legacySource = db.lastInsertedRowID
            }
            try db.execute(sql: """
                ALTER TABLE scan ADD COLUMN source_id INTEGER NOT NULL DEFAULT 0 REFERENCES source(id) ON DELETE CASCADE;
                UPDATE scan SET source_id = \(legacySource);
                CREATE INDEX scan_source ON scan(source_id, id);

                CREATE TABLE new_file (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    absolute_path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime REAL NOT NULL,
                    sha256 TEXT NOT NULL,
                    present INTEGER NOT NULL CHECK (present IN (0, 1)),
                    last_scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE RESTRICT,
                    UNIQUE (source_id, absolute_path)
                );
                INSERT INTO new_file (id, source_id, path, absolute_path, size, mtime, sha256, present, last_scan_id)
                    SELECT id, \(legacySource), path, absolute_path, size, mtime, sha256, present, last_scan_id FROM file;
                DROP TABLE file;
                ALTER TABLE new_file RENAME TO file;

                CREATE TABLE new_deployment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    name TEXT NOT NULL,
                    file TEXT NOT NULL,
                    labels TEXT NOT NULL,
                    first_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    last_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    active INTEGER NOT NULL CHECK (active IN (0, 1)),
                    UNIQUE (source_id, kind, namespace, name, file)
                );
                INSERT INTO new_deployment (id, source_id, kind, namespace, name, file, labels, first_seen_scan_id, last_seen_scan_id, active)
                    SELECT id, \(legacySource), kind, namespace, name, file, labels, first_seen_scan_id, last_seen_scan_id, active FROM deployment;
                DROP TABLE deployment;
                ALTER TABLE new_deployment RENAME TO deployment;

                CREATE TABLE new_usage (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    deployment_id INTEGER NOT NULL REFERENCES deployment(id) ON DELETE CASCADE,
                    model TEXT,
                    vendor TEXT NOT NULL,
                    family TEXT NOT NULL,
                    license TEXT NOT NULL,
                    hosting TEXT NOT NULL CHECK (hosting IN ('self-hosted', 'external-api')),
                    runtime TEXT,
                    api TEXT,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    column INTEGER NOT NULL,
                    evidence TEXT NOT NULL,
                    first_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    last_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    active INTEGER NOT NULL CHECK (active IN (0, 1)),
                    UNIQUE (source_id, key)
                );
                INSERT INTO new_usage (id, source_id, key, deployment_id, model, vendor, family, license, hosting, runtime, api, file, line,
                                       column, evidence, first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at, active)
                    SELECT id, \(legacySource), key, deployment_id, model, vendor, family, license, hosting, runtime, api, file, line,
                           column, evidence, first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at, active FROM usage;
                DROP TABLE usage;
                ALTER TABLE new_usage RENAME TO usage;
                CREATE INDEX usage_active ON usage(source_id, active);
                CREATE INDEX usage_deployment ON usage(deployment_id);

                CREATE TABLE new_finding (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    fingerprint TEXT NOT NULL,
                    rule TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
                    status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'waived')),
                    deployment TEXT,
                    model TEXT,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    column INTEGER NOT NULL,
                    message TEXT NOT NULL,
                    remediation TEXT NOT NULL,
                    waiver TEXT,
                    first_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    last_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    UNIQUE (source_id, fingerprint)
                );
                INSERT INTO new_finding (id, source_id, fingerprint, rule, severity, status, deployment, model, file, line, column, message,
                                         remediation, waiver, first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at)
                    SELECT id, \(legacySource), fingerprint, rule, severity, status, deployment, model, file, line, column, message,
                           remediation, waiver, first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at FROM finding;
                DROP TABLE finding;
                ALTER TABLE new_finding RENAME TO finding;
                CREATE INDEX finding_status ON finding(source_id, status);
                """)
        }
        // Retention: `modelwarden prune` may delete events, inside its own run and nowhere else; each run is recorded.
        migrator.registerMigration("v3-retention") { db in
            try db.execute(sql: """
                CREATE TABLE prune_run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    keep_days INTEGER NOT NULL,
                    cutoff TEXT NOT NULL,
                    scans INTEGER NOT NULL DEFAULT 0,
                    events INTEGER NOT NULL DEFAULT 0,
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
                );
                DROP TRIGGER event_no_delete;
                CREATE TRIGGER event_no_delete BEFORE DELETE ON event WHEN NOT EXISTS (SELECT 1 FROM prune_run WHERE active = 1)
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE INDEX scan_finished ON scan(finished_at);
                """)
        }
        // Agents' tools (issue 20): the MCP servers each source's configs give agents, recorded like usages, and the events
        // they raise. SQLite cannot change a CHECK in place, so the append-only event table is copied into one that
        // allows the new kinds (dropping a table drops its triggers first, so no event is refused or lost). Self-contained:
        // it runs after v3-retention, whose delete trigger it re-creates on the copied table.
        migrator.registerMigration("v4-tools") { db in
            try db.execute(sql: """
                CREATE TABLE tool_server (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    name TEXT NOT NULL,
                    client TEXT NOT NULL,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    column INTEGER NOT NULL,
                    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
                    transport TEXT NOT NULL CHECK (transport IN ('stdio', 'http', 'sse', 'streamable-http')),
                    launcher TEXT,
                    package TEXT,
                    version TEXT,
                    pinned INTEGER NOT NULL CHECK (pinned IN (0, 1)),
                    url TEXT,
                    host TEXT,
                    host_scope TEXT CHECK (host_scope IS NULL OR host_scope IN ('loopback', 'estate', 'external')),
                    auth TEXT NOT NULL,
                    env TEXT NOT NULL,
                    data_classification TEXT,
                    first_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    last_seen_scan_id INTEGER NOT NULL REFERENCES scan(id),
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    active INTEGER NOT NULL CHECK (active IN (0, 1)),
                    UNIQUE (source_id, key)
                );
                CREATE INDEX tool_server_active ON tool_server(source_id, active);

                CREATE TABLE new_event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    scan_id INTEGER NOT NULL REFERENCES scan(id),
                    at TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('usage-appeared', 'usage-disappeared', 'usage-changed-model',
                        'finding-opened', 'finding-resolved', 'finding-waived', 'waiver-expired', 'policy-set-changed',
                        'tool-appeared', 'tool-disappeared', 'tool-changed')),
                    deployment TEXT,
                    model TEXT,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                INSERT INTO new_event (id, scan_id, at, kind, deployment, model, subject, detail)
                    SELECT id, scan_id, at, kind, deployment, model, subject, detail FROM event;
                DROP TABLE event;
                ALTER TABLE new_event RENAME TO event;
                CREATE INDEX event_scan ON event(scan_id);
                CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                -- As v3-retention left it: deletable only inside a recorded prune run.
                CREATE TRIGGER event_no_delete BEFORE DELETE ON event WHEN NOT EXISTS (SELECT 1 FROM prune_run WHERE active = 1)
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                """)
        }
        // User-scope MCP client files (the daemon's `user_tool_configs:`): every server recorded before was a repository's.
        migrator.registerMigration("v5-tool-scope") { db in
            try db.execute(sql: "ALTER TABLE tool_server ADD COLUMN scope TEXT NOT NULL DEFAULT 'project' CHECK (scope IN ('project', 'user'))")
        }
        // A daemon's scan of a few changed files reads and rewrites those files' rows only (`ScanRecording.scope`).
        migrator.registerMigration("v6-rows-by-file") { db in
            try db.execute(sql: """
                CREATE INDEX deployment_file ON deployment(source_id, file);
                CREATE INDEX usage_file ON usage(source_id, file);
                CREATE INDEX finding_file ON finding(source_id, file);
                CREATE INDEX tool_server_file ON tool_server(source_id, file);
                """)
        }
        // What a `scan --db` of a few changed files patches from: the estate's index and each file's part counts,
        // kept for the source's last scan (`EstateRecord`).
        migrator.registerMigration("v7-estate-index") { db in
            try db.execute(sql: """
                CREATE TABLE estate_index (
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (source_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE audit_part (
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    file TEXT NOT NULL,
                    deployments INTEGER NOT NULL,
                    usages INTEGER NOT NULL,
                    findings_open INTEGER NOT NULL,
                    findings_waived INTEGER NOT NULL,
                    PRIMARY KEY (source_id, file)
                ) WITHOUT ROWID;
                ALTER TABLE source ADD COLUMN indexed_scan_id INTEGER;
                """)
        }
        return migrator
    }
}

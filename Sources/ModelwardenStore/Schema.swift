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
        return migrator
    }
}

import Logging
import PostgresNIO

/// The PostgreSQL store's migrations, recorded in `modelwarden_migrations`. Like the SQLite ones, a migration never
/// changes once shipped; a change is a new one. PostgreSQL's schema starts where SQLite's is after `v2-sources`.
enum PostgresSchema {
    /// Any number that no other application of the database uses: serialises concurrent migrations.
    static let migrationLock: Int64 = 0x6d77_6172_6465_6e

    static let migrations: [(identifier: String, statements: [String])] = [
        ("pg-v1", [
            """
            CREATE TABLE source (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name TEXT NOT NULL UNIQUE CHECK (length(name) > 0)
            )
            """,
            """
            CREATE TABLE scan (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
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
            )
            """,
            "CREATE INDEX scan_source ON scan(source_id, id)",
            """
            CREATE TABLE file (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                absolute_path TEXT NOT NULL,
                size BIGINT NOT NULL,
                mtime DOUBLE PRECISION NOT NULL,
                sha256 TEXT NOT NULL,
                present BOOLEAN NOT NULL,
                last_scan_id BIGINT NOT NULL REFERENCES scan(id) ON DELETE RESTRICT,
                UNIQUE (source_id, absolute_path)
            )
            """,
            """
            CREATE TABLE file_cache (
                file_id BIGINT PRIMARY KEY REFERENCES file(id) ON DELETE CASCADE,
                scan BYTEA NOT NULL
            )
            """,
            """
            CREATE TABLE deployment (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                file TEXT NOT NULL,
                labels TEXT NOT NULL,
                first_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                last_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                active BOOLEAN NOT NULL,
                UNIQUE (source_id, kind, namespace, name, file)
            )
            """,
            """
            CREATE TABLE usage (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                deployment_id BIGINT NOT NULL REFERENCES deployment(id) ON DELETE CASCADE,
                model TEXT,
                vendor TEXT NOT NULL,
                family TEXT NOT NULL,
                license TEXT NOT NULL,
                hosting TEXT NOT NULL CHECK (hosting IN ('self-hosted', 'external-api')),
                runtime TEXT,
                api TEXT,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                "column" INTEGER NOT NULL,
                evidence TEXT NOT NULL,
                first_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                last_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                first_seen_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                UNIQUE (source_id, key)
            )
            """,
            "CREATE INDEX usage_active ON usage(source_id, active)",
            "CREATE INDEX usage_deployment ON usage(deployment_id)",
            """
            CREATE TABLE finding (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                fingerprint TEXT NOT NULL,
                rule TEXT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
                status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'waived')),
                deployment TEXT,
                model TEXT,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                "column" INTEGER NOT NULL,
                message TEXT NOT NULL,
                remediation TEXT NOT NULL,
                waiver TEXT,
                first_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                last_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                first_seen_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                UNIQUE (source_id, fingerprint)
            )
            """,
            "CREATE INDEX finding_status ON finding(source_id, status)",
            """
            CREATE TABLE event (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                scan_id BIGINT NOT NULL REFERENCES scan(id),
                at TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('usage-appeared', 'usage-disappeared', 'usage-changed-model',
                    'finding-opened', 'finding-resolved', 'finding-waived', 'waiver-expired', 'policy-set-changed')),
                deployment TEXT,
                model TEXT,
                subject TEXT NOT NULL,
                detail TEXT NOT NULL
            )
            """,
            "CREATE INDEX event_scan ON event(scan_id)",
            // Events are an audit trail: append only.
            """
            CREATE FUNCTION modelwarden_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'events are append-only';
            END
            $$
            """,
            """
            CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
            FOR EACH ROW EXECUTE FUNCTION modelwarden_event_append_only()
            """,
        ]),
        // Retention: `modelwarden prune` may delete events, inside its own run and nowhere else; each run is recorded.
        ("pg-v3-retention", [
            """
            CREATE TABLE prune_run (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at TEXT NOT NULL,
                keep_days INTEGER NOT NULL,
                cutoff TEXT NOT NULL,
                scans INTEGER NOT NULL DEFAULT 0,
                events INTEGER NOT NULL DEFAULT 0,
                active BOOLEAN NOT NULL DEFAULT TRUE
            )
            """,
            """
            CREATE OR REPLACE FUNCTION modelwarden_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM prune_run WHERE active) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'events are append-only';
            END
            $$
            """,
            "CREATE INDEX scan_finished ON scan (finished_at)",
        ]),
        // Agents' tools (issue 20), as SQLite's `v4-tools`: the servers' table and the event kinds they raise.
        ("pg-v4-tools", [
            """
            CREATE TABLE tool_server (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                name TEXT NOT NULL,
                client TEXT NOT NULL,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                "column" INTEGER NOT NULL,
                enabled BOOLEAN NOT NULL,
                transport TEXT NOT NULL CHECK (transport IN ('stdio', 'http', 'sse', 'streamable-http')),
                launcher TEXT,
                package TEXT,
                version TEXT,
                pinned BOOLEAN NOT NULL,
                url TEXT,
                host TEXT,
                host_scope TEXT CHECK (host_scope IS NULL OR host_scope IN ('loopback', 'estate', 'external')),
                auth TEXT NOT NULL,
                env TEXT NOT NULL,
                data_classification TEXT,
                first_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                last_seen_scan_id BIGINT NOT NULL REFERENCES scan(id),
                first_seen_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                UNIQUE (source_id, key)
            )
            """,
            "CREATE INDEX tool_server_active ON tool_server(source_id, active)",
            "ALTER TABLE event DROP CONSTRAINT event_kind_check",
            """
            ALTER TABLE event ADD CONSTRAINT event_kind_check CHECK (kind IN ('usage-appeared', 'usage-disappeared', 'usage-changed-model',
                'finding-opened', 'finding-resolved', 'finding-waived', 'waiver-expired', 'policy-set-changed',
                'tool-appeared', 'tool-disappeared', 'tool-changed'))
            """,
        ]),
        // As SQLite's `v5-tool-scope`: servers from users' own client files.
        ("pg-v5-tool-scope", [
            "ALTER TABLE tool_server ADD COLUMN scope TEXT NOT NULL DEFAULT 'project' CHECK (scope IN ('project', 'user'))",
        ]),
    ]

    struct NewerSchema: Error, CustomStringConvertible {
        var location: String
        var unknown: [String]

        var description: String {
            "\(location) was written by a newer modelwarden (its schema has migrations this version does not know: \(unknown.joined(separator: ", "))); upgrade modelwarden or use another --db"
        }
    }

    /// Applies the migrations the database lacks, in one transaction under an advisory lock, so that twenty scans
    /// starting at once on a new database migrate it once. A database from a newer version is refused.
    static func migrate(_ connection: PostgresConnection, location: String, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS modelwarden_migrations (
                    identifier TEXT PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied = Set<String>()
            for try await identifier in try await connection.query("SELECT identifier FROM modelwarden_migrations", logger: logger).decode(String.self) {
                applied.insert(identifier)
            }
            let known = Set(migrations.map(\.identifier))
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty { throw NewerSchema(location: location, unknown: unknown.sorted()) }
            for migration in migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO modelwarden_migrations (identifier) VALUES (\(migration.identifier))", logger: logger)
                logger.info("migrated the PostgreSQL store", metadata: ["migration": "\(migration.identifier)"])
            }
        }
    }
}

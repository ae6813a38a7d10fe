import ModelwardenStore

/// The store's views as tables: the CLI (`inventory`, `findings`, `history`) and the daemon's API (`/v1/...`) render
/// the same columns, so a script can move between them.
extension ReportTable {
    /// With `staleSources` (`--stale-after`), a last column says whether the row's source has stopped reporting.
    public static func inventory(_ rows: [InventoryRow], staleSources: Set<String>? = nil) -> ReportTable {
        ReportTable(
            columns: ["deployment", "model", "vendor", "family", "license", "hosting", "runtime", "api", "file", "line", "first_seen", "last_seen", "source"]
                + (staleSources == nil ? [] : ["stale"]),
            rows: rows.map { row in
                [.string(row.deployment), .optional(row.model), .string(row.vendor), .string(row.family), .string(row.license),
                 .string(row.hosting), .optional(row.runtime), .optional(row.api), .string(row.file), .int(row.line),
                 .string(row.firstSeen), .string(row.lastSeen), .string(row.source)]
                    + (staleSources.map { [.bool($0.contains(row.source))] } ?? [])
            })
    }

    /// The MCP servers agents are given (`inventory --kind tools`): names and shapes, never values.
    public static func tools(_ rows: [ToolRow]) -> ReportTable {
        ReportTable(
            columns: ["name", "client", "scope", "enabled", "transport", "launcher", "package", "version", "pinned", "host", "host_scope", "auth", "env",
                      "data_classification", "location", "first_seen", "last_seen", "source"],
            rows: rows.map { row in
                [.string(row.name), .string(row.client), .string(row.scope), .bool(row.enabled), .string(row.transport), .optional(row.launcher),
                 .optional(row.package), .optional(row.version), .bool(row.pinned), .optional(row.host), .optional(row.hostScope),
                 .string(row.auth.joined(separator: " ")), .string(row.env.joined(separator: " ")), .optional(row.dataClassification),
                 .string("\(row.file):\(row.line):\(row.column)"), .string(row.firstSeen), .string(row.lastSeen), .string(row.source)]
            })
    }

    public static func findings(_ rows: [FindingRow]) -> ReportTable {
        ReportTable(
            columns: ["severity", "rule", "status", "deployment", "model", "location", "message", "waiver", "first_seen", "last_seen", "fingerprint", "source"],
            rows: rows.map { row in
                [.string(row.severity), .string(row.rule), .string(row.status), .optional(row.deployment), .optional(row.model),
                 .string("\(row.file):\(row.line):\(row.column)"), .string(row.message), .optional(row.waiver),
                 .string(row.firstSeen), .string(row.lastSeen), .string(row.fingerprint), .string(row.source)]
            })
    }

    public static func history(_ rows: [EventRow]) -> ReportTable {
        ReportTable(
            columns: ["scan", "at", "event", "deployment", "model", "subject", "detail", "source"],
            rows: rows.map { row in
                [.int(Int(row.scanID)), .string(row.at), .string(row.kind), .optional(row.deployment), .optional(row.model),
                 .string(row.subject), .string(row.detail), .string(row.source)]
            })
    }

    public static func scans(_ rows: [ScanRow]) -> ReportTable {
        ReportTable(
            columns: ["scan", "started_at", "finished_at", "status", "files", "files_parsed", "deployments", "usages",
                      "findings_open", "findings_waived", "diagnostics", "policy_digest", "source"],
            rows: rows.map { row in
                [.int(Int(row.id)), .string(row.startedAt), .string(row.finishedAt), .string(row.status), .int(row.files),
                 .int(row.filesParsed), .int(row.deployments), .int(row.usages), .int(row.findingsOpen), .int(row.findingsWaived),
                 .int(row.diagnostics), .string(row.policyDigest), .string(row.source)]
            })
    }
}

import ModelwardenCore

/// The documented JSON of `check --format json` (docs/json-output.md); `score-corpus` reads it.
public struct JSONReporter: JSONDocumentReporter {
    public init() {}

    public func document(_ result: AuditResult, context: ReportContext) -> JSONValue {
        .object([
            ("schemaVersion", .int(1)),
            ("tool", .object([("name", .string("modelwarden")), ("version", .string(context.toolVersion))])),
            ("usages", .lazyArray(count: result.usages.count) { usage(result.usages[$0]) }),
            ("findings", .lazyArray(count: result.findings.count) { finding(result.findings[$0]) }),
            ("diagnostics", .array(result.diagnostics.map(diagnostic))),
            ("supported", .array(result.supported.map(supported))),
            ("tools", .array(result.tools.map { JSONReporter.tool($0.server) })),
            ("summary", summary(result)),
        ])
    }

    /// An entry of a catalog of supported models: what the product could call, never a usage.
    func supported(_ entry: SupportedModel) -> JSONValue {
        .object([
            ("file", .string(entry.location.file)),
            ("line", .int(entry.location.line)),
            ("column", .int(entry.location.column)),
            ("model", .string(entry.model)),
            ("provider", .optional(entry.provider)),
        ])
    }

    /// One MCP server in the shape agreed for issue 20 (names, never values).
    static func tool(_ server: ToolServer) -> JSONValue {
        .object([
            ("name", .string(server.name)),
            ("client", .string(server.client)),
            ("scope", .string(server.scope)),
            ("file", .string(server.location.file)),
            ("line", .int(server.location.line)),
            ("column", .int(server.location.column)),
            ("enabled", .bool(server.enabled)),
            ("transport", .string(server.transport.rawValue)),
            ("launcher", .optional(server.launcher)),
            ("package", .optional(server.package)),
            ("version", .optional(server.version)),
            ("pinned", .bool(server.pinned)),
            ("url", .optional(server.url)),
            ("host", .optional(server.host)),
            ("hostScope", .optional(server.hostScope?.rawValue)),
            ("auth", .array(server.auth.map(JSONValue.string))),
            ("env", .array(server.env.map(JSONValue.string))),
            ("inlineSecrets", .array(server.inlineSecrets.map(JSONValue.string))),
        ])
    }

    static func deployment(_ ref: DeploymentRef?) -> JSONValue {
        guard let ref else { return .null }
        return .object([("kind", .string(ref.kind)), ("namespace", .optional(ref.namespace)), ("name", .string(ref.name))])
    }

    func usage(_ resolved: ResolvedUsage) -> JSONValue {
        let usage = resolved.usage
        var pairs: [(String, JSONValue)] = [
            ("file", .string(usage.location.file)),
            ("line", .int(usage.location.line)),
            ("column", .int(usage.location.column)),
            ("deployment", JSONReporter.deployment(usage.deployment)),
            ("model", .optional(usage.model.map(Secrets.redact))),
            ("vendor", .string(resolved.vendor)),
            ("family", .string(resolved.family)),
            ("license", .string(resolved.licenseID)),
            ("licenseKind", .optional(resolved.license?.kind.rawValue)),
            ("hosting", .string(usage.hosting.rawValue)),
            ("runtime", .optional(usage.runtime)),
            ("api", .optional(usage.api)),
            ("endpoints", .array(usage.endpoints.map(JSONValue.string))),
            ("route", .array(usage.route.map(JSONValue.string))),
            ("evidence", .string(usage.evidence)),
            ("catalogEntry", .optional(resolved.match?.model.id)),
        ]
        // Only model files declare a licence of their own; other usages keep their keys unchanged.
        if let declared = usage.declaredLicense {
            pairs.append(("declaredLicense", .string(declared)))
            pairs.append(("declaredLicenseSource", .optional(usage.declaredLicenseSource)))
        }
        return .object(pairs)
    }

    func finding(_ finding: Finding) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("rule", .string(finding.rule)),
            ("severity", .string(finding.severity.rawValue)),
            ("status", .string(finding.status.rawValue)),
            ("file", .string(finding.location.file)),
            ("line", .int(finding.location.line)),
            ("column", .int(finding.location.column)),
            ("deployment", JSONReporter.deployment(finding.deployment)),
            ("model", .optional(finding.model.map(Secrets.redact))),
            ("title", .string(finding.title)),
            ("message", .string(finding.message)),
            ("remediation", .string(finding.remediation)),
            ("fingerprint", .string(finding.fingerprint)),
        ]
        if let waiver = finding.waiverReason { pairs.append(("waiver", .string(waiver))) }
        return .object(pairs)
    }

    func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
        .object([
            ("file", .string(diagnostic.location.file)),
            ("line", .int(diagnostic.location.line)),
            ("column", .int(diagnostic.location.column)),
            ("level", .string(diagnostic.level.rawValue)),
            ("message", .string(diagnostic.message)),
        ])
    }

    func summary(_ result: AuditResult) -> JSONValue {
        .object([
            ("files", .int(result.files)),
            ("unread", .int(result.unread)),
            ("dataFiles", .int(result.roles.filter { $0.verdict.role == .data }.count)),
            ("deployments", .int(result.deployments.count)),
            ("usages", .int(result.usages.count)),
            ("tools", .int(result.tools.count)),
            ("findings", .object(Severity.allCases.reversed().map { ($0.rawValue, .int(result.count($0))) })),
            ("waived", .int(result.count(status: .waived))),
            ("baselined", .int(result.count(status: .baselined))),
            ("diagnostics", .int(result.diagnostics.count)),
        ])
    }
}

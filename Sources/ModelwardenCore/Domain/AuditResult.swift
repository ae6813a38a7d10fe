/// What reporters need to know about a rule: SARIF lists them, JUnit makes a test case of each.
public struct RuleSummary: Sendable, Hashable {
    public var id: String
    public var title: String
    public var description: String
    public var remediation: String
    public var helpURI: String?
    public var severity: Severity
    public var category: String

    public init(id: String, title: String, description: String, remediation: String, helpURI: String?, severity: Severity, category: String) {
        self.id = id
        self.title = title
        self.description = description
        self.remediation = remediation
        self.helpURI = helpURI
        self.severity = severity
        self.category = category
    }

    /// Where every rule's page is published: `docs/rules/<rule id>.md` in the repository.
    public static let documentationBaseURI = "https://github.com/modelwarden/modelwarden/blob/main/docs/rules/"

    /// The published page of a rule id.
    public static func documentationURI(for id: String) -> String {
        documentationBaseURI + id + ".md"
    }

    /// The finding an expired waiver raises; not a policy rule, but reported like one.
    public static let expiredWaiver = RuleSummary(
        id: "waiver/expired", title: "Waiver expired",
        description: "A waiver has passed its expiry date; it no longer waives anything.",
        remediation: "Renew the waiver with a new approval and expiry, or fix the findings it covered.",
        helpURI: documentationURI(for: "waiver/expired"), severity: .warning, category: "inventory")

    /// The finding an inline waiver annotation raises where the organisation does not allow them.
    public static let inlineWaiverRefused = RuleSummary(
        id: "waiver/inline-not-allowed", title: "Inline waiver not allowed",
        description: "A manifest carries a modelwarden.io/waive annotation, but the organisation does not allow inline waivers.",
        remediation: "Move the exception to waivers: in .modelwarden.yaml with reason, approver and expiry, or set organization.waivers.inline: true there.",
        helpURI: documentationURI(for: "waiver/inline-not-allowed"), severity: .warning, category: "inventory")

    /// The findings Modelwarden raises itself, beside the rules of a policy set.
    public static let builtIn = [expiredWaiver, inlineWaiverRefused]
}

/// Everything one audit found.
public struct AuditResult: Sendable {
    public var files: Int
    /// Files found but not read: they do not parse and are of no known deployment kind (each has a warning).
    public var unread: Int
    public var deployments: [Deployment]
    public var usages: [ResolvedUsage]
    public var findings: [Finding]
    public var diagnostics: [Diagnostic]
    /// Every rule that was evaluated, in policy order.
    public var rules: [RuleSummary]
    /// Every file read, with its role (configuration or data) and why, in path order.
    public var roles: [FileRoleEntry] = []
    /// Models that catalogs of supported models list: what the product could be configured with, not usages.
    public var supported: [SupportedModel] = []
    /// MCP servers the scanned files configure, with what the organisation's policy knows of them.
    public var tools: [ResolvedToolServer] = []

    public init(files: Int, unread: Int = 0, deployments: [Deployment], usages: [ResolvedUsage], findings: [Finding], diagnostics: [Diagnostic],
                rules: [RuleSummary] = []) {
        self.files = files
        self.unread = unread
        self.deployments = deployments
        self.usages = usages
        self.findings = findings
        self.diagnostics = diagnostics
        self.rules = rules
    }

    public func count(_ severity: Severity, status: Finding.Status = .open) -> Int {
        // Counted by position: a copy of every finding (filtered, or handed to a closure) only to count it cost a core a
        // while on large scans.
        var count = 0
        for index in findings.indices where findings[index].severity == severity && findings[index].status == status { count += 1 }
        return count
    }

    public func count(status: Finding.Status) -> Int {
        var count = 0
        for index in findings.indices where findings[index].status == status { count += 1 }
        return count
    }

    /// The rule summary for a finding's rule id.
    public func rule(_ id: String) -> RuleSummary? {
        rules.first { $0.id == id }
    }

    /// Marks findings whose fingerprint a baseline holds; only new ones gate.
    public mutating func applyBaseline(_ fingerprints: Set<String>) {
        for index in findings.indices where findings[index].status == .open && fingerprints.contains(findings[index].fingerprint) {
            findings[index].status = .baselined
        }
    }

    /// Whether open findings at or above a severity remain.
    public func fails(at threshold: Severity?) -> Bool {
        guard let threshold else { return false }
        return findings.contains { $0.status == .open && $0.severity >= threshold }
    }
}

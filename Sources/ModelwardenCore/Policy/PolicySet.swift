/// A validated policy set: catalog, rules, organisation facts and waivers.
public struct PolicySet: Sendable {
    public var root: String
    public var catalog: Catalog
    public var rules: [Rule]
    public var organization: Organization
    public var waivers: [Waiver]
    /// SHA-256 over the policy files, to tell when the set changed.
    public var digest: String

    /// A layer the set was merged from, lowest first.
    public struct LayerSummary: Sendable, Equatable {
        public var kind: String
        public var origin: String
    }

    public var layers: [LayerSummary] = []
    /// Where each organisation key was last set.
    public var organizationOrigins: [String: SourceLocation] = [:]
    /// Rules a configuration or flag turned off (they never fire), and where.
    public var disabledRules: [String: SourceLocation] = [:]
    /// Rules whose severity a configuration or flag changed, and where.
    public var severityOverrides: [String: SourceLocation] = [:]
    /// Paths configurations and flags keep out of scans.
    public var ignores: [IgnoreGlob] = []
    /// Role overrides (`roles:` globs) from configurations, outermost first: the last match wins.
    public var roles: [RoleGlob] = []

    public init(root: String, catalog: Catalog, rules: [Rule], organization: Organization, waivers: [Waiver], digest: String) {
        self.root = root
        self.catalog = catalog
        self.rules = rules
        self.organization = organization
        self.waivers = waivers
        self.digest = digest
    }

    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }
}

/// A validated policy set: catalog, rules, organisation facts and waivers.
public struct PolicySet: Sendable {
    public var root: String
    public var catalog: Catalog
    public var rules: [Rule]
    public var organization: Organization
    public var waivers: [Waiver]
    /// SHA-256 over the policy files, to tell when the set changed.
    public var digest: String

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

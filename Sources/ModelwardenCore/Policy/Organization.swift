import ModelwardenYAML

/// Facts about the organisation that rules need: jurisdiction, products, agreements, label mappings.
public struct Organization: Sendable {
    public struct Agreement: Sendable {
        public var provider: String
        public var zeroDataRetention: Bool
        public var tier: String?
        public var reference: String?
    }

    public struct NamespaceDefaults: Sendable {
        public var match: String
        public var environment: String?
        public var dataClassification: String?
        public var personalData: Bool?
    }

    public var name: String = "unnamed organisation"
    public var jurisdiction: String?
    public var commercialUse: Bool = true
    /// Monthly active users of each product that declares them.
    public var products: [String: Int] = [:]
    public var agreements: [String: Agreement] = [:]
    public var approvedProviders: Set<String> = []
    /// modelwarden label key -> the organisation's own keys that mean the same.
    public var labelKeys: [String: [String]] = [:]
    public var namespaces: [NamespaceDefaults] = []
    public var maxWaiverDays: Int = 365
    public var inlineWaivers: Bool = false
    /// The node it was read from, so rule examples can override keys.
    public var node: YAMLNode?

    public init() {}

    static let keys = ["schemaVersion", "name", "jurisdiction", "commercial_use", "products", "provider_agreements",
                       "approved_providers", "label_keys", "namespaces", "waivers"]

    /// Reads an organisation from a node, with the problems found.
    public static func read(_ node: YAMLNode, file: String) -> (Organization, [Diagnostic]) {
        let problems = PolicyProblems()
        let organization = parse(node, file: file, problems: problems)
        return (organization, problems.diagnostics)
    }

    /// `nested`: the `organization:` mapping of a `.modelwarden.yaml`, which has no schemaVersion of its own.
    static func parse(_ node: YAMLNode, file: String, problems: PolicyProblems, nested: Bool = false) -> Organization {
        var org = Organization()
        org.node = node
        guard let reader = FieldReader(node, file: file, path: nested ? "organization" : "", problems: problems, allowed: keys) else { return org }
        if !nested { reader.checkSchemaVersion() }
        org.name = reader.string("name") ?? org.name
        org.jurisdiction = reader.string("jurisdiction")
        org.commercialUse = reader.bool("commercial_use") ?? true
        var productNames = Set<String>()
        for (item, path) in reader.list("products") {
            guard let product = FieldReader(item, file: file, path: path, problems: problems, allowed: ["name", "monthly_active_users", "description"]) else { continue }
            guard let name = product.string("name", required: true) else { continue }
            if !productNames.insert(name).inserted {
                problems.error(file, item.mark, path, "duplicate product '\(name)'")
            }
            // A product without a figure stays unknown: threshold rules report it as missing, never as 0 users.
            if let users = product.int("monthly_active_users") { org.products[name] = users }
        }
        for (item, path) in reader.list("provider_agreements") {
            guard let agreement = FieldReader(item, file: file, path: path, problems: problems, allowed: ["provider", "zero_data_retention", "tier", "reference"]) else { continue }
            guard let provider = agreement.string("provider", required: true) else { continue }
            org.agreements[provider] = Agreement(
                provider: provider, zeroDataRetention: agreement.bool("zero_data_retention") ?? false,
                tier: agreement.oneOf("tier", ["free", "paid", "enterprise"]), reference: agreement.string("reference"))
        }
        org.approvedProviders = Set(reader.strings("approved_providers"))
        if let mapping = reader.child("label_keys", allowed: Array(LabelKey.byShortName.keys).sorted()) {
            for short in LabelKey.byShortName.keys where mapping.has(short) {
                org.labelKeys[LabelKey.byShortName[short]!] = mapping.strings(short)
            }
        }
        for (item, path) in reader.list("namespaces") {
            guard let entry = FieldReader(item, file: file, path: path, problems: problems, allowed: ["match", "environment", "data_classification", "personal_data"]) else { continue }
            guard let match = entry.string("match", required: true) else { continue }
            org.namespaces.append(NamespaceDefaults(
                match: match,
                environment: entry.oneOf("environment", ["production", "staging", "development"]),
                dataClassification: entry.oneOf("data_classification", ["public", "internal", "confidential", "restricted"]),
                personalData: entry.bool("personal_data")))
        }
        if let waivers = reader.child("waivers", allowed: ["max_days", "inline"]) {
            org.maxWaiverDays = waivers.int("max_days") ?? 365
            org.inlineWaivers = waivers.bool("inline") ?? false
        }
        return org
    }

    /// A well-known label of a deployment (`LabelKey`), also under the organisation's own keys for it.
    public func label(_ key: String, in labels: [String: String]) -> String? {
        if let value = labels[key], !value.isEmpty { return value }
        for alias in labelKeys[key] ?? [] {
            if let value = labels[alias], !value.isEmpty { return value }
        }
        return nil
    }

    /// Namespace defaults for a namespace, first match wins.
    public func defaults(forNamespace namespace: String?) -> NamespaceDefaults? {
        guard let namespace else { return nil }
        return namespaces.first { glob($0.match, matches: namespace) }
    }
}

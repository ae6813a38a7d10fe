import Foundation
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
    /// The data classification of the repository or estate scanned, when no workload declares a more sensitive one.
    public var dataClassification: String?
    /// Remote MCP servers the organisation approves: a host (`mcp.example.com`), a host glob (`*.example.com`) or a URL
    /// prefix (`https://mcp.example.com/github/`). Empty under the neutral defaults: none is approved.
    public var approvedTools: [String] = []
    /// Publishers whose MCP packages the organisation knows: npm scopes (`@example`), package-name prefixes, image
    /// repositories (`ghcr.io/example/`). Empty: `tools/unknown-publisher` says nothing.
    public var toolPublishers: [String] = []
    /// The organisation's own domains: a remote server under one is in the estate, not external.
    public var estateDomains: [String] = []
    /// The node it was read from, so rule examples can override keys.
    public var node: YAMLNode?

    public init() {}

    static let keys = ["schemaVersion", "name", "jurisdiction", "commercial_use", "products", "provider_agreements",
                       "approved_providers", "label_keys", "namespaces", "waivers", "data_classification", "approved_tools",
                       "tool_publishers", "estate_domains"]
    static let classifications = ["public", "internal", "confidential", "restricted"]

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
        org.dataClassification = reader.oneOf("data_classification", classifications)
        org.approvedTools = nonEmptyStrings(reader, "approved_tools")
        org.toolPublishers = nonEmptyStrings(reader, "tool_publishers")
        org.estateDomains = nonEmptyStrings(reader, "estate_domains")
        if let waivers = reader.child("waivers", allowed: ["max_days", "inline"]) {
            org.maxWaiverDays = waivers.int("max_days") ?? 365
            org.inlineWaivers = waivers.bool("inline") ?? false
        }
        return org
    }

    /// A list of strings in which an empty entry is an error: it would match nothing, or everything.
    private static func nonEmptyStrings(_ reader: FieldReader, _ key: String) -> [String] {
        let items = reader.strings(key)
        for (index, item) in items.enumerated() where item.trimmingCharacters(in: .whitespaces).isEmpty {
            let mark = reader.node[key]?.sequence?[index].mark ?? reader.mark(key)
            reader.problems.error(reader.file, mark, "\(reader.sub(key))[\(index)]", "an empty entry approves nothing; remove it")
        }
        return items.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Whether `approved_tools` lists a remote server: its host, a `*.domain` glob over it, or a prefix of its URL.
    public func approvesTool(url: String?, host: String?) -> Bool {
        approvedTools.contains { entry in
            let lower = entry.lowercased()
            if lower.contains("://") { return url.map { $0.lowercased().hasPrefix(lower) } ?? false }
            guard let host = host?.lowercased() else { return false }
            if lower.hasPrefix("*.") { return host.hasSuffix(String(lower.dropFirst())) }
            return host == lower
        }
    }

    /// Whether a `tool_publishers` entry owns a package: `@scope` owns `@scope/name`; `ghcr.io/org/` owns its images;
    /// any other entry owns the package of that name and those that continue it after `/`, `-` or `.`.
    public static func publisher(_ entry: String, owns package: String) -> Bool {
        let entry = entry.lowercased(), package = package.lowercased()
        if package == entry { return true }
        if entry.hasSuffix("/") { return package.hasPrefix(entry) }
        return ["/", "-", "."].contains { package.hasPrefix(entry + $0) }
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

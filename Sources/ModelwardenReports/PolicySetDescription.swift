import ModelwardenCore

/// The merged policy set with the origin of every entry: what `modelwarden policy show` prints.
public struct PolicySetDescription {
    public let policy: PolicySet
    public let today: PolicyDate

    public init(policy: PolicySet, today: PolicyDate = .today) {
        self.policy = policy
        self.today = today
    }

    static let organizationKeys = ["name", "jurisdiction", "commercial_use", "products", "provider_agreements", "approved_providers",
                                   "label_keys", "namespaces", "waivers", "data_classification", "approved_tools", "tool_publishers",
                                   "estate_domains"]

    // MARK: - Text

    public func text() -> String {
        var lines = ["Policy set: \(policy.layers.count) layers, lowest first (later layers replace entries with the same id)"]
        for (index, layer) in policy.layers.enumerated() { lines.append("  \(index + 1). \(layer.origin) (\(layer.kind))") }
        lines.append("")
        lines.append("Organisation")
        for key in Self.organizationKeys {
            let origin = policy.organizationOrigins[key].map { "\($0)" } ?? "not declared"
            lines.append("  \(pad(key, 20)) \(pad(organizationValue(key), 48)) \(origin)")
        }
        lines.append("")
        lines.append("Rules (\(policy.rules.count) in force, \(policy.disabledRules.count) off)")
        for rule in policy.rules {
            let severity = policy.severityOverrides[rule.id].map { "\(rule.severity.rawValue) (set at \($0))" } ?? rule.severity.rawValue
            lines.append("  \(pad(rule.id, 48)) \(pad(severity, 10)) \(rule.location)")
        }
        for (id, location) in policy.disabledRules.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(pad(id, 48)) \(pad("off", 10)) turned off at \(location)")
        }
        lines.append("")
        lines.append("Waivers (\(policy.waivers.count))")
        for waiver in policy.waivers { lines.append("  \(pad(waiver.rule, 48)) \(pad(waiverScope(waiver), 36)) \(waiverState(waiver)) \(waiver.location)") }
        lines.append("")
        lines.append("Ignored paths (\(policy.ignores.count))")
        for ignore in policy.ignores { lines.append("  \(pad(ignore.pattern, 40)) under \(ignore.base)  \(ignore.location)") }
        lines.append("")
        if !policy.roles.isEmpty {
            lines.append("File roles (\(policy.roles.count))")
            for role in policy.roles { lines.append("  \(pad(role.pattern, 40)) \(pad(role.role.rawValue, 14)) under \(role.base)  \(role.location)") }
            lines.append("")
        }
        let catalog = policy.catalog
        lines.append("Licences (\(catalog.licenses.count))")
        for license in catalog.licenses.values.sorted(by: { $0.id < $1.id }) {
            lines.append("  \(pad(license.id, 36)) \(pad(license.kind.rawValue, 16)) \(license.file)")
        }
        lines.append("")
        lines.append("Providers (\(catalog.providers.count))")
        for provider in catalog.providers.values.sorted(by: { $0.id < $1.id }) {
            lines.append("  \(pad(provider.id, 36)) \(pad(provider.licenseID ?? "-", 28)) \(provider.file)")
        }
        lines.append("")
        lines.append("Models (\(catalog.models.count))")
        for model in catalog.models {
            lines.append("  \(pad(model.id, 36)) \(pad(model.vendor, 12)) \(pad(model.licenseID ?? "unknown", 28)) \(model.file)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func organizationValue(_ key: String) -> String {
        let org = policy.organization
        switch key {
        case "name": return org.name
        case "jurisdiction": return org.jurisdiction ?? "not declared"
        case "commercial_use": return org.commercialUse ? "true" : "false"
        case "products":
            return list(org.products.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) monthly active users)" })
        case "provider_agreements":
            return list(org.agreements.values.sorted { $0.provider < $1.provider }.map {
                "\($0.provider) (" + ($0.zeroDataRetention ? "zero data retention" : "retention as the provider's terms") + ($0.tier.map { ", \($0)" } ?? "") + ")"
            })
        case "approved_providers": return list(org.approvedProviders.sorted())
        case "label_keys": return list(org.labelKeys.sorted { $0.key < $1.key }.map { "\($0.key) also as \($0.value.joined(separator: ", "))" })
        case "namespaces":
            return list(org.namespaces.map { entry in
                "\(entry.match): " + [entry.environment, entry.dataClassification, entry.personalData.map { "personal data \($0)" }].compactMap { $0 }.joined(separator: ", ")
            })
        case "data_classification": return org.dataClassification ?? "not declared"
        case "approved_tools": return list(org.approvedTools)
        case "tool_publishers": return org.toolPublishers.isEmpty ? "none (tools/unknown-publisher is off)" : list(org.toolPublishers)
        case "estate_domains": return list(org.estateDomains)
        case "waivers": return "at most \(org.maxWaiverDays) days; inline waivers " + (org.inlineWaivers ? "allowed" : "not allowed")
        default: return ""
        }
    }

    private func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: "; ") }

    private func waiverScope(_ waiver: Waiver) -> String {
        let deployments = waiver.deployments.map { [$0.kind, $0.namespace, $0.name].compactMap { $0 }.joined(separator: "/") }
        return (deployments + waiver.models).joined(separator: ", ")
    }

    private func waiverState(_ waiver: Waiver) -> String {
        waiver.isExpired(on: today) ? "expired \(waiver.expires)" : "until \(waiver.expires)"
    }

    // MARK: - JSON

    public func json() -> String {
        let catalog = policy.catalog
        let value = JSONValue.object([
            ("schemaVersion", .int(1)),
            ("layers", .array(policy.layers.map { .object([("kind", .string($0.kind)), ("origin", .string($0.origin))]) })),
            ("organization", .object(Self.organizationKeys.map { key in
                (key, .object([("value", .string(organizationValue(key))), ("origin", .optional(policy.organizationOrigins[key]?.description))]))
            })),
            ("rules", .array(policy.rules.map { rule in
                .object([("id", .string(rule.id)), ("enabled", .bool(true)), ("severity", .string(rule.severity.rawValue)),
                         ("origin", .string(rule.location.description)),
                         ("severity_origin", .optional(policy.severityOverrides[rule.id]?.description))])
            } + policy.disabledRules.sorted { $0.key < $1.key }.map { id, location in
                .object([("id", .string(id)), ("enabled", .bool(false)), ("origin", .string(location.description))])
            })),
            ("waivers", .array(policy.waivers.map { waiver in
                .object([("rule", .string(waiver.rule)), ("scope", .string(waiverScope(waiver))), ("expires", .string(waiver.expires.description)),
                         ("expired", .bool(waiver.isExpired(on: today))), ("origin", .string(waiver.location.description))])
            })),
            ("ignore", .array(policy.ignores.map {
                .object([("pattern", .string($0.pattern)), ("base", .string($0.base)), ("origin", .string($0.location.description))])
            })),
            ("roles", .array(policy.roles.map {
                .object([("pattern", .string($0.pattern)), ("role", .string($0.role.rawValue)), ("base", .string($0.base)),
                         ("origin", .string($0.location.description))])
            })),
            ("licenses", .array(catalog.licenses.values.sorted { $0.id < $1.id }.map {
                .object([("id", .string($0.id)), ("kind", .string($0.kind.rawValue)), ("origin", .string($0.file))])
            })),
            ("providers", .array(catalog.providers.values.sorted { $0.id < $1.id }.map {
                .object([("id", .string($0.id)), ("license", .optional($0.licenseID)), ("origin", .string($0.file))])
            })),
            ("models", .array(catalog.models.map {
                .object([("id", .string($0.id)), ("vendor", .string($0.vendor)), ("license", .optional($0.licenseID)), ("origin", .string($0.file))])
            })),
        ])
        return value.serialized() + "\n"
    }
}

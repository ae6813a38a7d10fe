import Foundation
import ModelwardenCore

/// The catalog licences or providers a rule concerns, when the rule's own tests on catalog facts pick them out
/// (licences with a user threshold, providers whose terms allow training).
enum CatalogTable {
    static func markdown(for condition: Condition, catalog: Catalog) -> String? {
        let required = requiredTests(condition)
        if let table = licenseTable(required, catalog: catalog) { return table }
        return providerTable(required, catalog: catalog)
    }

    /// Tests that must hold for the rule to fire: those reached from the top through `all` alone.
    static func requiredTests(_ condition: Condition) -> [Condition] {
        switch condition {
        case .all(let items): return items.flatMap(requiredTests)
        case .test: return [condition]
        case .any, .not: return []
        }
    }

    // MARK: - Licences

    private static func licenseTable(_ tests: [Condition], catalog: Catalog) -> String? {
        // `license.known` says nothing about which licence; the others are facts of the licence alone.
        let licenseTests = tests.filter { reads($0, prefix: "license.", except: ["license.known"]) }
        guard !licenseTests.isEmpty else { return nil }
        let licenses = catalog.licenses.values
            .filter { license in licenseTests.allSatisfy { test in test.evaluate { licenseFact(license, $0) } } }
            .sorted { $0.id < $1.id }
        guard !licenses.isEmpty else { return nil }
        let facts = uniqueFields(licenseTests).filter { $0 != "license.id" && $0 != "license.name" }
        let showsThreshold = facts.contains("license.mau_threshold")
        var header = ["licence", "name"] + facts.map { "`\($0)`" }
        if showsThreshold { header.append("measured") }
        header += ["confidence", "sources", "as of"]
        let rows = licenses.map { license in
            var row = ["`\(license.id)`", license.name] + facts.map { licenseFact(license, $0)?.description ?? "" }
            if showsThreshold {
                row.append(license.thresholds.first { $0.metric == "monthly-active-users" }?.measuredAt ?? "")
            }
            return row + [license.confidence ?? "", links(license.sources), license.asOf?.description ?? ""]
        }
        return "The catalog licences this rule concerns, from the facts it tests:\n\n" + Markdown.table(header, rows)
    }

    /// The catalog's view of a licence fact, as `UsageFacts` reports it for a usage under that licence.
    static func licenseFact(_ license: License, _ path: String) -> FactValue? {
        switch path {
        case "license.known": return .bool(true)
        case "license.id": return .string(license.id)
        case "license.name": return .string(license.name)
        case "license.kind": return .string(license.kind.rawValue)
        case "license.spdx": return license.spdx.map(FactValue.string)
        case "license.attribution": return license.attribution.map(FactValue.string)
        case "license.notice": return license.notice.map(FactValue.string)
        case "license.mau_threshold": return license.monthlyActiveUserThreshold.map { .number(Double($0)) }
        case "license.eu_multimodal_restriction": return .bool(license.euMultimodalRestriction)
        default: return nil
        }
    }

    // MARK: - Providers

    private static func providerTable(_ tests: [Condition], catalog: Catalog) -> String? {
        let providerTests = tests.filter { reads($0, prefix: "provider.", except: []) && $0.fields.allSatisfy(isCatalogProviderFact) }
        guard !providerTests.isEmpty else { return nil }
        let providers = catalog.providers.values
            .filter { provider in providerTests.allSatisfy { test in test.evaluate { providerFact(provider, $0) } } }
            .sorted { $0.id < $1.id }
        guard !providers.isEmpty else { return nil }
        let header = ["provider", "name", "trains on API data", "retention (days)", "zero retention available", "sources", "as of"]
        let rows = providers.map { provider in
            [
                "`\(provider.id)`", provider.name, provider.trainsOnAPIData.rawValue, provider.retentionDays.map(String.init) ?? "",
                provider.zeroDataRetentionAvailable ? "yes" : "no", links(provider.sources), provider.asOf?.description ?? "",
            ]
        }
        return "The catalog providers this rule concerns, from their data terms (before any agreement in organization.yaml):\n\n"
            + Markdown.table(header, rows)
    }

    private static func isCatalogProviderFact(_ path: String) -> Bool {
        ["provider.id", "provider.name", "provider.trains_on_api_data", "provider.may_train_on_data", "provider.retention_days"].contains(path)
    }

    /// The catalog's view of a provider fact; `may_train_on_data` as it stands without an agreement.
    static func providerFact(_ provider: Provider, _ path: String) -> FactValue? {
        switch path {
        case "provider.id": return .string(provider.id)
        case "provider.name": return .string(provider.name)
        case "provider.trains_on_api_data": return .string(provider.trainsOnAPIData.rawValue)
        case "provider.may_train_on_data": return .bool(provider.trainsOnAPIData != .no)
        case "provider.retention_days": return provider.retentionDays.map { .number(Double($0)) }
        default: return nil
        }
    }

    // MARK: - Helpers

    private static func reads(_ test: Condition, prefix: String, except: Set<String>) -> Bool {
        let fields = test.fields
        return fields.allSatisfy { $0.hasPrefix(prefix) && !except.contains($0) }
    }

    private static func uniqueFields(_ tests: [Condition]) -> [String] {
        var seen = Set<String>()
        return tests.flatMap(\.fields).filter { seen.insert($0).inserted }
    }

    private static func links(_ urls: [String]) -> String {
        urls.map { "<\($0)>" }.joined(separator: "<br>")
    }
}

import Foundation
import ModelwardenCore

/// `modelwarden rules`: the rules of a policy set and the built-in findings, as a text table or JSON.
public struct RuleListing {
    let rules: [RuleSummary]
    let builtIn: Set<String>

    public init(policy: PolicySet) {
        rules = policy.rules.map {
            RuleSummary(id: $0.id, title: $0.title, description: $0.description, remediation: $0.remediation,
                        helpURI: $0.helpURI, severity: $0.severity, category: $0.category.rawValue)
        } + RuleSummary.builtIn
        builtIn = Set(RuleSummary.builtIn.map(\.id))
    }

    public func text() -> String {
        let idWidth = rules.map(\.id.count).max() ?? 0
        let categoryWidth = max("category".count, rules.map(\.category.count).max() ?? 0)
        func line(_ id: String, _ severity: String, _ category: String, _ title: String) -> String {
            id.padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  " + severity.padding(toLength: 8, withPad: " ", startingAt: 0)
                + "  " + category.padding(toLength: categoryWidth, withPad: " ", startingAt: 0) + "  " + title
        }
        let lines = [line("id", "severity", "category", "title")]
            + rules.map { line($0.id, $0.severity.rawValue, $0.category, $0.title + (builtIn.contains($0.id) ? " (built in)" : "")) }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() -> String {
        let items: [JSONValue] = rules.map {
            .object([
                ("id", .string($0.id)), ("severity", .string($0.severity.rawValue)), ("category", .string($0.category)),
                ("title", .string($0.title)), ("helpUri", .optional($0.helpURI)), ("builtIn", .bool(builtIn.contains($0.id))),
            ])
        }
        return JSONValue.object([("schemaVersion", .int(1)), ("rules", .array(items))]).serialized() + "\n"
    }
}

import ModelwardenCore

/// The Markdown page of one rule.
enum RulePage {
    static func markdown(_ rule: DocumentedRule) -> String {
        let sections = [
            header(rule), whatItChecks(rule), whyItMatters(rule), whatItEnforces(rule), examples(rule),
            "## How to fix\n\n\(rule.remediation)\n", howToWaive(rule),
        ]
        // Each section ends where it ends; exactly one blank line between them.
        let trimmed = sections.map { String($0.reversed().drop { $0 == "\n" }.reversed()) }
        return RuleDocumentation.generatedMarker + "\n\n" + trimmed.joined(separator: "\n\n") + "\n"
    }

    private static func header(_ rule: DocumentedRule) -> String {
        let up = String(repeating: "../", count: rule.id.filter { $0 == "/" }.count)
        return """
            # \(rule.title)

            | id | severity | category |
            |---|---|---|
            | `\(rule.id)` | \(rule.severity.rawValue) | \(rule.category) |

            Defined in \(rule.definedIn). [All rules](\(up)\(RuleDocumentation.indexPath))

            """
    }

    private static func whatItChecks(_ rule: DocumentedRule) -> String {
        var text = "## What it checks\n\n\(rule.description)\n\n"
        if let raisedWhen = rule.raisedWhen { text += raisedWhen + "\n\n" }
        if let condition = rule.condition {
            let described = ConditionText.describe(condition)
            text += described.lead + "\n\n" + described.bullets.joined(separator: "\n") + "\n\n"
            let facts = ConditionText.facts(condition)
            let meanings = Dictionary((UsageFacts.catalog + ToolFacts.catalog).map { ($0.path, $0.meaning) }, uniquingKeysWith: { first, _ in first })
            text += "The facts it reads (`modelwarden explain --facts` lists them all):\n\n"
            text += Markdown.table(["fact", "meaning"], facts.map { ["`\($0)`", meanings[$0] ?? ""] }) + "\n"
        }
        if let message = rule.message {
            text += "Its finding reads (placeholders are facts of the usage):\n\n" + Markdown.fenced(message, language: "text") + "\n"
        }
        return text
    }

    private static func whyItMatters(_ rule: DocumentedRule) -> String {
        let why: String
        switch rule.category {
        case _ where rule.id.hasPrefix("tools/"):
            why = "An agent's MCP servers are the other way data leaves besides its model calls: a local server runs with the "
                + "agent's environment and files, and a remote one receives whatever the agent sends it. Which servers an agent "
                + "is given, from whom, and how they are reached decides where that data goes."
        case "license":
            why = "A model licence grants its rights only on its conditions. A deployment outside them may be using the model "
                + "without a licence, which the licensor can enforce, up to ending the rights to use the model."
        case "data-control":
            why = "Prompts and outputs sent to an external model API are processed, and may be stored or used for training, "
                + "under the provider's terms rather than under the organisation's own controls. What the organisation has "
                + "agreed with the provider decides what happens to that data."
        default:
            why = rule.isBuiltIn
                ? "A waiver is an approved, time-limited exception. An exception nobody approved, or one that has lapsed, "
                    + "hides findings without the review that waivers exist to record."
                : "Every other check rests on the inventory: a finding is only as good as the model identity and version it names."
        }
        return "## Why it matters\n\n\(why)\n"
    }

    private static func whatItEnforces(_ rule: DocumentedRule) -> String {
        var text = "## What it enforces\n\n"
        if rule.references.isEmpty {
            text += rule.isBuiltIn
                ? "Modelwarden's own waiver rules (see [waivers.yaml](../../policy-schema.md#waiversyaml)); no licence clause or provider term.\n"
                : "No licence clause or provider term is cited: this is a generic control of the organisation's own policy.\n"
        } else {
            text += "The primary sources this rule follows (`references:` in the rule):\n\n"
            text += rule.references.map { "- [\($0.title)](\($0.url))" }.joined(separator: "\n") + "\n"
        }
        if let table = rule.catalogTable { text += "\n" + table }
        return text
    }

    private static func examples(_ rule: DocumentedRule) -> String {
        var text = ""
        if let failing = rule.failing { text += example(failing, heading: "Failing example", verdict: "fires") }
        if let passing = rule.passing { text += example(passing, heading: "Passing example", verdict: "does not fire") }
        return text
    }

    private static func example(_ example: DocumentedRule.Example, heading: String, verdict: String) -> String {
        var text = "## \(heading)\n\n*\(example.name)*: the rule \(verdict).\n\n"
        for file in example.files {
            text += "\(file.caption):\n\n" + Markdown.fenced(file.text, language: language(of: file.path)) + "\n"
        }
        if let organization = example.organization {
            text += "With these `organization.yaml` overrides:\n\n" + Markdown.fenced(organization, language: "yaml") + "\n"
        }
        return text
    }

    private static func howToWaive(_ rule: DocumentedRule) -> String {
        var text = "## How to waive\n\n"
        if rule.isBuiltIn {
            // Raised by Modelwarden itself, not by a rule of the policy set: neither waived nor turned off.
            return text + "It cannot be waived or turned off: it reports on the waivers themselves. Renew or remove the waiver.\n"
        } else {
            text += "Record an approved exception under `waivers:` in the repository's `.modelwarden.yaml` (or in a `waivers.yaml` "
                + "of a policy folder), with a reason, an approver and an expiry (at most the organisation's `waivers.max_days` "
                + "ahead). A waived finding is still reported, as waived.\n\n"
            text += Markdown.fenced("""
                schemaVersion: 1
                waivers:
                  - rule: \(rule.id)
                    deployments: [{namespace: NAMESPACE, name: DEPLOYMENT}]
                    reason: "why the exception is acceptable, with its ticket"
                    approved_by: "approver@example.com"
                    expires: YYYY-MM-DD

                """, language: "yaml") + "\n"
            text += "Where the organisation allows inline waivers (`organization: {waivers: {inline: true}}`), a workload can carry "
                + "the annotation `modelwarden.io/waive: \"\(rule.id); reason; until YYYY-MM-DD\"` instead.\n\n"
        }
        text += "To turn the rule off for a repository, or change its severity, use `.modelwarden.yaml`:\n\n"
        text += Markdown.fenced("rules:\n  \(rule.id): off\n", language: "yaml") + "\n"
        text += Markdown.fenced("rules:\n  \(rule.id): {severity: info}\n", language: "yaml")
        return text
    }

    private static func language(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return "yaml" }
        if name.hasSuffix(".json") { return "json" }
        if name.hasSuffix(".tf") { return "hcl" }
        if name == ".env" || name.hasSuffix(".env") || name.hasSuffix(".sh") { return "sh" }
        if name == "Modelfile" { return "dockerfile" }
        return "text"
    }
}

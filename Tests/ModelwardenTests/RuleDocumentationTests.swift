import Foundation
import ModelwardenCore
import ModelwardenReports
import Testing

/// The rule pages in docs/rules: generated from the policy set, reachable from every help_uri, and the
/// `rules` and `explain RULE-ID` commands that print and check them.
@Suite struct RuleDocumentationTests {
    static let docs = Paths.packageRoot.appendingPathComponent("docs/rules").path
    let documentation = RuleDocumentation(policy: Shipped.policy)

    func page(_ id: String) throws -> String {
        try #require(documentation.page(forRule: id), "no page for \(id)")
    }

    // MARK: - The checked-in pages

    @Test func pagesInDocsMatchTheShippedPolicySet() {
        let outdated = documentation.outdatedPages(in: Self.docs)
        #expect(outdated.isEmpty, """
            docs/rules is out of date with Policies/; run `swift run modelwarden rules docs` and commit the pages:
            \(outdated.map(\.description).joined(separator: "\n"))
            """)
    }

    @Test func everyHelpURIPointsAtAnExistingPage() throws {
        let summaries = Shipped.policy.rules.map { ($0.id, $0.helpURI) } + RuleSummary.builtIn.map { ($0.id, $0.helpURI) }
        #expect(summaries.count == Shipped.policy.rules.count + 2)
        for (id, uri) in summaries {
            let helpURI = try #require(uri, "\(id) has no help_uri")
            #expect(helpURI == RuleSummary.documentationURI(for: id), "\(id): help_uri \(helpURI)")
            let relative = String(helpURI.dropFirst(RuleSummary.documentationBaseURI.count))
            #expect(relative == RuleDocumentation.relativePath(for: id))
            let path = (Self.docs as NSString).appendingPathComponent(relative)
            #expect(FileManager.default.fileExists(atPath: path), "\(id): \(path) does not exist")
        }
    }

    @Test func everyShippedLicenceAndDataRuleCitesItsSourceOrIsGeneric() {
        let generic: Set<String> = ["data-control/unapproved-provider", "license/unknown-license", "inventory/unpinned-model"]
        for rule in Shipped.policy.rules where ["data-control", "license", "inventory"].contains(rule.category.rawValue) {
            if generic.contains(rule.id) { continue }
            #expect(!rule.references.isEmpty, "\(rule.id) cites no licence clause or provider term")
        }
        let threshold = Shipped.policy.rule("license/user-threshold-exceeded")!
        #expect(threshold.references.contains { $0.url.hasSuffix("llama3_1/LICENSE") && $0.title.contains("Section 2") })
    }

    // MARK: - The renderer

    @Test func renderingIsDeterministicAndCoversEveryRule() {
        let first = documentation.pages(), second = RuleDocumentation(policy: Shipped.policy).pages()
        #expect(first.map(\.relativePath) == second.map(\.relativePath))
        #expect(first.map(\.markdown) == second.map(\.markdown))
        let paths = Set(first.map(\.relativePath))
        #expect(paths.contains("README.md"))
        for rule in Shipped.policy.rules { #expect(paths.contains("\(rule.id).md")) }
        #expect(paths.contains("waiver/expired.md") && paths.contains("waiver/inline-not-allowed.md"))
    }

    @Test func pageShowsTheConditionAsBulletsAndTheFactsItReads() throws {
        let text = try page("data-control/sensitive-data-to-external-api")
        #expect(text.contains("| `data-control/sensitive-data-to-external-api` | error | data-control |"))
        #expect(text.contains("It fires for a model usage when all of these hold:\n\n- `usage.hosting` is `external-api`\n- any of:\n"
            + "  - `deployment.data_classification` is one of `confidential`, `restricted`\n  - `deployment.personal_data` is `true`\n"
            + "- not all of:\n  - `provider.approved` is `true`\n  - `provider.zero_data_retention` is `true`\n"))
        #expect(text.contains("| `provider.zero_data_retention` | the organisation has a zero-data-retention agreement |"))
        let threshold = try page("license/user-threshold-exceeded")
        #expect(threshold.contains("- `product.monthly_active_users` is greater than the fact `license.mau_threshold`"))
    }

    @Test func licenceRulePageListsTheCatalogLicencesItConcerns() throws {
        let text = try page("license/user-threshold-exceeded")
        let table = try #require(text.range(of: "The catalog licences this rule concerns").map { String(text[$0.lowerBound...]) })
        #expect(table.contains("| `llama3.1` |") && table.contains("| 700000000 | release-date |"))
        #expect(table.contains("| `qwen` |") && table.contains("<https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE>"))
        #expect(!table.contains("`apache-2.0`"))
        let multimodal = try page("license/eu-multimodal-restriction")
        #expect(multimodal.contains("| `llama3.2` |") && !multimodal.contains("| `llama3.1` |"))
        // A rule whose tests pick no licence out of the catalog gets no table.
        #expect(!(try page("license/unknown-license")).contains("The catalog licences"))
        #expect((try page("data-control/provider-trains-on-data")).contains("| `google-gemini-api` |"))
    }

    @Test func pageShowsExamplesWithTheirOrganizationOverrides() throws {
        let text = try page("data-control/sensitive-data-to-external-api")
        #expect(text.contains("## Failing example\n\n*confidential workload calling the Anthropic API*: the rule fires."))
        #expect(text.contains("value: claude-3-5-sonnet-20241022}"))
        #expect(text.contains("With these `organization.yaml` overrides:\n\n```yaml\napproved_providers: []\nprovider_agreements: []\n```"))
        #expect(text.contains("```yaml\napproved_providers:\n  - openai\nprovider_agreements:\n  - provider: openai\n    zero_data_retention: true\n    tier: enterprise\n```"))
        #expect((try page("license/attribution-missing")).contains("""
            annotations: {modelwarden.io/attribution: "Built with Llama"}
            """))
    }

    @Test func pageCitesReferencesOrSaysTheRuleIsGeneric() throws {
        #expect((try page("license/eu-multimodal-restriction")).contains(
            "(https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/USE_POLICY.md)"))
        #expect((try page("inventory/unpinned-model")).contains("this is a generic control"))
    }

    @Test func pageTellsHowToWaiveWithTheRuleIDFilledIn() throws {
        let text = try page("license/attribution-missing")
        #expect(text.contains("  - rule: license/attribution-missing\n    deployments:"))
        #expect(text.contains("rules:\n  license/attribution-missing: off\n"))
        #expect(text.contains("rules:\n  license/attribution-missing: {severity: info}\n"))
        let expired = try page("waiver/expired")
        #expect(expired.contains("It cannot be waived or turned off"))
        #expect(!expired.contains("waiver/expired: off"), "the configuration does not accept built-in finding ids")
    }

    /// The built-in pages' examples are written by hand: they must reach the verdicts they claim.
    @Test func inlineWaiverExamplesReachTheirVerdicts() throws {
        let text = try page("waiver/inline-not-allowed")
        let start = try #require(text.range(of: "```yaml\napiVersion: apps/v1"))
        let end = try #require(text[start.upperBound...].range(of: "```\n"))
        let manifest = String(text[text.index(start.lowerBound, offsetBy: 8)..<end.lowerBound])
        let refused = Shipped.audit([("deploy.yaml", manifest)])
        #expect(refused.findings.contains { $0.rule == "waiver/inline-not-allowed" })
        var policy = Shipped.policy
        policy.organization.inlineWaivers = true
        let allowed = Shipped.audit([("deploy.yaml", manifest)], organization: policy)
        #expect(!allowed.findings.contains { $0.rule == "waiver/inline-not-allowed" })
        #expect(allowed.findings.contains { $0.rule == "license/attribution-missing" && $0.status == .waived })
    }

    // MARK: - The references key

    @Test func referencesNeedATitleAndAnHTTPURL() throws {
        let folder = try TempFolder()
        try folder.write("rules/r.yaml", """
        schemaVersion: 1
        rules:
          - id: x/y
            title: T
            severity: error
            category: license
            when: {field: license.kind, equals: permissive}
            message: "m"
            remediation: r
            references:
              - {title: "Apache 2.0", url: "https://www.apache.org/licenses/LICENSE-2.0"}
              - {title: "no scheme", url: "www.example.com/terms"}
              - {url: "https://example.com"}
              - {title: T, url: "https://example.com", page: 3}
              - just a string
        """)
        let loaded = PolicyLoader.load(from: folder.path, today: Shipped.today)
        let text = loaded.diagnostics.map(\.description).joined(separator: "\n")
        for expected in [
            "rules/r.yaml:12:35: error: at 'rules[0].references[1].url': 'www.example.com/terms' is not an http(s) URL",
            "rules/r.yaml:13:9: error: at 'rules[0].references[2]': missing required key 'title'",
            "at 'rules[0].references[3].page': unknown key 'page'",
            "rules/r.yaml:15:9: error: at 'rules[0].references[4]': expected a mapping",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\nin:\n\(text)")
        }
        #expect(!text.contains("references[0]"))
    }

    // MARK: - The commands

    @Test func rulesListsTheRulesInUse() throws {
        let text = try run(Paths.binary, ["rules", "--policies", Paths.policies])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("id "))
        #expect(text.stdout.contains("license/attribution-missing") && text.stdout.contains("Required attribution not declared"))
        #expect(text.stdout.contains("waiver/expired") && text.stdout.contains("(built in)"))
        let json = try run(Paths.binary, ["rules", "--format", "json", "--policies", Paths.policies])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rules = try #require(object["rules"] as? [[String: Any]])
        #expect(rules.count == Shipped.policy.rules.count + 2)
        let attribution = try #require(rules.first { $0["id"] as? String == "license/attribution-missing" })
        #expect(attribution["severity"] as? String == "warning" && attribution["category"] as? String == "license")
        #expect(attribution["helpUri"] as? String == RuleSummary.documentationURI(for: "license/attribution-missing"))
    }

    @Test func rulesDocsWritesPagesAndCheckNamesStaleAndMissingOnes() throws {
        let folder = try TempFolder()
        let output = folder.url.appendingPathComponent("rules").path
        let docs = ["rules", "docs", "--output", output, "--policies", Paths.policies]
        let missing = try run(Paths.binary, docs + ["--check"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("license/attribution-missing.md: missing"))
        #expect(!FileManager.default.fileExists(atPath: output), "--check must write nothing")

        let written = try run(Paths.binary, docs)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try String(contentsOfFile: output + "/license/attribution-missing.md", encoding: .utf8) == (try page("license/attribution-missing")))
        #expect(try run(Paths.binary, docs + ["--check"]).status == 0)

        try folder.write("rules/license/attribution-missing.md", "edited by hand\n")
        try FileManager.default.removeItem(atPath: output + "/waiver/expired.md")
        let stale = try run(Paths.binary, docs + ["--check"])
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("license/attribution-missing.md: stale"))
        #expect(stale.stdout.contains("waiver/expired.md: missing"))
        #expect(stale.stdout.contains("run `modelwarden rules docs"))
        #expect(!stale.stdout.contains("unpinned-model.md"))
        #expect(try String(contentsOfFile: output + "/license/attribution-missing.md", encoding: .utf8) == "edited by hand\n")
    }

    @Test func explainPrintsARulePage() throws {
        let result = try run(Paths.binary, ["explain", "license/attribution-missing", "--policies", Paths.policies])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try page("license/attribution-missing")))
        #expect(result.stdout.contains("# Required attribution not declared"))
        // A model id still gets the catalog's explanation.
        let model = try run(Paths.binary, ["explain", "meta-llama/Llama-3.1-8B-Instruct", "--policies", Paths.policies])
        #expect(model.stdout.contains("licence     llama3.1"))
    }
}

import Foundation
import ModelwardenCore
import ModelwardenManifests
import Testing

@Suite struct PolicyValidationTests {
    @Test func shippedPoliciesValidate() {
        let loaded = PolicyLoader.load(from: Paths.policies, today: Shipped.today)
        #expect(loaded.errors.isEmpty, "\(loaded.errors.map(\.description).joined(separator: "\n"))")
        #expect(loaded.policy != nil)
    }

    @Test func shippedRuleExamplesReachTheirVerdicts() {
        let outcomes = PolicyTester(policy: Shipped.policy, today: Shipped.today).run()
        #expect(outcomes.count >= 18)
        for outcome in outcomes where !outcome.passed {
            Issue.record("\(outcome.rule) '\(outcome.example)': expected \(outcome.expected), got \(outcome.actual); fired \(outcome.fired); \(outcome.diagnostics)")
        }
    }

    @Test func shipsTheNineDefaultRules() {
        let ids = Set(Shipped.policy.rules.map(\.id))
        let expected: Set<String> = [
            "data-control/sensitive-data-to-external-api", "data-control/unapproved-provider", "data-control/provider-trains-on-data",
            "license/non-commercial-in-production", "license/user-threshold-exceeded", "license/attribution-missing",
            "license/eu-multimodal-restriction", "license/unknown-license", "inventory/unpinned-model",
        ]
        #expect(expected.isSubset(of: ids))
        for rule in Shipped.policy.rules where expected.contains(rule.id) {
            #expect(rule.examples.contains { $0.verdict == .fail } && rule.examples.contains { $0.verdict == .pass }, "\(rule.id)")
        }
    }

    @Test func everyLicenceCarriesSourcesAndADate() {
        for license in Shipped.policy.catalog.licenses.values {
            #expect(!license.sources.isEmpty && license.asOf != nil, "\(license.id)")
        }
        for provider in Shipped.policy.catalog.providers.values {
            #expect(!provider.sources.isEmpty && provider.asOf != nil, "\(provider.id)")
        }
    }

    @Test func aKeyWrittenTwiceInOneMappingIsAnErrorAtTheSecond() throws {
        let folder = try TempFolder()
        try folder.write("licenses/mit.yaml", """
        schemaVersion: 1
        id: mit
        name: MIT License
        kind: permissive
        name: MIT
        sources: [https://opensource.org/license/mit]
        as_of: 2026-01-01
        """)
        let loaded = PolicyLoader.load(from: folder.path, today: Shipped.today)
        let messages = loaded.errors.map(\.description)
        #expect(messages.contains { $0.contains("licenses/mit.yaml:5:1") && $0.contains("duplicate key 'name'") }, "\(messages)")
        #expect(messages.filter { $0.contains("duplicate key") }.count == 1, "\(messages)")
    }

    @Test func reportsEveryProblemAtOnceWithLocations() throws {
        let folder = try TempFolder()
        try folder.write("licenses/mit.yaml", """
        schemaVersion: 1
        id: mit
        name: MIT License
        kind: permisive
        sources: [https://opensource.org/license/mit]
        as_of: 2026-13-01
        """)
        try folder.write("models/acme.yaml", """
        schemaVersion: 1
        models:
          - id: acme-1
            family: acme
            vendor: acme
            license: mti
            patterns: ['acme-(']
            modalites: [text]
          - id: acme-1
            family: acme
            vendor: acme
            license: mit
            patterns: ['acme']
        """)
        try folder.write("rules/r.yaml", """
        schemaVersion: 1
        rules:
          - id: x/y
            title: T
            severity: eror
            category: license
            when: {field: license.kind, equal: permissive}
            message: "m"
            remediation: r
        """)
        try folder.write("waivers.yaml", """
        schemaVersion: 1
        waivers:
          - rule: x/y
            reason: r
            expires: 2030-01-01
        """)
        let loaded = PolicyLoader.load(from: folder.path, today: Shipped.today)
        #expect(loaded.policy == nil)
        let text = loaded.diagnostics.map(\.description).joined(separator: "\n")
        let expectations = [
            "licenses/mit.yaml:4:7: error: at 'kind': 'permisive' is not one of",
            "(did you mean 'permissive'?)",
            "licenses/mit.yaml:6:8: error: at 'as_of': '2026-13-01' is not a date",
            "models/acme.yaml:6:14: error: at 'models[0].license': unknown licence 'mti' (did you mean 'mit'?)",
            "at 'models[0].patterns[0]': pattern 'acme-(' does not compile",
            "at 'models[0].modalites': unknown key 'modalites' (did you mean 'modalities'?)",
            "duplicate model id 'acme-1'",
            "at 'rules[0].severity': 'eror' is not one of",
            "unknown operator 'equal' (did you mean 'equals'?)",
            "missing required key 'approved_by'",
            "more than 365 days ahead",
        ]
        for expected in expectations {
            #expect(text.contains(expected), "missing: \(expected)\nin:\n\(text)")
        }
    }

    @Test func expiredWaiverIsAWarningAndStopsWaiving() throws {
        var policy = Shipped.policy
        policy.waivers = [Waiver(rule: "license/unknown-license", deployments: [], models: [], reason: "old ticket", approvedBy: "ciso@example.com",
                                 expires: PolicyDate("2026-01-31")!, location: SourceLocation(file: "waivers.yaml", line: 3, column: 5))]
        let result = Auditor(policy: policy, today: Shipped.today).audit(texts: [(".env", "LLM_MODEL=acme-labs/parcel-ner-v3\n")])
        #expect(result.findings.contains { $0.rule == "license/unknown-license" && $0.status == .open })
        #expect(result.findings.contains { $0.rule == "waiver/expired" && $0.severity == .warning && $0.location.line == 3 })
    }

    @Test func validWaiverWaivesButKeepsTheFinding() {
        var policy = Shipped.policy
        policy.waivers = [Waiver(rule: "license/unknown-license", deployments: [], models: ["acme-labs/*"], reason: "in-house model, SEC-9",
                                 approvedBy: "ciso@example.com", expires: PolicyDate("2027-01-31")!, location: SourceLocation(file: "waivers.yaml", line: 3, column: 5))]
        let result = Auditor(policy: policy, today: Shipped.today).audit(texts: [(".env", "LLM_MODEL=acme-labs/parcel-ner-v3\n")])
        let finding = result.findings.first { $0.rule == "license/unknown-license" }
        #expect(finding?.status == .waived)
        #expect(finding?.waiverReason?.contains("SEC-9") == true)
    }
}

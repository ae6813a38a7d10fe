import Foundation
import Testing

/// Runs the built binary, as users and CI do.
@Suite struct CommandLineTests {
    @Test func checkOnTheExampleEstateFailsWithFindings() throws {
        let result = try run(Paths.binary, ["check", Paths.deployments, "--no-color"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("license/attribution-missing"))
        #expect(result.stdout.contains("model usages"))
        #expect(!result.stdout.contains("\u{1B}["))
    }

    @Test func jsonFollowsTheDocumentedShape() throws {
        let result = try run(Paths.binary, ["check", Paths.deployments, "--format", "json"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        let usages = try #require(object["usages"] as? [[String: Any]])
        #expect(!usages.isEmpty)
        for key in ["file", "line", "column", "deployment", "model", "vendor", "family", "license", "hosting", "runtime", "api"] {
            #expect(usages.allSatisfy { $0.keys.contains(key) }, "usage lacks \(key)")
        }
        let findings = try #require(object["findings"] as? [[String: Any]])
        for key in ["rule", "severity", "status", "file", "line", "deployment", "message", "remediation", "fingerprint"] {
            #expect(findings.allSatisfy { $0.keys.contains(key) }, "finding lacks \(key)")
        }
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["usages"] as? Int == usages.count)
        // Determinism: the same input gives the same bytes.
        let again = try run(Paths.binary, ["check", Paths.deployments, "--format", "json"])
        #expect(again.stdout == result.stdout)
    }

    @Test func exitCodes() throws {
        let folder = try TempFolder()
        // OpenAI approved by the repository's own configuration: a pinned model there raises nothing.
        try folder.write("clean/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        try folder.write("clean/.modelwarden.yaml", "schemaVersion: 1\norganization: {approved_providers: [openai]}\n")
        try folder.write("info/.env", "OPENAI_MODEL=gpt-4o\n")
        try folder.write("info/.modelwarden.yaml", "schemaVersion: 1\norganization: {approved_providers: [openai]}\n")
        try folder.write("broken/bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [\n")
        try folder.write("expired/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        try folder.write("expired/.modelwarden.yaml", """
            schemaVersion: 1
            organization: {approved_providers: [openai]}
            waivers:
              - {rule: license/unknown-license, reason: "old exception", approved_by: someone, expires: 2020-01-31}
            """)
        let clean = try run(Paths.binary, ["check", folder.path + "/clean", "--fail-on", "info"])
        #expect(clean.status == 0, "\(clean.stdout)")
        let info = try run(Paths.binary, ["check", folder.path + "/info"])
        #expect(info.status == 0, "\(info.stdout)")
        let failOnInfo = try run(Paths.binary, ["check", folder.path + "/info", "--fail-on", "info"])
        #expect(failOnInfo.status == 1)
        let neutral = try run(Paths.binary, ["check", folder.path + "/clean", "--no-config", "--fail-on", "warning"])
        #expect(neutral.status == 1, "without the configuration OpenAI is not approved: \(neutral.stdout)")
        #expect(neutral.stdout.contains("data-control/unapproved-provider"))
        let expired = try run(Paths.binary, ["check", folder.path + "/expired", "--fail-on", "warning"])
        #expect(expired.status == 1)
        #expect(expired.stdout.contains("waiver/expired"))
        let broken = try run(Paths.binary, ["check", folder.path + "/broken"])
        #expect(broken.status == 2)
        #expect(broken.stdout.contains("bad.yaml:"))
        let usage = try run(Paths.binary, ["check", "--no-such-flag"])
        #expect(usage.status == 64)
        let badPolicies = try run(Paths.binary, ["check", folder.path + "/clean", "--policies", folder.path + "/broken"])
        #expect(badPolicies.status == 2)
        #expect(badPolicies.stderr.contains("no policy files"), "\(badPolicies.stderr)")
    }

    @Test func policyValidateAndTestPassOnShippedPolicies() throws {
        let validate = try run(Paths.binary, ["policy", "validate", Paths.policies])
        #expect(validate.status == 0, "\(validate.stdout)")
        let test = try run(Paths.binary, ["policy", "test", Paths.policies])
        #expect(test.status == 0, "\(test.stdout)")
        #expect(test.stdout.contains(" passed, 0 failed"))
    }

    @Test func policyValidateExitsTwoOnABrokenSet() throws {
        let folder = try TempFolder()
        try folder.write("rules/r.yaml", "schemaVersion: 1\nrules:\n  - id: a\n    titel: x\n")
        let result = try run(Paths.binary, ["policy", "validate", folder.path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("r.yaml:4:5: error: at 'rules[0].titel': unknown key 'titel' (did you mean 'title'?)"))
    }

    @Test func explainSaysWhy() throws {
        let result = try run(Paths.binary, ["explain", "ollama/deepseek-r1:70b"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("why"))
        #expect(result.stdout.contains("licence"))
        let llama = try run(Paths.binary, ["explain", "meta-llama/Llama-3.1-8B-Instruct"])
        #expect(llama.stdout.contains("llama3.1"))
        #expect(llama.stdout.contains("Built with Llama"))
        #expect(llama.stdout.contains("700000000"))
    }
}

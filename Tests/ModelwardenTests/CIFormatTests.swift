import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ModelwardenCore
import Testing

/// The CI formats, baselines and waivers, through the binary as pipelines run it.
@Suite struct CIFormatTests {
    func check(_ arguments: [String], cwd: String? = nil) throws -> ProcessResult {
        try run(Paths.binary, ["check"] + arguments, cwd: cwd)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: Paths.shared.appendingPathComponent("tools/validate-schema").path)))
    func sarifIsValidAndLocatesTheModelString() throws {
        let out = try TempFolder()
        let result = try check([Paths.deployments, "--format", "sarif", "--output", out.path + "/r.sarif"])
        #expect(result.status == 1)
        let validate = try run("/usr/bin/env", ["python3", Paths.shared.appendingPathComponent("tools/validate-schema").path, "sarif", out.path + "/r.sarif"])
        #expect(validate.status == 0, "\(validate.stdout)")
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + "/r.sarif"))) as? [String: Any])
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(rules.count >= 9 && rules.allSatisfy { $0["fullDescription"] != nil && $0["help"] != nil })
        let results = try #require(run["results"] as? [[String: Any]])
        let levels = Set(results.compactMap { $0["level"] as? String })
        #expect(levels == ["error", "warning", "note"])
        // The Codestral finding sits at the model string of line 30, columns 15 to 43.
        let codestral = try #require(results.first { ($0["ruleId"] as? String) == "license/non-commercial-in-production" })
        let location = try #require(((codestral["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
        let region = try #require(location["region"] as? [String: Int])
        #expect(region == ["startLine": 30, "startColumn": 15, "endColumn": 43])
        let artifact = try #require(location["artifactLocation"] as? [String: String])
        #expect(artifact == ["uri": "k8s/kr-devtools/code-assistant.yaml", "uriBaseId": "SRCROOT"])
        #expect((codestral["partialFingerprints"] as? [String: String])?["modelwarden/v1"]?.count == 24)
        let waived = results.filter { $0["suppressions"] != nil }
        #expect(waived.count == 1)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["exitCode"] as? Int == 1)
    }

    @Test func junitParsesAndFailsOnlyAtTheThreshold() throws {
        let out = try TempFolder()
        _ = try check([Paths.deployments, "--format", "junit", "--output", out.path + "/r.xml"])
        final class Counter: NSObject, XMLParserDelegate {
            var suites = 0, cases = 0, failures = 0, skipped = 0
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                switch name {
                case "testsuite": suites += 1
                case "testcase": cases += 1
                case "failure": failures += 1
                case "skipped": skipped += 1
                default: break
                }
            }
        }
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: out.path + "/r.xml")))
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(counter.suites >= 20)
        #expect(counter.cases >= 28 * 9)
        #expect(counter.failures == 6)  // the open errors of the estate at --fail-on error
        #expect(counter.skipped == 1)   // the waived finding
    }

    @Test func githubAnnotationsAndMarkdownSummary() throws {
        let github = try check([Paths.deployments, "--format", "github"], cwd: Paths.packageRoot.path)
        let lines = github.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") })
        #expect(lines.contains { $0.hasPrefix("::error file=") && $0.includes("Deployments/k8s/kr-devtools/code-assistant.yaml,line=30,col=15,endColumn=43,title=license/non-commercial-in-production::") })
        let markdown = try check([Paths.deployments, "--format", "markdown"])
        let table = markdown.stdout.split(separator: "\n").filter { $0.hasPrefix("| error |") }
        #expect(table.count == 6)
        #expect(table.allSatisfy { $0.split(separator: "|", omittingEmptySubsequences: false).count == 8 })
        #expect(markdown.stdout.includes("## Modelwarden"))
    }

    @Test func everyFormatIsDeterministic() throws {
        for format in ["text", "json", "sarif", "junit", "github", "markdown"] {
            let first = try check([Paths.deployments, "--format", format, "--no-color"])
            let second = try check([Paths.deployments, "--format", format, "--no-color"])
            #expect(first.stdout == second.stdout, "\(format) differs between runs")
            #expect(!first.stdout.isEmpty)
        }
    }

    @Test func baselineGatesOnlyOnNewFindings() throws {
        let folder = try TempFolder()
        let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: code, labels: {modelwarden.io/environment: production}}
        spec:
          template:
            spec:
              containers:
                - name: tgi
                  image: ghcr.io/huggingface/text-generation-inference:2.4.0
                  args: ["--model-id", "mistralai/Codestral-22B-v0.1"]
        """
        try folder.write("app/deploy.yaml", manifest)
        let baseline = folder.path + "/baseline.json"
        let first = try check([folder.path + "/app", "--write-baseline", baseline])
        #expect(first.status == 1)
        // Lines added above the finding: still baselined.
        try folder.write("app/deploy.yaml", "# owner: platform team\n# reviewed 2026-11\n" + manifest)
        let shifted = try check([folder.path + "/app", "--baseline", baseline, "--format", "json"])
        #expect(shifted.status == 0, "\(shifted.stdout)")
        #expect(shifted.stdout.includes("\"status\": \"baselined\""))
        // A new finding fails.
        try folder.write("app/other.yaml", manifest.replacingOccurrences(of: "name: code", with: "name: code-2"))
        let added = try check([folder.path + "/app", "--baseline", baseline])
        #expect(added.status == 1)
        let broken = try check([folder.path + "/app", "--baseline", folder.path + "/missing.json"])
        #expect(broken.status == 2)
    }

    @Test func inlineWaiversOnlyWhereAllowed() throws {
        let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ner
          annotations: {modelwarden.io/waive: "license/unknown-license; in-house model, SEC-77; until 2027-01-31"}
        spec:
          template:
            spec:
              containers:
                - name: tgi
                  image: ghcr.io/huggingface/text-generation-inference:2.4.0
                  args: ["--model-id", "acme-labs/parcel-ner-v3"]
        """
        let refused = Shipped.audit([("deploy.yaml", manifest)])
        #expect(refused.findings.contains { $0.rule == "license/unknown-license" && $0.status == .open })
        #expect(refused.findings.contains { $0.rule == "waiver/inline-not-allowed" })
        var policy = Shipped.policy
        policy.organization.inlineWaivers = true
        let allowed = Shipped.audit([("deploy.yaml", manifest)], organization: policy)
        #expect(allowed.findings.contains { $0.rule == "license/unknown-license" && $0.status == .waived && $0.waiverReason?.includes("SEC-77") == true })
        #expect(!allowed.findings.contains { $0.rule == "waiver/inline-not-allowed" })
    }

    @Test func severalFormatsInOneRun() throws {
        let out = try TempFolder()
        let result = try check([Paths.deployments, "--format", "sarif", "--output", out.path + "/a.sarif", "--format", "junit", "--output", out.path + "/a.xml", "--format", "json"])
        #expect(result.status == 1)
        #expect(FileManager.default.fileExists(atPath: out.path + "/a.sarif") && FileManager.default.fileExists(atPath: out.path + "/a.xml"))
        #expect(result.stdout.hasPrefix("{"))
        let twoToStdout = try check([Paths.deployments, "--format", "json", "--format", "text"])
        #expect(twoToStdout.status == 64)
    }
}

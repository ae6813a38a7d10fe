import ModelwardenCore

/// JUnit XML for GitLab, Jenkins and Azure DevOps test reports: a test suite per file, a test case per
/// deployment and rule. Open findings at or above `--fail-on` fail their case; waived and baselined ones are
/// skipped; input problems are errors.
public struct JUnitReporter: Reporter {
    public init() {}

    public func render(_ result: AuditResult, context: ReportContext) -> String {
        struct Case {
            var classname: String
            var name: String
            var file: String
            var line: Int
            var failures: [Finding] = []
            var skipped: [Finding] = []
            var passedNotes: [Finding] = []
            var error: Diagnostic?
        }
        var suites: [String: [Case]] = [:]
        let findingsByDeployment = Dictionary(grouping: result.findings.filter { $0.deployment != nil }, by: { $0.deployment! })
        for deployment in result.deployments {
            let findings = findingsByDeployment[deployment.ref] ?? []
            for rule in result.rules where !rule.id.hasPrefix("tools/") && (!rule.id.hasPrefix("waiver/") || findings.contains(where: { $0.rule == rule.id })) {
                var testCase = Case(classname: deployment.ref.description, name: rule.id, file: deployment.location.file, line: deployment.location.line)
                for finding in findings where finding.rule == rule.id {
                    switch finding.status {
                    case .waived, .baselined: testCase.skipped.append(finding)
                    case .open:
                        if let threshold = context.failOn, finding.severity >= threshold {
                            testCase.failures.append(finding)
                        } else {
                            testCase.passedNotes.append(finding)
                        }
                    }
                }
                suites[deployment.location.file, default: []].append(testCase)
            }
        }
        // Each MCP server is a case per tool rule, in its config file's suite.
        for resolved in result.tools {
            let server = resolved.server
            let ref = resolved.findingRef
            let findings = (findingsByDeployment[ref] ?? []).filter { $0.location.file == server.location.file }
            for rule in result.rules where rule.id.hasPrefix("tools/") {
                var testCase = Case(classname: ref.description, name: rule.id, file: server.location.file, line: server.location.line)
                for finding in findings where finding.rule == rule.id {
                    switch finding.status {
                    case .waived, .baselined: testCase.skipped.append(finding)
                    case .open:
                        if let threshold = context.failOn, finding.severity >= threshold { testCase.failures.append(finding) } else { testCase.passedNotes.append(finding) }
                    }
                }
                suites[server.location.file, default: []].append(testCase)
            }
        }
        for finding in result.findings where finding.deployment == nil {
            var testCase = Case(classname: "policy", name: finding.rule, file: finding.location.file, line: finding.location.line)
            if let threshold = context.failOn, finding.severity >= threshold { testCase.failures.append(finding) } else { testCase.passedNotes.append(finding) }
            suites["policy", default: []].append(testCase)
        }
        // Info (a template not rendered) is not a problem with the input.
        for diagnostic in result.diagnostics where diagnostic.level != .info {
            var testCase = Case(classname: "input", name: "readable: \(diagnostic.location.file)", file: diagnostic.location.file, line: diagnostic.location.line)
            testCase.error = diagnostic
            suites[diagnostic.location.file, default: []].append(testCase)
        }

        func count(_ cases: [Case]) -> (tests: Int, failures: Int, errors: Int, skipped: Int) {
            (cases.count, cases.filter { !$0.failures.isEmpty }.count, cases.filter { $0.error != nil }.count,
             cases.filter { $0.failures.isEmpty && $0.error == nil && !$0.skipped.isEmpty }.count)
        }
        let all = suites.values.flatMap { $0 }
        let total = count(all)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"modelwarden\" tests=\"\(total.tests)\" failures=\"\(total.failures)\" errors=\"\(total.errors)\" skipped=\"\(total.skipped)\">\n"
        for name in suites.keys.sorted() {
            let cases = suites[name]!
            let tally = count(cases)
            out += "  <testsuite name=\"\(xml(name))\" tests=\"\(tally.tests)\" failures=\"\(tally.failures)\" errors=\"\(tally.errors)\" skipped=\"\(tally.skipped)\">\n"
            for testCase in cases {
                out += "    <testcase classname=\"\(xml(testCase.classname))\" name=\"\(xml(testCase.name))\" file=\"\(xml(testCase.file))\" line=\"\(testCase.line)\""
                if testCase.failures.isEmpty && testCase.skipped.isEmpty && testCase.error == nil && testCase.passedNotes.isEmpty {
                    out += "/>\n"
                    continue
                }
                out += ">\n"
                if let error = testCase.error {
                    out += "      <error type=\"input\" message=\"\(xml(error.message))\">\(xml(error.description))</error>\n"
                } else if !testCase.failures.isEmpty {
                    let first = testCase.failures[0]
                    let body = testCase.failures.map { "\($0.location): \($0.severity.rawValue): \($0.message)" }.joined(separator: "\n") + "\nfix: \(first.remediation)"
                    out += "      <failure type=\"\(first.severity.rawValue)\" message=\"\(xml(first.message))\">\(xml(body))</failure>\n"
                } else if !testCase.skipped.isEmpty {
                    let first = testCase.skipped[0]
                    let why = first.status == .waived ? "waived: \(first.waiverReason ?? "")" : "baselined"
                    out += "      <skipped message=\"\(xml(why))\"/>\n"
                }
                if !testCase.passedNotes.isEmpty {
                    let notes = testCase.passedNotes.map { "\($0.location): \($0.severity.rawValue): \($0.message)" }.joined(separator: "\n")
                    out += "      <system-out>\(xml(notes))</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// XML text and attribute escaping: the HTML writer's, which also replaces the control characters XML 1.0 forbids.
    func xml(_ text: String) -> String {
        HTMLReportWriter.escape(text)
    }
}

import ModelwardenCore

/// GitHub Actions workflow commands: an annotation per open finding and input problem, at the model string.
public struct GitHubReporter: Reporter {
    public init() {}

    public func render(_ result: AuditResult, context: ReportContext) -> String {
        var out = ""
        for finding in result.findings where finding.status == .open {
            let command: String
            switch finding.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .info: command = "notice"
            }
            // Findings without a deployment (an expired waiver) point into the policy set, relative to the working folder.
            let file = finding.deployment == nil ? finding.location.file : context.pathPrefix + finding.location.file
            var properties = [
                "file=\(property(file))",
                "line=\(finding.location.line)",
                "col=\(finding.location.column)",
            ]
            if let model = finding.model { properties.append("endColumn=\(finding.location.column + Secrets.redact(model).count)") }
            properties.append("title=\(property(finding.rule))")
            out += "::\(command) \(properties.joined(separator: ","))::\(data(finding.message))\n"
        }
        for diagnostic in result.diagnostics {
            let command = diagnostic.level == .error ? "error" : diagnostic.level == .warning ? "warning" : "notice"
            out += "::\(command) file=\(property(context.pathPrefix + diagnostic.location.file)),line=\(diagnostic.location.line),col=\(diagnostic.location.column),title=modelwarden::\(data(diagnostic.message))\n"
        }
        // One closing line with the tallies, waived and baselined findings counted apart.
        out += "::notice title=modelwarden::\(data("\(result.usages.count) model usages in \(result.deployments.count) deployments; open findings: \(result.count(.error)) error, \(result.count(.warning)) warning, \(result.count(.info)) info; \(result.count(status: .waived)) waived, \(result.count(status: .baselined)) baselined"))\n"
        return out
    }

    /// Escapes a message per the workflow-command rules.
    func data(_ text: String) -> String {
        text.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    /// Escapes a property value, which also may not contain `:` or `,`.
    func property(_ text: String) -> String {
        data(text).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard includes(target) else { return self }
        return split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

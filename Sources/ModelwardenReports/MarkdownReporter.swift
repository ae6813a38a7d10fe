import ModelwardenCore

/// A Markdown summary for `$GITHUB_STEP_SUMMARY` and pull-request comments: counts, findings, the models inventory.
public struct MarkdownReporter: Reporter {
    public init() {}

    public func render(_ result: AuditResult, context: ReportContext) -> String {
        let external = result.usages.filter { $0.usage.hosting == .externalAPI }.count
        let failed = result.fails(at: context.failOn)
        var out = "## Modelwarden: \(failed ? "❌ policy violations" : "✅ no blocking findings")\n\n"
        out += "| files | deployments | model usages | self-hosted | external API | errors | warnings | info | waived | baselined | input problems |\n"
        out += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        out += "| \(result.files) | \(result.deployments.count) | \(result.usages.count) | \(result.usages.count - external) | \(external) | "
        out += "\(result.count(.error)) | \(result.count(.warning)) | \(result.count(.info)) | \(result.count(status: .waived)) | "
        out += "\(result.count(status: .baselined)) | \(result.diagnostics.count) |\n\n"

        let open = result.findings.filter { $0.status == .open }
        if !open.isEmpty {
            out += "### Findings\n\n| severity | rule | deployment | model | location | message |\n|---|---|---|---|---|---|\n"
            for finding in open.sorted(by: { ($1.severity, $0.location) < ($0.severity, $1.location) }) {
                out += "| \(finding.severity.rawValue) | `\(finding.rule)` | \(cell(finding.deployment?.description ?? "")) | \(cell(finding.model.map(Secrets.redact) ?? "")) | `\(cell(finding.location.description))` | \(cell(finding.message)) |\n"
            }
            out += "\n"
        }
        let waived = result.findings.filter { $0.status != .open }
        if !waived.isEmpty {
            out += "<details><summary>\(waived.count) waived or baselined findings</summary>\n\n| status | rule | deployment | model | reason |\n|---|---|---|---|---|\n"
            for finding in waived {
                out += "| \(finding.status.rawValue) | `\(finding.rule)` | \(cell(finding.deployment?.description ?? "")) | \(cell(finding.model.map(Secrets.redact) ?? "")) | \(cell(finding.waiverReason ?? "in the baseline")) |\n"
            }
            out += "\n</details>\n\n"
        }
        if !result.usages.isEmpty {
            out += "<details><summary>Models in use (\(result.usages.count))</summary>\n\n| deployment | model | vendor | family | licence | hosting | location |\n|---|---|---|---|---|---|---|\n"
            for resolved in result.usages {
                let usage = resolved.usage
                let place = usage.hosting == .selfHosted ? "self-hosted (\(usage.runtime ?? "unknown"))" : "external API (\(usage.api ?? "unknown"))"
                out += "| \(cell(usage.deployment.description)) | \(cell(usage.model.map(Secrets.redact) ?? "—")) | \(resolved.vendor) | \(resolved.family) | \(resolved.licenseID) | \(place) | `\(cell(usage.location.description))` |\n"
            }
            out += "\n</details>\n\n"
        }
        if !result.supported.isEmpty {
            out += "<details><summary>Supported models, not in use (\(result.supported.count), from catalogs of what the product can be configured with)</summary>\n\n| model | provider | location |\n|---|---|---|\n"
            for entry in result.supported {
                out += "| \(cell(entry.model)) | \(cell(entry.provider ?? "")) | `\(cell(entry.location.description))` |\n"
            }
            out += "\n</details>\n\n"
        }
        if !result.diagnostics.isEmpty {
            out += "### Input problems\n\n"
            for diagnostic in result.diagnostics { out += "- `\(cell(diagnostic.location.description))` \(diagnostic.level.rawValue): \(cell(diagnostic.message))\n" }
            out += "\n"
        }
        return out
    }

    /// Table-safe text: pipes escaped, line breaks flattened.
    func cell(_ text: String) -> String {
        text.replacingAll("|", "\\|").replacingAll("\n", " ")
    }
}

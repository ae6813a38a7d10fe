import ModelwardenCore

/// Output a person reads at a glance: per deployment its models and findings, then a summary line.
public struct TextReporter: Reporter {
    public init() {}

    public func render(_ result: AuditResult, context: ReportContext) -> String {
        let paint = Paint(enabled: context.colors)
        var out = ""
        let usagesByDeployment = Dictionary(grouping: result.usages, by: \.usage.deployment)
        let findingsByDeployment = Dictionary(grouping: result.findings.filter { $0.deployment != nil && !$0.isAboutTool }, by: { $0.deployment! })
        var refs = Set(usagesByDeployment.keys).union(findingsByDeployment.keys)
        for deployment in result.deployments where refs.contains(deployment.ref) { refs.remove(deployment.ref) }
        let ordered = result.deployments.map(\.ref).filter { usagesByDeployment[$0] != nil || findingsByDeployment[$0] != nil }
        var printed = Set<DeploymentRef>()
        for ref in ordered + refs.sorted() where printed.insert(ref).inserted {
            let usages = usagesByDeployment[ref] ?? []
            let findings = findingsByDeployment[ref] ?? []
            let file = usages.first?.usage.location.file ?? findings.first?.location.file ?? ""
            let mark = findings.contains { $0.status == .open && $0.severity == .error } ? paint.red("✗")
                : findings.contains { $0.status == .open && $0.severity == .warning } ? paint.yellow("!")
                : findings.contains { $0.status == .open } ? paint.blue("i") : paint.green("✓")
            out += "\(mark) \(paint.bold(ref.description))  \(paint.dim(file))\n"
            for resolved in usages {
                let usage = resolved.usage
                let model = usage.model.map(Secrets.redact) ?? "(no model named)"
                let place = usage.hosting == .selfHosted ? "self-hosted/\(usage.runtime ?? "unknown")" : "external-api/\(usage.api ?? "unknown")"
                let declared = usage.declaredLicense.map { ", declares \($0)" } ?? ""
                out += "    model   \(model)  \(paint.dim("[\(resolved.vendor) \(resolved.family), \(resolved.licenseID)\(declared), \(place)]"))  \(paint.dim("\(usage.location.line):\(usage.location.column)"))\n"
            }
            for finding in findings {
                out += "    " + line(for: finding, paint: paint) + "\n"
            }
        }
        out += tools(result, paint: paint)
        let general = result.findings.filter { $0.deployment == nil }
        if !general.isEmpty {
            out += "\(paint.bold("Policy"))\n"
            for finding in general { out += "    " + line(for: finding, paint: paint) + "\n" }
        }
        // Each rule's remedy once, not under every finding.
        var remedies: [(String, String)] = []
        for finding in result.findings where finding.status == .open && !remedies.contains(where: { $0.0 == finding.rule }) {
            remedies.append((finding.rule, finding.remediation))
        }
        if !remedies.isEmpty {
            out += "\(paint.bold("How to fix"))\n"
            for (rule, remedy) in remedies.sorted(by: { $0.0 < $1.0 }) { out += "    \(rule): \(remedy)\n" }
        }
        if !result.supported.isEmpty {
            out += "\(paint.bold("Supported models (catalogs of what the product can be configured with; not usages)"))\n"
            for (file, entries) in Dictionary(grouping: result.supported, by: \.location.file).sorted(by: { $0.key < $1.key }) {
                let names = entries.prefix(8).map(\.model).joined(separator: ", ") + (entries.count > 8 ? ", ..." : "")
                out += "    \(file): \(entries.count) (\(names))\n"
            }
        }
        if !result.diagnostics.isEmpty {
            out += "\(paint.bold("Problems reading input"))\n"
            for diagnostic in result.diagnostics {
                let level = switch diagnostic.level {
                case .error: paint.red("error")
                case .warning: paint.yellow("warning")
                case .info: paint.blue("info")
                }
                out += "    \(diagnostic.location): \(level): \(diagnostic.message)\n"
            }
        }
        out += "\n" + summary(result, paint: paint) + "\n"
        return out
    }

    /// Each MCP server: where, how it is reached, what it runs, and the findings about it.
    private func tools(_ result: AuditResult, paint: Paint) -> String {
        guard !result.tools.isEmpty else { return "" }
        var out = "\(paint.bold("Agents' tools (MCP servers)"))\n"
        let findings = Dictionary(grouping: result.findings.filter(\.isAboutTool), by: { "\($0.location)|\($0.deployment?.name ?? "")" })
        for resolved in result.tools {
            let server = resolved.server
            out += "    \(paint.bold(server.name))  \(TextReporter.toolSummary(server))  \(paint.dim("\(server.location)"))\n"
            for finding in findings["\(server.location)|\(server.name)"] ?? [] { out += "        " + line(for: finding, paint: paint) + "\n" }
        }
        return out
    }

    /// `claude-code stdio npx @scope/pkg@1.2.3 (pinned)` or `vscode http https://host/mcp (external)`.
    static func toolSummary(_ server: ToolServer) -> String {
        var parts = [server.client, server.transport.rawValue]
        if let url = server.url {
            parts.append(url)
            parts.append("(host \(server.host ?? "unknown"), \(server.hostScope?.rawValue ?? "scope unknown"))")
        } else {
            parts.append(server.launcher ?? "binary")
            if let package = server.package {
                parts.append(package + (server.version.map { "@\($0)" } ?? ""))
                parts.append(server.pinned ? "(pinned)" : "(not pinned)")
            }
        }
        if !server.enabled { parts.append("[disabled]") }
        if !server.auth.isEmpty { parts.append("auth: " + server.auth.joined(separator: ", ")) }
        if !server.env.isEmpty { parts.append("env: " + server.env.joined(separator: ", ")) }
        return parts.joined(separator: " ")
    }

    private func line(for finding: Finding, paint: Paint) -> String {
        let label: String
        switch finding.severity {
        case .error: label = paint.red("error  ")
        case .warning: label = paint.yellow("warning")
        case .info: label = paint.blue("info   ")
        }
        let status = finding.status == .waived ? paint.dim(" (waived: \(finding.waiverReason ?? ""))")
            : finding.status == .baselined ? paint.dim(" (baselined)") : ""
        return "\(label) \(finding.rule): \(finding.message)\(status)  \(paint.dim("\(finding.location)"))"
    }

    private func summary(_ result: AuditResult, paint: Paint) -> String {
        let external = result.usages.filter { $0.usage.hosting == .externalAPI }.count
        let waived = result.findings.filter { $0.status == .waived }.count
        var parts = [
            "\(result.files) files", "\(result.deployments.count) deployments",
            "\(result.usages.count) model usages (\(result.usages.count - external) self-hosted, \(external) external API)",
            "findings: \(result.count(.error)) error, \(result.count(.warning)) warning, \(result.count(.info)) info",
        ]
        if !result.tools.isEmpty { parts.insert("\(result.tools.count) MCP servers", at: 3) }
        if waived > 0 { parts.append("\(waived) waived") }
        let baselined = result.count(status: .baselined)
        if baselined > 0 { parts.append("\(baselined) baselined") }
        let problems = result.diagnostics.filter { $0.level != .info }.count
        if problems > 0 { parts.append("\(problems) input problems") }
        if result.unread > 0 { parts.append("\(result.unread) files not read") }
        let data = result.roles.filter { $0.verdict.role == .data }.count
        if data > 0 { parts.append("\(data) data files (--explain-roles)") }
        return paint.bold(parts.joined(separator: "; "))
    }
}

/// ANSI colours, only when writing to a terminal.
struct Paint {
    let enabled: Bool

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func red(_ text: String) -> String { wrap("31", text) }
    func yellow(_ text: String) -> String { wrap("33", text) }
    func green(_ text: String) -> String { wrap("32", text) }
    func blue(_ text: String) -> String { wrap("34", text) }
    func bold(_ text: String) -> String { wrap("1", text) }
    func dim(_ text: String) -> String { wrap("2", text) }
}

/// Turns resolved usages into findings: every rule over every usage, then waivers.
public struct Evaluator: Sendable {
    public let policy: PolicySet
    public let today: PolicyDate
    /// The rules about usages and their messages' templates, made once per policy set rather than once per usage.
    let usageRules: [Rule]
    let usageMessages: [MessageTemplate]

    public init(policy: PolicySet, today: PolicyDate = .today) {
        self.policy = policy
        self.today = today
        usageRules = policy.rules.filter { $0.subject == .usages }
        usageMessages = usageRules.map { MessageTemplate($0.message) }
    }

    public func evaluate(_ usages: [ResolvedUsage], tools: [ResolvedToolServer] = [], deployments: [DeploymentRef: Deployment]) -> [Finding] {
        let perUsage = ParallelMap.map(usages) { resolved in
            self.findings(for: resolved, deployment: deployments[resolved.usage.deployment])
        }
        return evaluate(perUsage: perUsage, tools: tools, deployments: deployments)
    }

    /// What the usage rules say of one usage, before waivers: a function of the usage and its deployment alone (no
    /// rule looks across usages), so an incremental audit can keep it while neither changes.
    public func findings(for resolved: ResolvedUsage, deployment: Deployment?) -> [Finding] {
        let facts = UsageFacts(resolved: resolved, deployment: deployment, organization: policy.organization)
        var findings: [Finding] = []
        // By position: each rule is read in place, not copied, for every usage.
        for index in usageRules.indices where usageRules[index].condition.evaluate(facts.value) {
            findings.append(Finding(
                rule: usageRules[index].id, title: usageRules[index].title, severity: usageRules[index].severity,
                category: usageRules[index].category.rawValue, location: resolved.usage.location, deployment: resolved.usage.deployment,
                model: resolved.usage.model, message: usageMessages[index].render(facts.value), remediation: usageRules[index].remediation))
        }
        return findings
    }

    /// The findings of a scan from each usage's own (`findings(for:deployment:)`, in usage order) and the tools'.
    public func evaluate(perUsage: [[Finding]], tools: [ResolvedToolServer], deployments: [DeploymentRef: Deployment]) -> [Finding] {
        // One finding per rule, file, deployment and model: repeated mentions are one problem.
        // Gathered in one array, without the joined, concatenated and filtered copies of every finding.
        var seen = Set<String>()
        var findings: [Finding] = []
        findings.reserveCapacity(perUsage.reduce(0) { $0 + $1.count })
        for list in perUsage {
            for index in list.indices where seen.insert(list[index].fingerprint).inserted { findings.append(list[index]) }
        }
        for finding in evaluate(tools: tools) where seen.insert(finding.fingerprint).inserted { findings.append(finding) }
        return applyWaivers(findings, deployments: deployments)
    }

    /// The findings of `applies_to: tools` rules: one per rule and server, at the server's entry.
    func evaluate(tools: [ResolvedToolServer]) -> [Finding] {
        let toolRules = policy.rules.filter { $0.subject == .tools }
        guard !toolRules.isEmpty else { return [] }
        return tools.flatMap { resolved -> [Finding] in
            let facts = ToolFacts(resolved: resolved, organization: policy.organization)
            return toolRules.filter { $0.condition.evaluate(facts.value) }.map { rule in
                Finding(
                    rule: rule.id, title: rule.title, severity: rule.severity, category: rule.category.rawValue,
                    location: resolved.server.location, deployment: resolved.findingRef, model: nil,
                    message: rule.render(facts.value), remediation: rule.remediation)
            }
        }
    }

    /// Marks waived findings (kept, never dropped) and turns expired waivers into warnings. Inline
    /// `modelwarden.io/waive` annotations count only where organization.yaml allows them.
    public func applyWaivers(_ findings: consuming [Finding], deployments: [DeploymentRef: Deployment] = [:]) -> [Finding] {
        var inline: [Waiver] = []
        var result = findings
        // Only the few deployments that carry a waiver annotation are put in order.
        for deployment in deployments.values.filter({ $0.labels[LabelKey.waive] != nil }).sorted(by: { $0.location < $1.location }) {
            guard let annotation = deployment.labels[LabelKey.waive] else { continue }
            guard policy.organization.inlineWaivers else {
                let refused = RuleSummary.inlineWaiverRefused
                result.append(Finding(
                    rule: refused.id, title: refused.title, severity: refused.severity, category: refused.category,
                    location: deployment.location, deployment: deployment.ref, model: nil,
                    message: "\(deployment.ref.name) carries an inline waiver (\(annotation)), which the organisation does not allow (organization.waivers.inline); it is ignored",
                    remediation: refused.remediation))
                continue
            }
            if let waiver = Waiver.inline(annotation, for: deployment, maxDays: policy.organization.maxWaiverDays, today: today) {
                inline.append(waiver)
            }
        }
        let waivers = policy.waivers + inline
        // Without waivers (the shipped default) no finding needs to be looked at.
        if !waivers.isEmpty {
            for index in result.indices {
                let finding = result[index]
                if let waiver = waivers.first(where: {
                    !$0.isExpired(on: today) && $0.covers(rule: finding.rule, deployment: finding.deployment, model: finding.model)
                }) {
                    result[index].status = .waived
                    result[index].waiverReason = "\(waiver.reason) (approved by \(waiver.approvedBy), until \(waiver.expires))"
                }
            }
        }
        let expired = RuleSummary.expiredWaiver
        for waiver in waivers where waiver.isExpired(on: today) {
            result.append(Finding(
                rule: expired.id, title: expired.title, severity: expired.severity, category: expired.category,
                location: waiver.location, deployment: nil, model: nil,
                message: "the waiver for \(waiver.rule) (\(waiver.reason)) expired on \(waiver.expires) and no longer applies",
                remediation: expired.remediation))
        }
        result.sort { ($0.location, $0.rule) < ($1.location, $1.rule) }
        return result
    }
}


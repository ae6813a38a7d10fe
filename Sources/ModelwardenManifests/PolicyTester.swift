import ModelwardenCore
import ModelwardenYAML

/// Runs every rule's examples: each is scanned as a folder of its own and must reach its verdict.
public struct PolicyTester: Sendable {
    public struct Outcome: Sendable {
        public var rule: String
        public var example: String
        public var expected: Rule.Example.Verdict
        public var actual: Rule.Example.Verdict
        public var location: SourceLocation
        /// The rules that fired, to explain a failure.
        public var fired: [String]
        public var diagnostics: [Diagnostic]
        public var passed: Bool { expected == actual && diagnostics.isEmpty }
    }

    public let policy: PolicySet
    public let today: PolicyDate

    public init(policy: PolicySet, today: PolicyDate = .today) {
        self.policy = policy
        self.today = today
    }

    public func run() -> [Outcome] {
        policy.rules.flatMap { rule in rule.examples.map { run(rule, $0) } }
    }

    func run(_ rule: Rule, _ example: Rule.Example) -> Outcome {
        var examplePolicy = policy
        examplePolicy.waivers = []
        if let override = example.organization {
            examplePolicy.organization = PolicyTester.organization(policy.organization, overriddenBy: override, file: example.location.file)
        }
        let result = Auditor(policy: examplePolicy, today: today).audit(texts: example.files.map { ($0.path, $0.text) })
        let fired = result.findings.map(\.rule)
        return Outcome(
            rule: rule.id, example: example.name, expected: example.verdict, actual: fired.contains(rule.id) ? .fail : .pass,
            location: example.location, fired: Array(Set(fired)).sorted(), diagnostics: result.diagnostics)
    }

    /// The organisation with some top-level keys replaced.
    static func organization(_ base: Organization, overriddenBy override: YAMLNode, file: String) -> Organization {
        let replaced = Set((override.pairs ?? []).compactMap { $0.key.scalar })
        var pairs = (base.node?.pairs ?? []).filter { !replaced.contains($0.key.scalar ?? "") }
        pairs += override.pairs ?? []
        if !pairs.contains(where: { $0.key.scalar == "schemaVersion" }) {
            pairs.append(YAMLNode.Pair(key: YAMLNode(content: .scalar("schemaVersion", .plain), mark: override.mark),
                                       value: YAMLNode(content: .scalar("1", .plain), mark: override.mark)))
        }
        let node = YAMLNode(content: .mapping(pairs), mark: override.mark)
        return Organization.read(node, file: file).0
    }
}

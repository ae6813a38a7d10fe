import ModelwardenYAML

/// A policy rule: a condition over a usage's facts that yields a finding.
public struct Rule: Sendable {
    public enum Category: String, Sendable, CaseIterable {
        case license
        case dataControl = "data-control"
        case inventory
    }

    /// What a rule judges: each model usage (the default), or each MCP server an agent is given (`applies_to: tools`).
    public enum Subject: String, Sendable, CaseIterable {
        case usages, tools

        /// The fact paths a condition and a message of this subject may name.
        public var knownFields: Set<String> {
            switch self {
            case .usages: return UsageFacts.paths
            case .tools: return ToolFacts.paths
            }
        }
    }

    /// A small manifest set with the verdict the rule must reach on it.
    public struct Example: Sendable {
        public enum Verdict: String, Sendable { case fail, pass }
        public var name: String
        public var verdict: Verdict
        public var files: [(path: String, text: String)]
        /// Top-level `organization.yaml` keys this example overrides.
        public var organization: YAMLNode?
        public var location: SourceLocation
    }

    /// A primary source the rule enforces: a licence clause, a provider's terms page.
    public struct Reference: Sendable, Hashable {
        public var title: String
        public var url: String

        public init(title: String, url: String) {
            self.title = title
            self.url = url
        }
    }

    public var id: String
    public var title: String
    public var severity: Severity
    public var category: Category
    public var description: String
    public var condition: Condition
    public var message: String
    public var remediation: String
    public var helpURI: String?
    public var references: [Reference] = []
    public var examples: [Example]
    public var subject: Subject = .usages
    public var location: SourceLocation

    /// The message with `{path}` placeholders replaced by facts.
    public func render(_ fact: (String) -> FactValue?) -> String {
        Rule.render(message, fact)
    }

    static func render(_ message: String, _ fact: (String) -> FactValue?) -> String {
        var result = ""
        var rest = Substring(message)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let path = String(rest[rest.index(after: open)..<close])
            result += fact(path)?.description ?? "unknown"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

/// A rule's message split once into literal text and `{path}` placeholders, exactly as `Rule.render` reads it: the
/// rules' messages are fixed for a policy set, and every finding renders one.
struct MessageTemplate: Sendable {
    let pieces: [(text: String, path: String?)]

    init(_ message: String) {
        var pieces: [(text: String, path: String?)] = []
        var rest = Substring(message)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pieces.append((String(rest[..<open]), String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        pieces.append((String(rest), nil))
        self.pieces = pieces
    }

    func render(_ fact: (String) -> FactValue?) -> String {
        var result = ""
        for piece in pieces {
            result += piece.text
            if let path = piece.path { result += fact(path)?.description ?? "unknown" }
        }
        return result
    }
}

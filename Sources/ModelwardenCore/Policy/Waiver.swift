/// An approved exception to one rule for some deployments, until an expiry date.
public struct Waiver: Sendable {
    public struct Selector: Sendable {
        public var kind: String?
        public var namespace: String?
        public var name: String?

        public init(kind: String? = nil, namespace: String? = nil, name: String? = nil) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
        }

        func matches(_ ref: DeploymentRef) -> Bool {
            (kind.map { glob($0, matches: ref.kind) } ?? true)
                && (namespace.map { glob($0, matches: ref.namespace ?? "") } ?? true)
                && (name.map { glob($0, matches: ref.name) } ?? true)
        }
    }

    public var rule: String
    public var deployments: [Selector]
    public var models: [String]
    public var reason: String
    public var approvedBy: String
    public var expires: PolicyDate
    public var location: SourceLocation

    public init(rule: String, deployments: [Selector], models: [String], reason: String, approvedBy: String, expires: PolicyDate, location: SourceLocation) {
        self.rule = rule
        self.deployments = deployments
        self.models = models
        self.reason = reason
        self.approvedBy = approvedBy
        self.expires = expires
        self.location = location
    }

    public func isExpired(on today: PolicyDate) -> Bool { expires < today }

    /// Whether this waiver covers a finding, expiry aside.
    public func covers(rule: String, deployment: DeploymentRef?, model: String?) -> Bool {
        guard glob(self.rule, matches: rule) else { return false }
        if !deployments.isEmpty {
            guard let deployment, deployments.contains(where: { $0.matches(deployment) }) else { return false }
        }
        if !models.isEmpty {
            guard let model, models.contains(where: { glob($0.lowercased(), matches: model.lowercased()) }) else { return false }
        }
        return true
    }

    /// An inline annotation, `modelwarden.io/waive: "RULE; reason; until DATE"`, for the deployment that carries it.
    /// The approver is the manifest's author; the expiry is capped at the organisation's maximum.
    public static func inline(_ text: String, for deployment: Deployment, maxDays: Int, today: PolicyDate) -> Waiver? {
        let parts = text.split(separator: ";").map { String($0).trimmed }
        guard parts.count >= 3, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        let until = parts[2].hasPrefix("until ") ? String(parts[2].dropFirst(6)).trimmed : parts[2]
        guard let expires = PolicyDate(until), expires.dayNumber - today.dayNumber <= maxDays else { return nil }
        return Waiver(rule: parts[0], deployments: [Selector(kind: deployment.ref.kind, namespace: deployment.ref.namespace, name: deployment.ref.name)],
                      models: [], reason: parts[1], approvedBy: "inline annotation in \(deployment.location.file)", expires: expires,
                      location: deployment.location)
    }
}

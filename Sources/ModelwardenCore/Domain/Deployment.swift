/// Identifies one workload found in a manifest.
public struct DeploymentRef: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var kind: String
    public var namespace: String?
    public var name: String

    public init(kind: String, namespace: String?, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public static func < (lhs: DeploymentRef, rhs: DeploymentRef) -> Bool {
        (lhs.namespace ?? "", lhs.name, lhs.kind) < (rhs.namespace ?? "", rhs.name, rhs.kind)
    }

    /// `Deployment ml/vllm-llama`.
    public var description: String {
        "\(kind) \(namespace.map { "\($0)/" } ?? "")\(name)"
    }
}

/// One workload: a Kubernetes object, a compose service, a LiteLLM proxy, an env file's app.
public struct Deployment: Sendable, Hashable, Codable {
    public var ref: DeploymentRef
    public var location: SourceLocation
    /// Labels and annotations of the object and its pod template, merged (annotations last).
    public var labels: [String: String]

    public init(ref: DeploymentRef, location: SourceLocation, labels: [String: String] = [:]) {
        self.ref = ref
        self.location = location
        self.labels = labels
    }
}

/// The well-known label keys a deployment can carry.
public enum LabelKey {
    public static let dataClassification = "modelwarden.io/data-classification"
    public static let personalData = "modelwarden.io/personal-data"
    public static let environment = "modelwarden.io/environment"
    public static let product = "modelwarden.io/product"
    public static let attribution = "modelwarden.io/attribution"
    /// `RULE; reason; until DATE`, honoured only where organization.yaml allows inline waivers.
    public static let waive = "modelwarden.io/waive"

    /// The short names used in `organization.yaml`'s `label_keys`.
    public static let byShortName: [String: String] = [
        "data-classification": dataClassification,
        "personal-data": personalData,
        "environment": environment,
        "product": product,
        "attribution": attribution,
    ]
}

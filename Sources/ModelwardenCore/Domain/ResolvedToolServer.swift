/// An MCP server with what the organisation's policy says of it: the scope of its host among the estate's domains, the
/// data classification of what wires it in, whether the organisation approves it and knows its publisher.
public struct ResolvedToolServer: Sendable, Hashable {
    public var server: ToolServer
    /// public | internal | confidential | restricted; nil when neither a workload nor the repository declares one.
    public var dataClassification: String?
    /// What the classification comes from: `Deployment ns/name` or `organization.data_classification`.
    public var classifiedBy: String?
    /// The workload in the server's folder (or above it) that it is counted with, the most sensitive one.
    public var workload: DeploymentRef?
    /// A remote server listed in `approved_tools`; nil for a local server.
    public var approved: Bool?
    /// The package is in one of the organisation's `tool_publishers`; nil without a list or a package.
    public var publisherKnown: Bool?

    public init(server: ToolServer) {
        self.server = server
    }

    /// The workload-like reference findings about this server carry: one per server, so each has its own fingerprint.
    public var findingRef: DeploymentRef { DeploymentRef(kind: "MCPServer", namespace: nil, name: server.name) }
}

/// Joins the servers of a scan with the organisation and the workloads beside them.
public struct ToolServerResolution: Sendable {
    public let organization: Organization
    public let deployments: [Deployment]

    public init(organization: Organization, deployments: [Deployment]) {
        self.organization = organization
        self.deployments = deployments
    }

    /// The order of sensitivity of the classification words.
    public static let classificationRank = ["public": 0, "internal": 1, "confidential": 2, "restricted": 3]

    public func resolve(_ servers: [ToolServer]) -> [ResolvedToolServer] {
        var seen = Set<String>()
        return servers.sorted { ($0.location, $0.name) < ($1.location, $1.name) }
            .filter { seen.insert("\($0.identity)|\($0.location.line)").inserted }
            .map(resolve)
    }

    public func resolve(_ server: ToolServer) -> ResolvedToolServer {
        var server = server
        if let host = server.host { server.hostScope = ToolServer.scope(ofHost: host, estateDomains: organization.estateDomains) }
        var resolved = ResolvedToolServer(server: server)
        // A user's own file (`scope: user`) lies in no repository folder: the workloads beside it are none.
        if server.scope == "project", let (deployment, classification) = mostSensitiveWorkload(besides: server.location.file) {
            resolved.workload = deployment.ref
            resolved.dataClassification = classification
            resolved.classifiedBy = deployment.ref.description
        }
        if let declared = organization.dataClassification,
           (Self.classificationRank[declared] ?? -1) > (resolved.dataClassification.flatMap { Self.classificationRank[$0] } ?? -1) {
            resolved.dataClassification = declared
            resolved.classifiedBy = "organization.data_classification"
        }
        if server.isRemote { resolved.approved = organization.approvesTool(url: server.url, host: server.host) }
        if !organization.toolPublishers.isEmpty, let package = server.package {
            resolved.publisherKnown = organization.toolPublishers.contains { Organization.publisher($0, owns: package) }
        }
        return resolved
    }

    /// The classified workload declared in the server's folder or a folder above it, the most sensitive first.
    private func mostSensitiveWorkload(besides file: String) -> (Deployment, String)? {
        let folder = file.split(separator: "/").dropLast().joined(separator: "/")
        var best: (Deployment, String, Int)?
        for deployment in deployments {
            let theirs = deployment.location.file.split(separator: "/").dropLast().joined(separator: "/")
            guard theirs.isEmpty || folder == theirs || folder.hasPrefix(theirs + "/") else { continue }
            let label = organization.label(LabelKey.dataClassification, in: deployment.labels)
                ?? organization.defaults(forNamespace: deployment.ref.namespace)?.dataClassification
            guard let classification = label?.lowercased(), let rank = Self.classificationRank[classification] else { continue }
            if best == nil || rank > best!.2 { best = (deployment, classification, rank) }
        }
        return best.map { ($0.0, $0.1) }
    }
}

extension Finding {
    /// A finding about an MCP server (its deployment reference is the server's own).
    public var isAboutTool: Bool { deployment?.kind == "MCPServer" }
}

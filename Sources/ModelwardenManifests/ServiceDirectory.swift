import ModelwardenCore
import Synchronization

/// What an in-house host name leads to: a model server, or a gateway (a LiteLLM proxy) that forwards requests.
enum ServiceTarget: Equatable {
    case server(DeploymentRef, runtime: String)
    case gateway(DeploymentRef, routes: [Usage])
}

/// Resolves in-house hosts (`http://llm-gateway.ml.svc:4000`, `http://ollama:11434`) to the workloads behind them,
/// through Kubernetes Services and their selectors, or compose service names.
struct ServiceDirectory {
    struct Service: Codable {
        var namespace: String?
        var name: String
        var selector: [String: String]
    }

    private var servicesByName: [String: [Service]] = [:]
    /// Every deployment once; the two lookups below hold positions in it (no copy of each deployment per lookup).
    private var deployments: [Deployment] = []
    private var deploymentsByName: [String: [Int]] = [:]
    private var deploymentsByNamespace: [String: [Int]] = [:]
    var servers: [DeploymentRef: String] = [:]
    var gateways: [DeploymentRef: [Usage]] = [:]
    /// Records each lookup and its answer, when set: what a workload's analysis learned from the directory, so that
    /// `AuditMemo` can tell whether a later directory would answer it the same way.
    var log: LookupLog?

    /// The lookups of one analysis, in order.
    final class LookupLog: Sendable {
        struct Lookup: Equatable {
            var host: String
            var client: DeploymentRef
            var target: ServiceTarget?
        }

        private let lookups = Mutex<[Lookup]>([])

        var recorded: [Lookup] { lookups.withLock { $0 } }

        func append(_ lookup: Lookup) { lookups.withLock { $0.append(lookup) } }
    }

    init(services: [Service] = [], deployments: [Deployment] = []) {
        servicesByName = Dictionary(grouping: services, by: \.name)
        self.deployments = deployments
        deploymentsByName = Dictionary(grouping: deployments.indices, by: { deployments[$0].ref.name })
        deploymentsByNamespace = Dictionary(grouping: deployments.indices, by: { deployments[$0].ref.namespace ?? "" })
    }

    var isEmpty: Bool { servers.isEmpty && gateways.isEmpty }

    func target(forHost host: String, from client: DeploymentRef) -> ServiceTarget? {
        let found = lookUp(host, from: client)
        log?.append(LookupLog.Lookup(host: host, client: client, target: found))
        return found
    }

    private func lookUp(_ host: String, from client: DeploymentRef) -> ServiceTarget? {
        let parts = host.split(separator: ".").map(String.init)
        guard let name = parts.first else { return nil }
        let namespace = parts.count > 1 && (parts.count == 2 || parts[2] == "svc") ? parts[1] : client.namespace
        var candidates: [DeploymentRef] = []
        if let service = servicesByName[name]?.first(where: { $0.namespace == nil || namespace == nil || $0.namespace == namespace }),
           !service.selector.isEmpty {
            let pool = service.namespace.map { deploymentsByNamespace[$0] ?? [] } ?? deploymentsByNamespace.values.flatMap { $0 }
            candidates = pool.filter { index in service.selector.allSatisfy { deployments[index].labels[$0.key] == $0.value } }.map { deployments[$0].ref }
        }
        if candidates.isEmpty {
            // No Service: a compose service or a workload of that name.
            candidates = (deploymentsByName[name] ?? []).map { deployments[$0].ref }.filter {
                $0.namespace == namespace || namespace == nil || $0.kind == "ComposeService"
            }
        }
        for ref in candidates where ref != client {
            if let routes = gateways[ref] { return .gateway(ref, routes: routes) }
            if let runtime = servers[ref] { return .server(ref, runtime: runtime) }
        }
        return nil
    }
}

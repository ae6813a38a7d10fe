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
    struct Service: Codable, Equatable {
        var namespace: String?
        var name: String
        var selector: [String: String]
    }

    private var servicesByName: [String: [Service]] = [:]
    /// Every deployment once, and chains of positions in it: the first deployment of each name and namespace, and
    /// for each deployment the next one with the same name or namespace (-1 ends a chain). No array per name (an
    /// estate's names are nearly all distinct) and no copy of a deployment per lookup.
    private var deployments: [Deployment] = []
    private var firstByName: [String: Int] = [:]
    private var firstByNamespace: [String: Int] = [:]
    private var nextByName: [Int] = []
    private var nextByNamespace: [Int] = []
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
        nextByName = Array(repeating: -1, count: deployments.count)
        nextByNamespace = nextByName
        firstByName.reserveCapacity(deployments.count)
        // From the end, so that each chain runs in the deployments' order.
        for index in deployments.indices.reversed() {
            let ref = deployments[index].ref
            if let next = firstByName.updateValue(index, forKey: ref.name) { nextByName[index] = next }
            if let next = firstByNamespace.updateValue(index, forKey: ref.namespace ?? "") { nextByNamespace[index] = next }
        }
    }

    /// The positions of a chain, in order.
    private func chain(from first: Int?, _ next: [Int]) -> [Int] {
        var positions: [Int] = []
        var index = first ?? -1
        while index >= 0 {
            positions.append(index)
            index = next[index]
        }
        return positions
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
            let pool = service.namespace.map { chain(from: firstByNamespace[$0], nextByNamespace) }
                ?? firstByNamespace.values.flatMap { chain(from: $0, nextByNamespace) }
            candidates = pool.filter { index in service.selector.allSatisfy { deployments[index].labels[$0.key] == $0.value } }.map { deployments[$0].ref }
        }
        if candidates.isEmpty {
            // No Service: a compose service or a workload of that name.
            candidates = chain(from: firstByName[name], nextByName).map { deployments[$0].ref }.filter {
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

import ModelwardenCore

/// What an in-house host name leads to: a model server, or a gateway (a LiteLLM proxy) that forwards requests.
enum ServiceTarget {
    case server(DeploymentRef, runtime: String)
    case gateway(DeploymentRef, routes: [Usage])
}

/// Resolves in-house hosts (`http://llm-gateway.ml.svc:4000`, `http://ollama:11434`) to the workloads behind them,
/// through Kubernetes Services and their selectors, or compose service names.
struct ServiceDirectory {
    struct Service {
        var namespace: String?
        var name: String
        var selector: [String: String]
    }

    var services: [Service] = []
    var deployments: [Deployment] = []
    var servers: [DeploymentRef: String] = [:]
    var gateways: [DeploymentRef: [Usage]] = [:]

    var isEmpty: Bool { servers.isEmpty && gateways.isEmpty }

    func target(forHost host: String, from client: DeploymentRef) -> ServiceTarget? {
        let parts = host.split(separator: ".").map(String.init)
        guard let name = parts.first else { return nil }
        let namespace = parts.count > 1 && (parts.count == 2 || parts[2] == "svc") ? parts[1] : client.namespace
        var candidates: [DeploymentRef] = []
        if let service = services.first(where: { $0.name == name && ($0.namespace == nil || namespace == nil || $0.namespace == namespace) }),
           !service.selector.isEmpty {
            candidates = deployments.filter { deployment in
                (service.namespace == nil || deployment.ref.namespace == service.namespace)
                    && service.selector.allSatisfy { deployment.labels[$0.key] == $0.value }
            }.map(\.ref)
        }
        if candidates.isEmpty {
            // No Service: a compose service or a workload of that name.
            candidates = deployments.filter { $0.ref.name == name && ($0.ref.namespace == namespace || namespace == nil || $0.ref.kind == "ComposeService") }.map(\.ref)
        }
        for ref in candidates where ref != client {
            if let routes = gateways[ref] { return .gateway(ref, routes: routes) }
            if let runtime = servers[ref] { return .server(ref, runtime: runtime) }
        }
        return nil
    }
}

import ModelwardenCore

/// Which workload runs a source file: a compose service whose `build:` context holds it (the deepest context wins;
/// among services built from the same folder, the first by name). Its usages then carry the service's identity, so
/// the service's labels (data classification, environment) reach the rules.
struct CodeOwnership {
    let contexts: [(folder: String, deployment: DeploymentRef)]

    init(workloads: [Workload]) {
        contexts = workloads.compactMap { workload in workload.buildContext.map { ($0, workload.deployment) } }
            .sorted { ($0.folder.count, $1.deployment) > ($1.folder.count, $0.deployment) }
    }

    func assign(_ usages: [Usage]) -> [Usage] {
        guard !contexts.isEmpty else { return usages }
        return usages.map { usage in
            guard usage.deployment.kind == "Application", let owner = owner(of: usage.location.file) else { return usage }
            var owned = usage
            owned.deployment = owner
            return owned
        }
    }

    /// The service built from the deepest folder that contains the file.
    func owner(of file: String) -> DeploymentRef? {
        contexts.first { $0.folder.isEmpty || file.hasPrefix($0.folder + "/") }?.deployment
    }
}

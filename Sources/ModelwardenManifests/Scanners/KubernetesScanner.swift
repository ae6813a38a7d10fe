import ModelwardenCore
import ModelwardenYAML

/// Kubernetes workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job, CronJob) and ConfigMaps.
public struct KubernetesScanner: ManifestScanner {
    public let format = "kubernetes"

    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob", "ReplicationController"]

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        document["apiVersion"]?.scalar != nil && document["kind"]?.scalar != nil
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        guard let kind = document["kind"]?.scalar else { return }
        if kind == "List" {
            for item in document["items"]?.sequence ?? [] where accepts(item) { scan(item, in: file, into: &result) }
            return
        }
        let metadata = document["metadata"]
        let namespace = metadata?["namespace"]?.string
        let name = metadata?["name"]?.string ?? metadata?["generateName"]?.string ?? "unnamed"
        if kind == "ConfigMap" {
            var data: [String: Located] = [:]
            for pair in document["data"]?.pairs ?? [] {
                if let key = pair.key.scalar, var value = Located(pair.value) {
                    value.file = file.path
                    data[key] = value
                }
            }
            result.configMaps["\(namespace ?? "")/\(name)"] = data
            return
        }
        guard KubernetesScanner.workloadKinds.contains(kind) else { return }
        let podSpec: YAMLNode?
        let template: YAMLNode?
        switch kind {
        case "Pod":
            podSpec = document["spec"]
            template = nil
        case "CronJob":
            template = document["spec"]?["jobTemplate"]?["spec"]?["template"]
            podSpec = template?["spec"]
        default:
            template = document["spec"]?["template"]
            podSpec = template?["spec"]
        }
        // Labels of the object and its pod template both describe the workload.
        var labels = stringMap(metadata?["labels"])
        labels.merge(stringMap(metadata?["annotations"])) { _, new in new }
        labels.merge(stringMap(template?["metadata"]?["labels"])) { _, new in new }
        labels.merge(stringMap(template?["metadata"]?["annotations"])) { _, new in new }
        let ref = DeploymentRef(kind: kind, namespace: namespace, name: name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark), labels: labels))

        var containers: [ContainerSpec] = []
        for key in ["initContainers", "containers"] {
            for container in podSpec?[key]?.sequence ?? [] {
                containers.append(containerSpec(container, namespace: namespace))
            }
        }
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }

    private func containerSpec(_ node: YAMLNode, namespace: String?) -> ContainerSpec {
        var env: [EnvVar] = []
        for item in node["env"]?.sequence ?? [] {
            guard let nameNode = item["name"], let name = nameNode.string, let nameLocation = Located(nameNode) else { continue }
            var reference: EnvVar.Reference?
            if let source = item["valueFrom"] {
                if let ref = source["configMapKeyRef"], let map = ref["name"]?.string, let key = ref["key"]?.string {
                    reference = .configMap(name: "\(namespace ?? "")/\(map)", key: key)
                } else if source["secretKeyRef"] != nil {
                    reference = .secret
                }
            }
            env.append(EnvVar(name: name, nameLocation: nameLocation, value: Located(item["value"]), reference: reference))
        }
        var envFrom: [String] = []
        for item in node["envFrom"]?.sequence ?? [] {
            if let map = item["configMapRef"]?["name"]?.string { envFrom.append("\(namespace ?? "")/\(map)") }
        }
        // A postStart hook often pulls the model (`ollama pull llama3.1:8b`).
        let hooks = locatedStrings(node["lifecycle"]?["postStart"]?["exec"]?["command"])
        return ContainerSpec(
            name: node["name"]?.string ?? "container", image: Located(node["image"]),
            command: locatedStrings(node["command"]) + hooks, args: locatedStrings(node["args"]), env: env, envFromConfigMaps: envFrom)
    }
}

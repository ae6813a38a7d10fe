import ModelwardenCore
import ModelwardenYAML

/// Kubernetes objects: workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job, CronJob), model-serving
/// custom resources (KServe, KubeAI, NIM operator, Ray, LeaderWorkerSet, vLLM production stack, ...) and ConfigMaps.
public struct KubernetesScanner: ManifestScanner {
    public let format = "kubernetes"

    /// Kinds that describe no workload.
    static let passiveKinds: Set<String> = ["ConfigMap", "Secret", "Service", "ServiceAccount", "Role", "RoleBinding", "ClusterRole",
                                            "ClusterRoleBinding", "PersistentVolumeClaim", "PersistentVolume", "Namespace", "Ingress",
                                            "HorizontalPodAutoscaler", "PodDisruptionBudget", "StorageClass", "CustomResourceDefinition",
                                            "ServiceMonitor", "PodMonitor", "Kustomization", "HTTPRoute", "Gateway", "InferencePool",
                                            "PriorityClass", "LimitRange", "ResourceQuota", "Certificate", "Issuer"]
    static let coreWorkloads: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob", "ReplicationController"]

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        document["apiVersion"]?.scalar != nil && document["kind"]?.scalar != nil
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        guard let kind = document["kind"]?.scalar else { return }
        // `kubectl get -o yaml|json` writes `kind: List`; the API's typed lists (`DeploymentList`) hold items alike.
        if kind == "List" || kind.hasSuffix("List") && document["items"]?.sequence != nil {
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
            // A LiteLLM proxy config kept in a ConfigMap.
            for pair in document["data"]?.pairs ?? [] {
                guard let text = pair.value.scalar, text.includes("model_list"), let embedded = YAMLParser.parse(text).documents.first,
                      LiteLLMScanner().accepts(embedded) else { continue }
                let ref = DeploymentRef(kind: "LiteLLMProxy", namespace: namespace, name: name)
                result.deployments.append(Deployment(ref: ref, location: file.location(document.mark), labels: stringMap(metadata?["labels"])))
                let startLine = pair.value.mark.line + (pair.value.mark.line == pair.key.mark.line ? 1 : 0)
                for route in LiteLLMScanner.routes(embedded, deployment: ref) {
                    var moved = route
                    moved.model = file.find(route.model.text, from: startLine + route.model.line - 1,
                                            fallback: Located(route.model.text, line: startLine + route.model.line - 1, column: route.model.column))
                    result.routes.append(moved)
                }
            }
            return
        }
        if kind == "Service" {
            result.services.append(ServiceDirectory.Service(namespace: namespace, name: name, selector: stringMap(document["spec"]?["selector"])))
            return
        }
        // Some resources keep their settings at the top level (KAITO Workspace `inference:`).
        guard !KubernetesScanner.passiveKinds.contains(kind) else { return }
        let spec = document["spec"] ?? document
        if ["NetworkPolicy", "ServiceEntry", "EgressFirewall", "NetworkSet", "EgressPolicy"].contains(where: { kind.includes($0) }) {
            egressRule(kind: kind, namespace: namespace, name: name, spec: spec, document: document, file: file, into: &result)
            return
        }
        // Labels of the object and of every pod template describe the workload.
        var labels = stringMap(metadata?["labels"])
        labels.merge(annotations(metadata)) { _, new in new }
        var podSpecs: [YAMLNode] = []
        findPodSpecs(kind == "Pod" ? document : spec, into: &podSpecs, labels: &labels)
        let ref = DeploymentRef(kind: kind, namespace: namespace, name: name)

        var containers: [ContainerSpec] = []
        for podSpec in podSpecs {
            for key in ["initContainers", "containers"] {
                for container in podSpec[key]?.sequence ?? [] {
                    containers.append(containerSpec(container, namespace: namespace))
                }
            }
        }
        if !KubernetesScanner.coreWorkloads.contains(kind) {
            let runtime = KubernetesScanner.runtime(kind: kind, apiVersion: document["apiVersion"]?.scalar ?? "", spec: spec)
            var env: [EnvVar] = []
            var image: Located?
            if let repository = Located(spec["image"]?["repository"]) {
                image = repository  // NIM operator: the image names the model
            } else if runtime == "ollama", let tag = Located(spec["image"]) {
                // Ollama Operator `Model`: `spec.image` is the Ollama model tag (`phi`, `llama3.1:8b`).
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: tag, value: tag))
            }
            var commands: [Located] = []
            collectModels(spec, key: nil, file: file, env: &env, commands: &commands)
            // `provider: AzureOpenAI` (kagent ModelConfig and the like) says where the model and base URL belong.
            if let provider = spec["provider"]?.string?.lowercased().filter({ $0.isLetter }) {
                if let stem = ValuesScanner.providerKeys[provider] {
                    env = env.named(forStem: stem)
                } else if let hinted = ValuesScanner.runtimeKeys[provider] {
                    env = env.named(forStem: hinted.uppercased(), includingBaseURL: false)
                }
            }
            if !env.isEmpty || image != nil || !commands.isEmpty {
                containers.append(ContainerSpec(name: kind, image: image, args: commands, env: env, runtimeHint: runtime))
            }
            if let hint = runtime {
                for index in containers.indices where containers[index].runtimeHint == nil { containers[index].runtimeHint = hint }
            }
        }
        guard !containers.isEmpty else { return }
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark), labels: labels))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
    }

    /// Egress allow-lists (FQDNNetworkPolicy, CiliumNetworkPolicy `toFQDNs`, Istio ServiceEntry, OpenShift
    /// EgressFirewall): a host of a model API in them shows data leaving. Each host becomes an endpoint variable
    /// for the analyser, which knows the providers' hosts.
    private func egressRule(kind: String, namespace: String?, name: String, spec: YAMLNode, document: YAMLNode, file: ManifestFile, into result: inout FileScan) {
        var env: [EnvVar] = []
        spec.walk { node, _ in
            guard let located = Located(node), located.text.contains("."), !located.text.contains(" "), !located.text.contains("/"),
                  located.text.first?.isLetter == true || located.text.hasPrefix("*.") else { return }
            let host = located.text.hasPrefix("*.") ? String(located.text.dropFirst(2)) : located.text
            env.append(EnvVar(name: "EGRESS_\(env.count)_ENDPOINT", nameLocation: located, value: Located("https://\(host)", line: located.line, column: located.column)))
        }
        guard !env.isEmpty else { return }
        let ref = DeploymentRef(kind: kind, namespace: namespace, name: name)
        result.deployments.append(Deployment(ref: ref, location: file.location(document.mark), labels: stringMap(document["metadata"]?["labels"])))
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [ContainerSpec(name: kind, env: env)]))
    }

    /// kubectl's copy of the whole applied object (literal env values included) describes nothing new and must not be
    /// kept with the deployment's labels, where the store would hold any secret it contains.
    static let ignoredAnnotations: Set<String> = ["kubectl.kubernetes.io/last-applied-configuration"]

    private func annotations(_ metadata: YAMLNode?) -> [String: String] {
        stringMap(metadata?["annotations"]).filter { !KubernetesScanner.ignoredAnnotations.contains($0.key) }
    }

    /// Pod specs at any depth (Deployment templates, LeaderWorkerSet leader/worker templates, Ray head/worker groups).
    private func findPodSpecs(_ node: YAMLNode, into specs: inout [YAMLNode], labels: inout [String: String]) {
        guard let pairs = node.pairs else {
            for item in node.sequence ?? [] { findPodSpecs(item, into: &specs, labels: &labels) }
            return
        }
        if node["containers"]?.sequence != nil {
            specs.append(node)
            return
        }
        for pair in pairs {
            if pair.key.scalar == "template" || pair.key.scalar?.hasSuffix("Template") == true, let metadata = pair.value["metadata"] {
                labels.merge(stringMap(metadata["labels"])) { _, new in new }
                labels.merge(stringMap(metadata["annotations"])) { _, new in new }
            }
            findPodSpecs(pair.value, into: &specs, labels: &labels)
        }
    }

    /// The runtime a custom resource implies.
    static func runtime(kind: String, apiVersion: String, spec: YAMLNode) -> String? {
        let group = apiVersion.split(separator: "/").first.map(String.init) ?? apiVersion
        switch (kind, group) {
        case (_, "kubeai.org"):
            switch spec["engine"]?.string?.lowercased() {
            case "vllm": return "vllm"
            case "ollama": return "ollama"
            case "infinity": return "unknown"
            default: return "unknown"
            }
        case (_, "serving.kserve.io"):
            // A NIM served through KServe (`modelFormat.name` or `runtime` of `nvidia-nim-...`).
            let model = spec["predictor"]?["model"]
            let names = [model?["modelFormat"]?["name"]?.string, model?["runtime"]?.string].compactMap { $0?.lowercased() }
            return names.contains { $0.hasPrefix("nvidia-nim") } ? "nim" : "kserve"
        case ("RayService", _), ("RayCluster", _), ("RayJob", _): return "ray"
        case (_, "apps.nvidia.com"): return "nim"
        case (_, "production-stack.vllm.ai"): return "vllm"
        case (_, "kaito.sh"): return "vllm"
        case (_, "ollama.ayaka.io"): return "ollama"
        default: return nil
        }
    }

    /// A bucket or volume URI whose last folder is a model's name, not the bucket or a generic folder.
    static func namesModel(storageURI: String) -> Bool {
        guard let scheme = storageURI.range(of: "://"), !schemes.contains(where: { storageURI.hasPrefix($0) }) else { return false }
        let parts = storageURI[scheme.upperBound...].split(separator: "/").map { $0.lowercased() }
        guard parts.count >= 2, let last = parts.last else { return false }
        return !["model", "models", "weights", "data", "cache", "checkpoints", "checkpoint", "artifacts", "1", "latest"].contains(last)
            && !last.hasPrefix("$") && !last.hasPrefix("{")
    }

    static let uriKeys: Set<String> = ["url", "storageuri", "uri", "modeluri", "model_uri", "storage_uri"]
    static let schemes = ["hf://", "huggingface://", "ollama://"]

    /// Model references inside a custom resource's spec: model keys, `hf://` and `ollama://` URIs, and YAML embedded in
    /// block strings (RayService `serveConfigV2`), with lines mapped back to the outer file.
    private func collectModels(_ node: YAMLNode, key: String?, file: ManifestFile, env: inout [EnvVar]) {
        var commands: [Located] = []
        collectModels(node, key: key, file: file, env: &env, commands: &commands)
    }

    /// Also gathers `args` / `command` lists of the resource (KServe `predictor.model.args: [--model_id=...]`), which
    /// the analyser reads like a server's command line.
    private func collectModels(_ node: YAMLNode, key: String?, file: ManifestFile, env: inout [EnvVar], commands: inout [Located]) {
        switch node.content {
        case .scalar(let text, let style):
            guard let key, let located = Located(node) else { return }
            let lower = key.lowercased()
            if (style == .literal || style == .folded) && text.contains(":") && text.contains("\n") {
                collectEmbedded(text, startLine: node.mark.line + 1, file: file, env: &env)
            } else if RuntimeDetector.nimModel(image: text) != nil {
                // NIMCache `modelPuller`, NIMService images: the NIM image names the model.
                env.append(EnvVar(name: "NIM_IMAGE_\(env.count)", nameLocation: located, value: located))
            } else if KubernetesScanner.uriKeys.contains(lower), KubernetesScanner.schemes.contains(where: { text.hasPrefix($0) }) {
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: located))
            } else if ValuesScanner.urlKeys.contains(lower), text.hasPrefix("http") {
                env.append(EnvVar(name: "BASE_URL", nameLocation: located, value: located))
            } else if ValuesScanner.isModelKey(key) || lower == "model_source" {
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: located))
            }
        case .sequence(let items):
            if key == "args" || key == "command" {
                commands += items.compactMap { Located($0) }
                return
            }
            for item in items { collectModels(item, key: key, file: file, env: &env, commands: &commands) }
        case .mapping(let pairs):
            for key in ["enabled", "deploy", "enable", "deployed"] where node[key]?.bool == false { return }
            // KServe: `modelFormat: {name: nvidia-nim-mixtral-8x7b-instruct-v01}` names the NIM, and a Hugging Face format
            // loaded from a bucket is named by the bucket path (`s3://bucket/models/meta-llama--Llama-3.1-8B-Instruct`).
            if let format = Located(node["modelFormat"]?["name"]) {
                if format.text.lowercased().hasPrefix("nvidia-nim-") {
                    env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: format, value: format))
                } else if format.text.lowercased() == "huggingface", let storage = Located(node["storageUri"] ?? node["storage"]?["path"]),
                          KubernetesScanner.namesModel(storageURI: storage.text) {
                    // The server loads these weights: the path names its model even when the catalog does not know it.
                    env.append(EnvVar(name: "MODEL_WEIGHTS_\(env.count)", nameLocation: storage, value: storage))
                }
            }
            // A served name next to the real source (`model_id` beside `model_source`) is an alias.
            let hasSource = node["model_source"] != nil || node["modelURL"] != nil
            for pair in pairs {
                guard let childKey = pair.key.scalar else { continue }
                if ["containers", "initContainers", "resources", "metadata", "affinity", "tolerations", "nodeSelector", "image"].contains(childKey) { continue }
                if hasSource && ["model_id", "modelId", "name"].contains(childKey) { continue }
                collectModels(pair.value, key: childKey, file: file, env: &env, commands: &commands)
            }
            // After the URI, so a usable URI comes first.
            // `model: {uri: pvc://..., name: org/model}`: the name says which model the storage holds.
            if let key, ValuesScanner.modelKeys.contains(key.lowercased()) || key == "preset", !hasSource,
               let name = Located(node["name"] ?? node["id"]), name.text.includes("/") || name.text.includes(":") || key == "preset" {
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: name, value: name))
            }
        }
    }

    private func collectEmbedded(_ text: String, startLine: Int, file: ManifestFile, env: inout [EnvVar]) {
        let stream = YAMLParser.parse(text)
        guard stream.error == nil, let root = stream.documents.first, root.isMapping else { return }
        var inner: [EnvVar] = []
        collectModels(root, key: nil, file: file, env: &inner)
        for variable in inner {
            guard let value = variable.value else { continue }
            // Block scalars lose their indentation: find the value on its outer line.
            let outer = file.find(value.text, from: startLine + value.line - 1, fallback: Located(value.text, line: startLine + value.line - 1, column: value.column))
            env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: outer, value: outer))
        }
        // Environment variables set for the application (`runtime_env.env_vars`).
        root.walk { node, path in
            guard path.last == "env_vars", let pairs = node.pairs else { return }
            for pair in pairs {
                guard let name = pair.key.scalar, let value = Located(pair.value) else { continue }
                let outer = file.find(value.text, from: startLine + value.line - 1, fallback: Located(value.text, line: startLine + value.line - 1, column: value.column))
                env.append(EnvVar(name: name, nameLocation: outer, value: outer))
            }
        }
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

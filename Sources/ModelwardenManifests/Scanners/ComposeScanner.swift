import ModelwardenCore
import ModelwardenYAML

/// docker-compose files: each service is a deployment; `environment` (list or map), `env_file`, `labels`,
/// `${VAR:-default}` (resolved later from the sibling `.env`), anchors and merge keys (done by the parser), and
/// Docker Model Runner models (`ComposeModels`).
public struct ComposeScanner: ManifestScanner {
    public let format = "docker-compose"

    public init() {}

    public func accepts(_ document: YAMLNode) -> Bool {
        guard let services = document["services"]?.pairs, !services.isEmpty else { return false }
        return services.contains { pair in
            pair.value["image"] != nil || pair.value["build"] != nil || pair.value["environment"] != nil || pair.value["command"] != nil
                || pair.value["provider"] != nil || pair.value["models"] != nil
        }
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let directory = file.path.split(separator: "/").dropLast().joined(separator: "/")
        let project = document["name"]?.string ?? (directory.split(separator: "/").last.map(String.init) ?? "compose")
        for pair in document["services"]?.pairs ?? [] {
            guard let serviceName = pair.key.scalar, pair.value.isMapping else { continue }
            let service = pair.value
            let ref = DeploymentRef(kind: "ComposeService", namespace: project, name: serviceName)
            result.deployments.append(Deployment(ref: ref, location: file.location(pair.key.mark), labels: stringMap(service["labels"])))
            var env: [EnvVar] = []
            if let pairs = service["environment"]?.pairs {
                for entry in pairs {
                    guard let name = entry.key.scalar, let nameLocation = Located(entry.key) else { continue }
                    env.append(EnvVar(name: name, nameLocation: nameLocation, value: Located(entry.value)))
                }
            } else {
                for item in service["environment"]?.sequence ?? [] {
                    guard let entry = Located(item) else { continue }
                    env.append(ComposeScanner.assignment(entry))
                }
            }
            // Secrets given to the service (`secrets: [OPENAI_API_KEY]`) reach it as files named after them: a secret
            // named like a provider's key passes that key through, as `- OPENAI_API_KEY` in `environment` does.
            for item in service["secrets"]?.sequence ?? [] {
                guard let secret = Located(item) ?? Located(item["source"]), ValuesScanner.isEnvName(secret.text),
                      !env.contains(where: { $0.name == secret.text }) else { continue }
                env.append(EnvVar(name: secret.text, nameLocation: secret, value: nil))
            }
            var envFiles: [String] = []
            for item in locatedStrings(service["env_file"]) + locatedStrings(service["env_file"]?["path"]) {
                envFiles.append(ComposeScanner.join(directory, item.text))
            }
            for item in service["env_file"]?.sequence ?? [] {
                if let path = item["path"]?.string { envFiles.append(ComposeScanner.join(directory, path)) }
            }
            let container = ContainerSpec(
                name: serviceName, image: Located(service["image"]),
                command: locatedStrings(service["entrypoint"]) + locatedStrings(service["command"]), env: env)
            // Docker Model Runner models the service uses run beside it, not in it: containers of their own.
            let models = ComposeModels.containers(for: service, in: document)
            // AutoGen's model list given as JSON in `OAI_CONFIG_LIST`: each entry is a client of its own.
            let configLists = env.filter { $0.name == "OAI_CONFIG_LIST" }.compactMap(\.value).flatMap { AutoGenScanner.containers(inValue: $0, file: file) }
            var workload = Workload(deployment: ref, file: file.path, containers: [container] + models + configLists, envFiles: envFiles)
            // `build: ./api` or `build: {context: ./api}`: the service runs the code in that folder.
            if let context = service["build"]?.string ?? service["build"]?["context"]?.string, !context.contains("://") {
                workload.buildContext = ComposeScanner.join(directory, context)
            }
            result.workloads.append(workload)
        }
        for (name, model) in ComposeModels.unusedModels(in: document) {
            let ref = DeploymentRef(kind: "ComposeModel", namespace: project, name: name)
            result.deployments.append(Deployment(ref: ref, location: file.location(model)))
            let container = ContainerSpec(name: name, env: [EnvVar(name: "MODEL_0", nameLocation: model, value: model)], runtimeHint: ComposeModels.runtime)
            result.workloads.append(Workload(deployment: ref, file: file.path, containers: [container]))
        }
    }

    /// `KEY=value` from a list entry; the value's column follows the `=`.
    static func assignment(_ entry: Located) -> EnvVar {
        guard let eq = entry.text.firstIndex(of: "=") else {
            return EnvVar(name: entry.text, nameLocation: entry, value: nil)
        }
        let name = String(entry.text[..<eq])
        let value = String(entry.text[entry.text.index(after: eq)...])
        let offset = entry.text.utf8.distance(from: entry.text.startIndex, to: eq) + 1
        return EnvVar(name: name, nameLocation: Located(name, line: entry.line, column: entry.column),
                      value: Located(value, line: entry.line, column: entry.column + offset))
    }

    /// A path relative to the compose file's folder, normalised (`./a/../b` -> `b`).
    static func join(_ directory: String, _ path: String) -> String {
        var parts = path.hasPrefix("/") ? [] : directory.split(separator: "/").map(String.init)
        for piece in path.split(separator: "/") {
            switch piece {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(piece))
            }
        }
        return parts.joined(separator: "/")
    }
}

import ModelwardenCore
import ModelwardenYAML

/// GitLab CI `.gitlab-ci.yml`: each job is a workload whose environment is the pipeline's `variables:` and its own
/// (a variable may be `{value, description}`); `--model X` inside `before_script`, `script` and `after_script` lines
/// names a model, and the job's `image:` may be a model server. Hidden jobs (`.template`) run only when extended.
public struct GitLabCIScanner: ManifestScanner {
    public let format = "gitlab-ci"

    public init() {}

    /// Top-level keys that are pipeline settings, not jobs.
    static let reserved: Set<String> = ["variables", "stages", "default", "include", "workflow", "image", "services", "before_script",
                                        "after_script", "cache", "spec", "pages"]

    public func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool {
        let base = file.name.lowercased()
        guard base == ".gitlab-ci.yml" || base.hasSuffix(".gitlab-ci.yml") || base.hasSuffix(".gitlab-ci.yaml") else { return false }
        return !GitLabCIScanner.jobs(document).isEmpty
    }

    static func jobs(_ document: YAMLNode) -> [YAMLNode.Pair] {
        (document.pairs ?? []).filter { pair in
            guard let name = pair.key.scalar, !reserved.contains(name), !name.hasPrefix(".") else { return false }
            return pair.value["script"] != nil || pair.value["trigger"] != nil || pair.value["extends"] != nil
        }
    }

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let pipelineEnv = GitLabCIScanner.variables(document["variables"])
        for job in GitLabCIScanner.jobs(document) {
            guard let name = job.key.scalar else { continue }
            let container = GitLabCIScanner.container(job.value, name: name, inherited: pipelineEnv, defaultImage: document["image"], file: file)
            guard !container.env.isEmpty || container.image != nil else { continue }
            let ref = DeploymentRef(kind: "Pipeline", namespace: file.name, name: name)
            result.deployments.append(Deployment(ref: ref, location: file.location(job.key.mark)))
            result.workloads.append(Workload(deployment: ref, file: file.path, containers: [container]))
        }
    }

    /// `variables:` entries, plain or `{value: X, description: ...}`.
    static func variables(_ node: YAMLNode?) -> [EnvVar] {
        (node?.pairs ?? []).compactMap { pair in
            guard let name = pair.key.scalar, let nameLocation = Located(pair.key) else { return nil }
            return EnvVar(name: name, nameLocation: nameLocation, value: Located(pair.value["value"]) ?? Located(pair.value))
        }
    }

    static func container(_ job: YAMLNode, name: String, inherited: [EnvVar], defaultImage: YAMLNode?, file: ManifestFile) -> ContainerSpec {
        var env = inherited + variables(job["variables"])
        let lines = ["before_script", "script", "after_script"].flatMap { locatedStrings(job[$0]) }
        // `--model X` inside script lines; `$MODEL` is the variable, read where it is set.
        for (text, token) in RuntimeDetector.models(in: lines, runtime: nil) where !text.hasPrefix("$") {
            let located = file.find(token.text, from: token.source.line, fallback: token.source)
            env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: Located(text, line: located.line, column: located.column)))
        }
        // Role flags of eval and agent tools (`--judge-model X`, `--weak-model=X`).
        for line in lines where !line.text.includes("\n") {
            let words = GenericModelReferences.words(of: ShellText.Line(text: line.text, line: line.line, column: line.column), file: file)
            for argument in GenericModelReferences.arguments(words, path: [], neighbours: []) {
                guard let flag = argument.path.last, !RuntimeDetector.modelFlags.contains(flag), flag != "-m",
                      !argument.value.text.hasPrefix("$"), RuntimeDetector.isModelValue(argument.value.text) else { continue }
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: argument.value, value: argument.value))
            }
        }
        let imageNode = job["image"] ?? defaultImage
        let image = Located(imageNode) ?? Located(imageNode?["name"])
        // Only a model server's image says something about models; a build image says nothing.
        let server = image.flatMap { RuntimeDetector.runtime(image: $0.text, command: []) != nil ? $0 : nil }
        return ContainerSpec(name: name, image: server, env: env)
    }
}

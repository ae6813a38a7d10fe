import ModelwardenCore
import ModelwardenYAML

/// GitHub Actions workflows: each step is a container whose environment is the workflow's, the job's and its own
/// `env:`; `with:` model inputs (`model`, `gemini_model`, `claude_model`) and `--model X` inside argument strings
/// (`run:`, `claude_args:`) name models; key inputs (`anthropic_api_key`) and well-known model actions name providers.
/// `${{ inputs.m || 'gemini-2.5-flash' }}` is read as its fallback, the expression kept as evidence.
public struct GitHubActionsScanner: ManifestScanner {
    public let format = "github-actions"

    public init() {}

    public func accepts(_ document: YAMLNode, in file: ManifestFile) -> Bool {
        guard let jobs = document["jobs"]?.pairs, !jobs.isEmpty else { return false }
        return document["on"] != nil || document["true"] != nil || jobs.contains { $0.value["steps"] != nil || $0.value["runs-on"] != nil }
    }

    /// Actions that call one provider's models, by a word in their name.
    static let actionProviders: [(word: String, variable: String)] = [
        ("claude", "ANTHROPIC_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY"), ("gemini", "GEMINI_API_KEY"),
        ("openai", "OPENAI_API_KEY"), ("codex", "OPENAI_API_KEY"),
    ]

    public func scan(_ document: YAMLNode, in file: ManifestFile, into result: inout FileScan) {
        let workflowEnv = GitHubActionsScanner.env(document["env"])
        var workloads: [Workload] = []
        for job in document["jobs"]?.pairs ?? [] {
            guard let jobName = job.key.scalar else { continue }
            let ref = DeploymentRef(kind: "Workflow", namespace: file.name, name: jobName)
            let jobEnv = workflowEnv + GitHubActionsScanner.env(job.value["env"])
            var containers: [ContainerSpec] = []
            for (index, step) in (job.value["steps"]?.sequence ?? []).enumerated() {
                let container = GitHubActionsScanner.container(step, index: index, inherited: jobEnv, file: file)
                if !container.env.isEmpty || !container.args.isEmpty { containers.append(container) }
            }
            guard !containers.isEmpty else { continue }
            result.deployments.append(Deployment(ref: ref, location: file.location(job.key.mark)))
            workloads.append(Workload(deployment: ref, file: file.path, containers: containers))
        }
        result.workloads += workloads
    }

    static func env(_ node: YAMLNode?) -> [EnvVar] {
        (node?.pairs ?? []).compactMap { pair in
            guard let name = pair.key.scalar, let nameLocation = Located(pair.key) else { return nil }
            return EnvVar(name: name, nameLocation: nameLocation, value: Located(pair.value))
        }
    }

    static func container(_ step: YAMLNode, index: Int, inherited: [EnvVar], file: ManifestFile) -> ContainerSpec {
        var env = inherited + GitHubActionsScanner.env(step["env"])
        var arguments: [Located] = []
        for pair in step["with"]?.pairs ?? [] {
            guard let key = pair.key.scalar, let value = Located(pair.value) else { continue }
            let lower = key.lowercased().replacingOccurrences(of: "-", with: "_")
            if ValuesScanner.isModelKey(lower) || lower.hasSuffix("_model") {
                // An expression with no literal fallback (`${{ vars.MODEL }}`) names no model here.
                if value.text.includes("${{") && CIExpression.fallbackLiteral(value.text) == nil { continue }
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: value, value: value))
            } else if lower.hasSuffix("api_key") || lower.hasSuffix("_key") && ValuesScanner.providerKeys[String(lower.dropLast(4))] != nil {
                // Present, never read: `anthropic_api_key: ${{ secrets.X }}`.
                let name = lower.hasSuffix("api_key") ? lower.uppercased() : lower.dropLast(4).uppercased() + "_API_KEY"
                env.append(EnvVar(name: name, nameLocation: value, value: nil))
            } else if lower.hasSuffix("args") {
                arguments.append(value)
            }
        }
        if let run = Located(step["run"]) { arguments.append(run) }
        // `--model X` inside argument strings.
        for (text, token) in RuntimeDetector.models(in: arguments, runtime: nil) where !text.hasPrefix("$") || CIExpression.fallbackLiteral(text) != nil {
            let located = file.find(token.text, from: token.source.line, fallback: token.source)
            env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: Located(text, line: located.line, column: located.column)))
        }
        // A well-known model action names its provider even when no key is passed as an input.
        if let uses = Located(step["uses"]), let named = actionProviders.first(where: { uses.text.lowercased().includes($0.word) }),
           !env.contains(where: { $0.name == named.variable }) {
            env.append(EnvVar(name: named.variable, nameLocation: uses, value: nil))
        }
        let stem = env.first { Secrets.isSecretName($0.name) && $0.value == nil }.map { WorkloadAnalyzer.stem($0.name) } ?? ""
        if !stem.isEmpty { env = env.named(forStem: stem, includingBaseURL: false) }
        return ContainerSpec(name: step["name"]?.string ?? "step \(index + 1)", env: env)
    }
}

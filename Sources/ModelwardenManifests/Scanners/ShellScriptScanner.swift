import ModelwardenCore

/// Shell scripts that launch a model server (`entrypoint.sh`, `start.sh`, `run_vllm.sh`, any `*.sh` that runs
/// `vllm serve`, `text-generation-launcher`, `llama-server`, `ollama pull`): their assignments are the server's
/// environment and the launching lines its command line. Scripts that launch nothing are not workloads.
public struct ShellScriptScanner: ManifestScanner {
    public let format = "shell-script"

    public init() {}

    public func acceptsText(_ file: ManifestFile) -> Bool {
        ShellScriptScanner.isScriptName(file.name) && !EnvFileScanner.isEnvFileName(file.name)
            && ShellScriptScanner.launchesModelServer(file.text)
    }

    static func isScriptName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".sh") || lower.hasSuffix(".bash")
    }

    /// A cheap look at the text before reading it line by line.
    static func launchesModelServer(_ text: String) -> Bool {
        ShellText.launchesModel(text)
    }

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        var env: [EnvVar] = []
        var commands: [Located] = []
        for line in ShellText.logicalLines(of: file) {
            if let variable = ShellText.assignment(line, file: file) {
                env.append(variable)
            } else if ShellText.launchesModel(line.text) {
                commands.append(Located(line.text, line: line.line, column: line.column, file: file.path))
            }
        }
        guard !commands.isEmpty else { return }
        let ref = DeploymentRef(kind: "Script", namespace: nil, name: file.name)
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: 1, column: 1)))
        let container = ContainerSpec(name: file.name, command: commands, env: env)
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [container]))
    }
}

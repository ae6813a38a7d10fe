import ModelwardenManifests

/// The scanners the `scanners` fuzz target routes to, each with a file name it claims.
enum ScannerSelection {
    struct Target: Sendable {
        var fileName: String
        var scanners: [any ManifestScanner]
        /// Read as YAML whatever the name, as standard input is.
        var asStream = false
    }

    static let targets: [Target] = [
        Target(fileName: "deploy.yaml", scanners: [KubernetesScanner()]),
        Target(fileName: "docker-compose.yaml", scanners: [ComposeScanner()]),
        Target(fileName: "litellm_config.yaml", scanners: [LiteLLMScanner()]),
        Target(fileName: ".env", scanners: [EnvFileScanner()]),
        Target(fileName: "Modelfile", scanners: [ModelfileScanner()]),
        Target(fileName: "models/phi.yaml", scanners: [LocalAIScanner()]),
        Target(fileName: "main.tf", scanners: [TerraformScanner()]),
        Target(fileName: "values.yaml", scanners: [ValuesScanner()]),
        Target(fileName: "config.jsonc", scanners: [ValuesScanner()]),
        Target(fileName: "stdin", scanners: ScannerRegistry.all, asStream: true),
        Target(fileName: "chart/templates/deploy.yaml", scanners: ScannerRegistry.all),
        // TOML and Dockerfile scanners (being written): add `Target(fileName: "pyproject.toml", scanners: [TOMLScanner()])`
        // and `Target(fileName: "Dockerfile", scanners: [DockerfileScanner()])` here; the selector byte reaches them.
    ]
}

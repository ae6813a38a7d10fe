import Foundation

/// Whether a file that does not parse is one of the deployment kinds that must fail closed: a broken Kubernetes
/// manifest, compose file, Helm values file or LiteLLM config is a deployment the audit cannot see (and that its
/// own tool would refuse), so it stays an error. A broken file of no known kind (a data file, a tool's config) is
/// only "not read".
enum DeploymentKindSniffing {
    /// The kind a broken file evidently is, named for the diagnostic; nil when it is none of them.
    static func knownKind(of file: ManifestFile) -> String? {
        let name = file.name.lowercased()
        if isComposeFileName(name) { return "compose file" }
        if isHelmValuesFileName(name) { return "Helm values file" }
        if looksLikeKubernetes(file.text) { return "Kubernetes manifest" }
        if file.text.includes("model_list") { return "LiteLLM config" }
        return nil
    }

    /// `compose.yaml`, `compose.prod.yml`, `docker-compose.override.yaml`, `docker-compose-gpu.yml`.
    static func isComposeFileName(_ lowercasedName: String) -> Bool {
        lowercasedName.hasPrefix("docker-compose")
            || lowercasedName.hasPrefix("compose") && (lowercasedName.hasSuffix(".yaml") || lowercasedName.hasSuffix(".yml"))
    }

    /// `values.yaml`, `values-prod.yaml`, `values.gpu.yml`, `prod-values.yaml`: what `helm install -f` reads.
    static func isHelmValuesFileName(_ lowercasedName: String) -> Bool {
        guard lowercasedName.hasSuffix(".yaml") || lowercasedName.hasSuffix(".yml") else { return false }
        let stem = lowercasedName.split(separator: ".").first.map(String.init) ?? lowercasedName
        return stem == "values" || stem.hasPrefix("values-") || stem.hasPrefix("values_") || stem.hasSuffix("-values") || stem.hasSuffix("_values")
    }

    /// A top-level `apiVersion:` or a `kind:` naming a type (`kind: Deployment`), in YAML (also as a list item) or JSON.
    static let kubernetesLine = try! NSRegularExpression(
        pattern: #"^(?:-\s+)?(?:apiVersion:\s*\S|kind:\s*["']?[A-Z])|^\s*"(?:apiVersion"\s*:|kind"\s*:\s*"[A-Z])"#, options: [.anchorsMatchLines])

    static func looksLikeKubernetes(_ text: String) -> Bool {
        kubernetesLine.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

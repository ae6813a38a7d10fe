import ModelwardenCore
import ModelwardenYAML

/// Hugging Face model folders and caches: the model card (README.md beside config.json) declares the licence
/// (`license:`, or `license: other` with `license_name:`) and the base models (`base_model:`). The model is named by
/// the cache layout (`models--ORG--NAME/snapshots/REV/`) or, in a plain folder, by the folder.
public struct ModelCardScanner: ManifestScanner {
    public let format = "model-card"

    public init() {}

    public func acceptsText(_ file: ManifestFile) -> Bool {
        file.name == "README.md" && file.text.hasPrefix("---")
    }

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        guard let card = frontMatter(file), card["license"] != nil || card["base_model"] != nil else { return }
        let modelID = ModelCardScanner.modelID(forCardAt: file.path)
        let ref = DeploymentRef(kind: "ModelFolder", namespace: nil, name: modelID)
        let start = SourceLocation(file: file.path, line: 1, column: 1)
        result.deployments.append(Deployment(ref: ref, location: start))
        let licenseNode = card["license"]
        let location = licenseNode.map { SourceLocation(file: file.path, line: $0.mark.line, column: $0.mark.column) } ?? start
        var usage = Usage(deployment: ref, model: modelID, location: location, hosting: .selfHosted, runtime: "unknown", evidence: "model card")
        if var license = licenseNode?.string {
            // `license: other` names the licence in `license_name:` (`other/qwen` in the reference's notation).
            if license == "other", let name = card["license_name"]?.string { license = "other/\(name)" }
            usage.declaredLicense = license
            usage.declaredLicenseSource = "model card license:"
        }
        usage.declaredBaseModels = card["base_model"].map { node in node.sequence?.compactMap(\.string) ?? node.string.map { [$0] } ?? [] } ?? []
        result.usages.append(usage)
    }

    /// The YAML between the opening `---` and the next `---` line, with the card's own line numbers.
    private func frontMatter(_ file: ManifestFile) -> YAMLNode? {
        let lines = file.lines
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingSuffix() == "---" }) else { return nil }
        // Keep line numbers: the opening marker becomes an empty line.
        let yaml = "\n" + lines[1..<end].joined(separator: "\n")
        return YAMLParser.parse(yaml).documents.first
    }

    /// `.../models--meta-llama--Llama-3.1-8B-Instruct/snapshots/abc/README.md` is `meta-llama/Llama-3.1-8B-Instruct`.
    static func modelID(forCardAt path: String) -> String {
        let folders = path.split(separator: "/").dropLast().map(String.init)
        if let cache = folders.last(where: { $0.hasPrefix("models--") }) {
            return cache.dropFirst("models--".count).components(separatedBy: "--").joined(separator: "/")
        }
        return folders.last ?? "model"
    }
}

private extension Substring {
    func trimmingSuffix() -> Substring {
        var text = self
        while let last = text.last, last == " " || last == "\r" || last == "\t" { text = text.dropLast() }
        return text
    }
}

import ModelwardenCore

/// Ollama Modelfiles: the `FROM` line names the base model (a tag or a GGUF path). A `FROM` inside a
/// triple-quoted `SYSTEM` or `TEMPLATE` block is prompt text, not an instruction.
public struct ModelfileScanner: ManifestScanner {
    public let format = "modelfile"

    public init() {}

    public func acceptsText(_ file: ManifestFile) -> Bool {
        let name = file.name
        return name == "Modelfile" || name.hasSuffix("__Modelfile") || name.hasPrefix("Modelfile.") || name.hasSuffix(".modelfile") || name.hasSuffix(".Modelfile")
    }

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        let directory = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Modelfile", namespace: nil, name: directory ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: 1, column: 1)))
        var inBlock = false
        for (index, raw) in file.lines.enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let quotes = line.components(separatedBy: "\"\"\"").count - 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if !inBlock, trimmed.uppercased().hasPrefix("FROM ") {
                let value = trimmed.dropFirst(5).drop { $0 == " " }.split(separator: " ").first.map(String.init) ?? ""
                if !value.isEmpty {
                    let column = line.utf8.count - trimmed.utf8.count + (trimmed.utf8.count - trimmed.dropFirst(5).drop { $0 == " " }.utf8.count) + 1
                    result.usages.append(Usage(deployment: ref, model: value, location: SourceLocation(file: file.path, line: index + 1, column: column),
                                               hosting: .selfHosted, runtime: "ollama", evidence: "FROM"))
                }
            }
            if quotes % 2 == 1 { inBlock.toggle() }
        }
    }
}

import Foundation
import ModelwardenCore

/// Terraform (`*.tf`, `*.tfvars`) that provisions model APIs: Azure OpenAI deployments
/// (`azurerm_cognitive_deployment` with its `model { name = ... }`) and Bedrock model ids wherever a string holds one
/// (a variable's default, `aws_bedrock_foundation_model.model_id`, an agent's `foundation_model`). HCL is read line by
/// line: blocks by their braces, attributes as `key = "value"`; expressions are not evaluated.
public struct TerraformScanner: ManifestScanner {
    public let format = "terraform"

    public init() {}

    public func acceptsText(_ file: ManifestFile) -> Bool {
        TerraformScanner.isTerraformFileName(file.name)
    }

    static func isTerraformFileName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".tf") || lower.hasSuffix(".tfvars")
    }

    static let blockHeader = try! NSRegularExpression(pattern: #"^\s*([A-Za-z_][\w-]*)((?:\s+"[^"]*")*)\s*\{\s*$"#)
    static let attribute = try! NSRegularExpression(pattern: #"^\s*([A-Za-z_][\w-]*)\s*=\s*"([^"$]*)"\s*(?:#.*|//.*)?$"#)

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        // The block path: `resource azurerm_cognitive_deployment.model`, then `model`, ...
        var blocks: [(kind: String, labels: [String])] = []
        var refs: [String: DeploymentRef] = [:]
        func deployment(_ name: String, at line: Int) -> DeploymentRef {
            if let ref = refs[name] { return ref }
            let ref = DeploymentRef(kind: "Terraform", namespace: folder, name: name)
            refs[name] = ref
            result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: line, column: 1)))
            return ref
        }
        for (index, raw) in file.lines.enumerated() {
            let line = String(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") || trimmed.hasPrefix("//") || trimmed.isEmpty { continue }
            let range = NSRange(line.startIndex..., in: line)
            if let match = TerraformScanner.blockHeader.firstMatch(in: line, range: range),
               let kind = Range(match.range(at: 1), in: line).map({ String(line[$0]) }),
               let labelText = Range(match.range(at: 2), in: line).map({ String(line[$0]) }) {
                let labels = labelText.split(separator: "\"").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                blocks.append((kind, labels))
                continue
            }
            // A closing brace ends the innermost block; one-line blocks (`x { ... }`) open and close on their line.
            let opens = trimmed.filter { $0 == "{" }.count, closes = trimmed.filter { $0 == "}" }.count
            if closes > opens {
                blocks.removeLast(min(closes - opens, blocks.count))
                continue
            }
            guard let match = TerraformScanner.attribute.firstMatch(in: line, range: range),
                  let keyRange = Range(match.range(at: 1), in: line), let valueRange = Range(match.range(at: 2), in: line) else { continue }
            let key = String(line[keyRange]).lowercased()
            let value = String(line[valueRange])
            let location = SourceLocation(file: file.path, line: index + 1, column: line.utf8.distance(from: line.startIndex, to: valueRange.lowerBound) + 1)
            let top = blocks.first.map { ([$0.kind] + $0.labels).joined(separator: ".") } ?? file.name
            if blocks.count >= 2, blocks[0].labels.first == "azurerm_cognitive_deployment", blocks.last?.kind == "model", key == "name" {
                // An Azure OpenAI deployment of this model.
                result.usages.append(Usage(deployment: deployment(top, at: index + 1), model: value, location: location, hosting: .externalAPI,
                                           api: "azure-openai", evidence: "terraform azurerm_cognitive_deployment model"))
            } else if WorkloadAnalyzer.isBedrockID(value) && (ValuesScanner.isModelKey(key) || key == "default" || key.includes("model")) {
                result.usages.append(Usage(deployment: deployment(top, at: index + 1), model: value, location: location, hosting: .externalAPI,
                                           api: "aws-bedrock", evidence: "terraform \(key)"))
            }
        }
    }
}

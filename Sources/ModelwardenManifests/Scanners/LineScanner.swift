import Foundation
import ModelwardenCore

/// The fallback for text that is not valid YAML (Helm templates, mis-indented files): reads `key: value`
/// lines, `- name:` / `value:` env pairs, images and command-line flags, so literal model ids still count.
struct LineScanner {
    static let keyValue = try! NSRegularExpression(pattern: #"^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*)\s*:\s+(.+?)\s*$"#)

    func scan(_ file: ManifestFile, lines range: Range<Int>, into result: inout FileScan) {
        var image: Located?
        var commandLines: [Located] = []
        var env: [EnvVar] = []
        var kind = "Manifest", name: String?, namespace: String?
        var pendingName: (String, Located)?
        var listKey: String?
        // In a LiteLLM config `model_name` is the alias clients use; `model` is the real one.
        let aliasKeys: Set<String> = file.text.contains("litellm_params") ? ["model_name"] : []
        for index in range {
            let raw = String(file.lines[index].hasSuffix("\r") ? file.lines[index].dropLast() : file.lines[index])
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") || trimmed.isEmpty { continue }
            if trimmed.hasPrefix("- "), let key = listKey, key == "args" || key == "command" {
                // A list item of `args:` / `command:`, quotes stripped.
                var item = String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                var column = raw.count - trimmed.count + 3
                if let quote = item.first, quote == "\"" || quote == "'", item.count >= 2, item.last == quote {
                    item = String(item.dropFirst().dropLast())
                    column += 1
                }
                commandLines.append(Located(item, line: index + 1, column: column))
                continue
            } else if trimmed.contains("--") || trimmed.contains(" -m ") || trimmed.contains("ollama ") || trimmed.contains("vllm serve") {
                commandLines.append(Located(raw, line: index + 1, column: 1))
            }
            if trimmed.hasSuffix(":"), !trimmed.hasPrefix("-") {
                listKey = String(trimmed.dropLast())
            } else if !trimmed.hasPrefix("-") {
                listKey = nil
            }
            guard let match = LineScanner.keyValue.firstMatch(in: raw, range: NSRange(raw.startIndex..., in: raw)),
                  let keyRange = Range(match.range(at: 2), in: raw), let valueRange = Range(match.range(at: 3), in: raw) else { continue }
            let key = String(raw[keyRange])
            var value = String(raw[valueRange])
            var column = raw.utf8.distance(from: raw.startIndex, to: valueRange.lowerBound) + 1
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
                value = String(value.dropFirst().dropLast())
                column += 1
            }
            if value.contains("{{") || value.hasPrefix("|") || value.hasPrefix(">") || value.hasPrefix("[") || value.hasPrefix("{") { continue }
            let located = Located(value, line: index + 1, column: column)
            switch key {
            case "kind" where kind == "Manifest": kind = value
            case "namespace" where namespace == nil: namespace = value
            case "image" where image == nil || RuntimeDetector.runtime(image: image?.text, command: []) == nil: image = located
            case "name":
                if name == nil { name = value }
                pendingName = (value, located)
            case "value":
                if let (envName, nameLocation) = pendingName, ValuesScanner.isEnvName(envName) {
                    env.append(EnvVar(name: envName, nameLocation: nameLocation, value: located))
                }
                pendingName = nil
            default:
                if ValuesScanner.isEnvName(key) {
                    env.append(EnvVar(name: key, nameLocation: located, value: located))
                } else if ValuesScanner.modelKeys.contains(key.lowercased()) && !aliasKeys.contains(key) {
                    env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: located))
                }
            }
        }
        guard image != nil || !env.isEmpty || !commandLines.isEmpty else { return }
        let ref = DeploymentRef(kind: kind, namespace: namespace, name: name ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: range.lowerBound + 1, column: 1)))
        let container = ContainerSpec(name: "lines", image: image, args: RuntimeDetector.runtime(image: image?.text, command: commandLines.map(\.text)) == nil ? [] : commandLines, env: env)
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [container]))
    }
}

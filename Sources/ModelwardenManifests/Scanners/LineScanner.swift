import Foundation
import ModelwardenCore

/// The fallback for text that is not valid YAML (Helm templates, mis-indented files): reads `key: value`
/// lines, `- name:` / `value:` env pairs, images and command-line flags, so literal model ids still count.
struct LineScanner {
    static let keyValue = try! NSRegularExpression(pattern: #"^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*)\s*:\s+(.+?)\s*$"#)

    /// Blocks whose keys describe the object, not what it runs.
    static let metadataKeys: Set<String> = ["labels", "matchLabels", "annotations", "selector", "nodeSelector"]

    static let template = try! NSRegularExpression(pattern: #"\{\{\{?[^}]*\}?\}\}"#)

    static func withoutTemplates(_ text: String) -> String {
        template.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
    }

    func scan(_ file: ManifestFile, lines range: Range<Int>, into result: inout FileScan) {
        var image: Located?
        var commandLines: [Located] = []
        var env: [EnvVar] = []
        var kind = "Manifest", name: String?, namespace: String?
        var pendingName: (String, Located)?
        var listKey: String?
        var routes: [(model: Located, apiBase: Located?, alias: String?)] = []
        var alias: String?
        // In a LiteLLM config `model_name` is the alias clients use; `model` is the real one.
        let aliasKeys: Set<String> = file.text.includes("litellm_params") ? ["model_name"] : []
        let lines = file.lines
        // The open mapping keys above the current line, by indentation: `model:` under `labels:` is a label.
        var parents: [(indent: Int, key: String)] = []
        for index in range {
            let raw = String(lines[index].hasSuffix("\r") ? lines[index].dropLast() : lines[index])
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") || trimmed.isEmpty { continue }
            // Template control lines (`{{- if ... }}`) say nothing about the YAML structure around them.
            if trimmed.hasPrefix("{{") && trimmed.hasSuffix("}}") { continue }
            let indent = raw.count - raw.drop(while: { $0 == " " }).count
            while let last = parents.last, last.indent >= indent, !trimmed.hasPrefix("- ") || last.indent > indent { parents.removeLast() }
            let inMetadata = parents.contains { LineScanner.metadataKeys.contains($0.key) }
            let inModelList = parents.contains { ValuesScanner.listKeys.contains($0.key.lowercased()) }
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
            } else if trimmed.includes("--") || trimmed.includes(" -m ") || trimmed.includes("ollama ") || trimmed.includes("vllm serve") {
                commandLines.append(Located(raw, line: index + 1, column: 1))
            }
            if trimmed.hasSuffix(":"), !trimmed.hasPrefix("-") {
                listKey = String(trimmed.dropLast())
                parents.append((indent, String(trimmed.dropLast())))
            } else if !trimmed.hasPrefix("-") {
                listKey = nil
            }
            if inMetadata { continue }
            guard let match = LineScanner.keyValue.firstMatch(in: raw, range: NSRange(raw.startIndex..., in: raw)),
                  let keyRange = Range(match.range(at: 2), in: raw), let valueRange = Range(match.range(at: 3), in: raw) else { continue }
            let key = String(raw[keyRange])
            var value = String(raw[valueRange])
            var column = raw.utf8.distance(from: raw.startIndex, to: valueRange.lowerBound) + 1
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
                value = String(value.dropFirst().dropLast())
                column += 1
            }
            if value.hasPrefix("["), key == "args" || key == "command", value.hasSuffix("]") {
                // A flow list: `command: ["vllm", "serve"]`.
                for item in value.dropFirst().dropLast().split(separator: ",") {
                    let text = item.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                    if !text.isEmpty { commandLines.append(file.find(text, from: index + 1, fallback: Located(text, line: index + 1, column: column))) }
                }
                continue
            }
            if value.hasPrefix("|") || value.hasPrefix(">") || value.hasPrefix("[") || (value.hasPrefix("{") && !value.hasPrefix("{{")) { continue }
            // Template expressions stay as written for model keys (an unresolved placeholder is still a usage);
            // elsewhere they are dropped, so `{{ .Values.registry }}/vllm/vllm-openai` still names vLLM.
            let isModelKey = ValuesScanner.isModelKey(key) && !aliasKeys.contains(key)
            if value.includes("{{") && !isModelKey && key != "image" && key != "api_base" { continue }
            let located = Located(key == "image" ? LineScanner.withoutTemplates(value) : value, line: index + 1, column: column)
            switch key {
            case "kind" where kind == "Manifest": kind = value
            case "namespace" where namespace == nil: namespace = value
            case "image" where image == nil || RuntimeDetector.runtime(image: image?.text, command: []) == nil: image = located
            case "name":
                if name == nil { name = value }
                pendingName = (value, located)
            case "model_name" where !aliasKeys.isEmpty:
                alias = value
            case "model" where !aliasKeys.isEmpty:
                // A LiteLLM route, even in a template that is not YAML.
                routes.append((located, nil, alias))
            case "api_base" where !aliasKeys.isEmpty && !routes.isEmpty:
                routes[routes.count - 1].apiBase = located
            case "value":
                if let (envName, nameLocation) = pendingName, ValuesScanner.isEnvName(envName) {
                    env.append(EnvVar(name: envName, nameLocation: nameLocation, value: located))
                }
                pendingName = nil
            case "source" where inModelList && RuntimeDetector.isRepositoryID(value):
                // `models: [{id: food-review, source: org/adapter}]`: the id is what clients ask for, the source the model.
                env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: located))
            default:
                if ValuesScanner.isEnvName(key) {
                    env.append(EnvVar(name: key, nameLocation: located, value: located))
                } else if isModelKey {
                    env.append(EnvVar(name: "MODEL_\(env.count)", nameLocation: located, value: located))
                }
            }
        }
        guard image != nil || !env.isEmpty || !commandLines.isEmpty || !routes.isEmpty else { return }
        if !routes.isEmpty {
            let proxy = DeploymentRef(kind: "LiteLLMProxy", namespace: nil, name: file.path.split(separator: "/").dropLast().last.map(String.init) ?? file.name)
            result.deployments.append(Deployment(ref: proxy, location: SourceLocation(file: file.path, line: range.lowerBound + 1, column: 1)))
            for route in routes {
                result.routes.append(ProxyRoute(deployment: proxy, model: route.model, apiBase: route.apiBase, baseModel: nil, alias: route.alias))
            }
            if image == nil && env.isEmpty && commandLines.isEmpty { return }
        }
        let ref = DeploymentRef(kind: kind, namespace: namespace, name: name ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: range.lowerBound + 1, column: 1)))
        let commands = commandLines.map(\.text)
        let serves = RuntimeDetector.runtime(image: image?.text, command: commands) ?? RuntimeDetector.runtime(flags: commands) != nil
        let container = ContainerSpec(name: "lines", image: image, args: serves ? commandLines : [], env: env)
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [container]))
    }
}

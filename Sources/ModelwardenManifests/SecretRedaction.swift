import Foundation
import ModelwardenCore

extension FileScan {
    /// The same scan with every secret value replaced by `<redacted>`, for anything that is kept (the store's
    /// cache): values of secret-named variables, key-shaped strings, key-shaped tokens in command lines.
    public func redactingSecrets() -> FileScan {
        var copy = self
        func clean(_ located: Located?) -> Located? {
            guard var located else { return nil }
            located.text = Self.redactTokens(located.text)
            return located
        }
        func clean(_ variable: EnvVar) -> EnvVar {
            var variable = variable
            if Secrets.isSecretName(variable.name), variable.value != nil {
                variable.value?.text = Secrets.redacted
            } else {
                variable.value = clean(variable.value)
            }
            return variable
        }
        copy.workloads = workloads.map { workload in
            var workload = workload
            workload.containers = workload.containers.map { container in
                var container = container
                container.image = clean(container.image)
                container.command = container.command.compactMap { clean($0) }
                container.args = container.args.compactMap { clean($0) }
                container.env = container.env.map(clean)
                return container
            }
            return workload
        }
        copy.configMaps = configMaps.mapValues { data in
            Dictionary(uniqueKeysWithValues: data.map { key, value in
                (key, Secrets.isSecretName(key) ? Located(Secrets.redacted, line: value.line, column: value.column, file: value.file) : clean(value)!)
            })
        }
        copy.envVariables = envVariables?.map(clean)
        copy.usages = usages.map { usage in
            var usage = usage
            usage.model = usage.model.map(Secrets.redact)
            return usage
        }
        copy.routes = routes.map { route in
            var route = route
            route.model = clean(route.model)!
            route.apiBase = clean(route.apiBase)
            return route
        }
        return copy
    }

    /// Key-shaped whitespace-separated tokens replaced, the rest kept.
    static func redactTokens(_ text: String) -> String {
        guard Secrets.looksLikeKey(text) || text.includes("sk-") || text.includes("AIza") || text.includes("hf_") || text.includes("nvapi-")
                || text.includes("AKIA") || text.includes("gsk_") || text.includes("ghp_") || text.includes("xai-") else { return text }
        if Secrets.looksLikeKey(text) { return Secrets.redacted }
        return text.split(separator: " ", omittingEmptySubsequences: false).map { token in
            let bare = token.split(separator: "=").last.map(String.init) ?? String(token)
            let stripped = bare.trimmingQuotes
            return Secrets.looksLikeKey(stripped) ? String(token).replacingOccurrences(of: stripped, with: Secrets.redacted) : String(token)
        }.joined(separator: " ")
    }
}

private extension String {
    var trimmingQuotes: String {
        var text = Substring(self)
        while let first = text.first, first == "\"" || first == "'" { text = text.dropFirst() }
        while let last = text.last, last == "\"" || last == "'" || last == "," { text = text.dropLast() }
        return String(text)
    }
}

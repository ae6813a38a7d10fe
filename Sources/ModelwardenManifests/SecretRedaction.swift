import ModelwardenCore

extension FileScan {
    /// The same scan with every secret replaced, as the `Auditor` hands it on: nothing downstream (the analyser, the
    /// reports, the store and its cache, the daemon's API and log) ever holds a value read from a manifest that has
    /// not passed `SecretScrubber`. Values of secret-named variables and keys go whole; other values keep what detection
    /// needs (model strings, hosts, variable names) with keys, URL passwords, JWTs and PEM blocks cut out of them.
    public func redactingSecrets() -> FileScan {
        var copy = self
        copy.redactSecrets()
        return copy
    }

    /// `redactingSecrets` in place: on a scan the caller owns alone, only the values a secret is cut from are written
    /// (every file's scan passes here, and nearly all of its values are left as they are).
    public mutating func redactSecrets() {
        for index in deployments.indices { Self.scrub(&deployments[index].labels) }
        for index in workloads.indices {
            for container in workloads[index].containers.indices { Self.scrub(&workloads[index].containers[container]) }
        }
        for index in usages.indices { Self.scrub(&usages[index]) }
        for index in routes.indices {
            Self.scrub(&routes[index].model)
            if routes[index].apiBase != nil { Self.scrub(&routes[index].apiBase!) }
            Self.scrub(&routes[index].baseModel)
            Self.scrub(&routes[index].alias)
        }
        for index in services.indices { Self.scrub(&services[index].selector) }
        for (name, data) in configMaps {
            for (key, value) in data {
                let scrubbed = Self.scrubbedConfigValue(value, key: key)
                if scrubbed.text != value.text { configMaps[name]![key] = scrubbed }
            }
        }
        if envVariables != nil {
            for index in envVariables!.indices { Self.scrub(&envVariables![index]) }
        }
        // Servers hold names only; their URL (already without userinfo and query) and package pass the scrubber too.
        for index in tools.indices {
            Self.scrub(&tools[index].url)
            Self.scrub(&tools[index].package)
            Self.scrub(&tools[index].version)
        }
        for index in diagnostics.indices { Self.scrub(&diagnostics[index].message) }
    }

    /// Writes the scrubbed text only when the scrubber changed it, so an unchanged value's storage is not touched.
    static func scrub(_ text: inout String) {
        let scrubbed = SecretScrubber.scrub(text)
        if scrubbed != text { text = scrubbed }
    }

    static func scrub(_ text: inout String?) {
        guard let value = text else { return }
        let scrubbed = SecretScrubber.scrub(value)
        if scrubbed != value { text = scrubbed }
    }

    static func scrub(_ located: inout Located) {
        scrub(&located.text)
    }

    static func scrub(_ labels: inout [String: String]) {
        for (key, value) in labels {
            let scrubbed = SecretScrubber.scrub(value: value, named: key)
            if scrubbed != value { labels[key] = scrubbed }
        }
    }

    static func scrub(_ variable: inout EnvVar) {
        // Synthetic variables (a LiteLLM route's key, a values file's model) locate themselves by their value.
        if variable.nameLocation.text != variable.name {
            let scrubbed = SecretScrubber.scrub(value: variable.nameLocation.text, named: variable.name)
            if scrubbed != variable.nameLocation.text { variable.nameLocation.text = scrubbed }
        }
        if let value = variable.value {
            let scrubbed = SecretScrubber.scrub(value: value.text, named: variable.name)
            if scrubbed != value.text { variable.value!.text = scrubbed }
        }
    }

    /// Command lines: the value after a secret-named flag (`--api-key`, `--hf-token`) goes whole.
    static func scrub(_ container: inout ContainerSpec) {
        if container.image != nil { scrub(&container.image!) }
        scrubArguments(&container.command)
        scrubArguments(&container.args)
        for index in container.env.indices { scrub(&container.env[index]) }
    }

    static func scrubArguments(_ arguments: inout [Located]) {
        let scrubbed = scrubbedArguments(arguments)
        for index in arguments.indices where scrubbed[index].text != arguments[index].text { arguments[index].text = scrubbed[index].text }
    }

    static func scrub(_ usage: inout Usage) {
        scrub(&usage.model)
        scrub(&usage.evidence)
        for index in usage.endpoints.indices { scrub(&usage.endpoints[index]) }
        scrub(&usage.catalogName)
        scrub(&usage.alias)
        for index in usage.route.indices { scrub(&usage.route[index]) }
    }

    /// A ConfigMap value is read as a variable's value: a whole embedded file (several lines) is never one, so only
    /// its absence is kept.
    static func scrubbedConfigValue(_ value: Located, key: String) -> Located {
        var value = value
        value.text = value.text.trimmed.utf8.contains(UInt8(ascii: "\n")) ? Secrets.redacted : SecretScrubber.scrub(value: value.text, named: key)
        return value
    }

    static func scrubbedArguments(_ arguments: [Located]) -> [Located] {
        var previous: String?
        return arguments.map { argument in
            defer { previous = argument.text }
            var argument = argument
            if let flag = previous, flag.hasPrefix("-"), !flag.utf8.contains(UInt8(ascii: "=")), !argument.text.hasPrefix("-"), SecretScrubber.namesSecret(flag),
               SecretScrubber.isLiteralSecret(argument.text) {
                argument.text = Secrets.redacted
            } else {
                argument.text = SecretScrubber.scrub(argument.text)
            }
            return argument
        }
    }
}

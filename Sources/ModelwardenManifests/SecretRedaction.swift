import ModelwardenCore

extension FileScan {
    /// The same scan with every secret replaced, as the `Auditor` hands it on: nothing downstream (the analyser, the
    /// reports, the store and its cache, the daemon's API and log) ever holds a value read from a manifest that has
    /// not passed `SecretScrubber`. Values of secret-named variables and keys go whole; other values keep what detection
    /// needs (model strings, hosts, variable names) with keys, URL passwords, JWTs and PEM blocks cut out of them.
    public func redactingSecrets() -> FileScan {
        var copy = self
        copy.deployments = deployments.map { deployment in
            var deployment = deployment
            deployment.labels = Self.scrubbed(deployment.labels)
            return deployment
        }
        copy.workloads = workloads.map { workload in
            var workload = workload
            workload.containers = workload.containers.map(Self.scrubbed)
            return workload
        }
        copy.usages = usages.map(Self.scrubbed)
        copy.routes = routes.map { route in
            var route = route
            route.model = Self.scrubbed(route.model)
            route.apiBase = route.apiBase.map(Self.scrubbed)
            route.baseModel = route.baseModel.map(SecretScrubber.scrub)
            route.alias = route.alias.map(SecretScrubber.scrub)
            return route
        }
        copy.services = services.map { service in
            var service = service
            service.selector = Self.scrubbed(service.selector)
            return service
        }
        copy.configMaps = configMaps.mapValues { data in
            Dictionary(uniqueKeysWithValues: data.map { key, value in (key, Self.scrubbedConfigValue(value, key: key)) })
        }
        copy.envVariables = envVariables?.map(Self.scrubbed)
        // Servers hold names only; their URL (already without userinfo and query) and package pass the scrubber too.
        copy.tools = tools.map { server in
            var server = server
            server.url = server.url.map(SecretScrubber.scrub)
            server.package = server.package.map(SecretScrubber.scrub)
            server.version = server.version.map(SecretScrubber.scrub)
            return server
        }
        copy.diagnostics = diagnostics.map { diagnostic in
            var diagnostic = diagnostic
            diagnostic.message = SecretScrubber.scrub(diagnostic.message)
            return diagnostic
        }
        return copy
    }

    static func scrubbed(_ located: Located) -> Located {
        var located = located
        located.text = SecretScrubber.scrub(located.text)
        return located
    }

    static func scrubbed(_ variable: EnvVar) -> EnvVar {
        var variable = variable
        // Synthetic variables (a LiteLLM route's key, a values file's model) locate themselves by their value.
        if variable.nameLocation.text != variable.name {
            variable.nameLocation.text = SecretScrubber.scrub(value: variable.nameLocation.text, named: variable.name)
        }
        if var value = variable.value {
            value.text = SecretScrubber.scrub(value: value.text, named: variable.name)
            variable.value = value
        }
        return variable
    }

    static func scrubbed(_ labels: [String: String]) -> [String: String] {
        labels.reduce(into: [:]) { result, pair in result[pair.key] = SecretScrubber.scrub(value: pair.value, named: pair.key) }
    }

    /// A ConfigMap value is read as a variable's value: a whole embedded file (several lines) is never one, so only
    /// its absence is kept.
    static func scrubbedConfigValue(_ value: Located, key: String) -> Located {
        var value = value
        value.text = value.text.trimmed.utf8.contains(UInt8(ascii: "\n")) ? Secrets.redacted : SecretScrubber.scrub(value: value.text, named: key)
        return value
    }

    /// Command lines: the value after a secret-named flag (`--api-key`, `--hf-token`) goes whole.
    static func scrubbed(_ container: ContainerSpec) -> ContainerSpec {
        var container = container
        container.image = container.image.map(scrubbed)
        container.command = scrubbedArguments(container.command)
        container.args = scrubbedArguments(container.args)
        container.env = container.env.map(scrubbed)
        return container
    }

    static func scrubbedArguments(_ arguments: [Located]) -> [Located] {
        var previous: String?
        return arguments.map { argument in
            defer { previous = argument.text }
            var argument = argument
            if let flag = previous, flag.hasPrefix("-"), !flag.contains("="), !argument.text.hasPrefix("-"), SecretScrubber.namesSecret(flag),
               SecretScrubber.isLiteralSecret(argument.text) {
                argument.text = Secrets.redacted
            } else {
                argument.text = SecretScrubber.scrub(argument.text)
            }
            return argument
        }
    }

    static func scrubbed(_ usage: Usage) -> Usage {
        var usage = usage
        usage.model = usage.model.map(SecretScrubber.scrub)
        usage.evidence = SecretScrubber.scrub(usage.evidence)
        usage.endpoints = usage.endpoints.map(SecretScrubber.scrub)
        usage.catalogName = usage.catalogName.map(SecretScrubber.scrub)
        usage.alias = usage.alias.map(SecretScrubber.scrub)
        usage.route = usage.route.map(SecretScrubber.scrub)
        return usage
    }
}

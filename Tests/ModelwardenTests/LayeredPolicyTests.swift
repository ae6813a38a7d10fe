import Foundation
import ModelwardenBuiltinPolicies
import ModelwardenCore
import ModelwardenManifests
import Testing

/// The built-in policy set, the neutral default organisation and the layers a repository adds.
@Suite struct LayeredPolicyTests {
    /// A workload labelled confidential that calls an external API, in the shape of a real Deployment.
    static func confidentialClient(_ variable: String, _ model: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: claims-bot
          namespace: claims
          labels: {modelwarden.io/data-classification: confidential}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: example/claims-bot:1.4.2
                  env:
                    - {name: \(variable), value: \(model)}

        """
    }

    @Test func theEmbeddedSetEqualsThePoliciesFolderByteForByte() throws {
        let root = URL(fileURLWithPath: Paths.policies)
        var onDisk: [String: Data] = [:]
        let walker = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]))
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            onDisk[String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
        }
        let embedded = Dictionary(BuiltinPolicies.files.map { ($0.path, Data($0.text.utf8)) }, uniquingKeysWith: { first, _ in first })
        #expect(onDisk.count > 80)
        #expect(Set(embedded.keys) == Set(onDisk.keys), "rebuild: the embedded set is stale")
        for (path, data) in onDisk { #expect(embedded[path] == data, "\(path) differs from its embedded copy") }
    }

    /// The built-in layer's patterns compile on first use, unchecked at start-up: this is the check instead.
    @Test func everyBuiltInCatalogPatternCompiles() throws {
        let builtin = try #require(PolicyLoader.load(layers: [PolicyLayer.builtin], today: Shipped.today).policy)
        var sources = builtin.catalog.models.flatMap { $0.patterns.map(\.source) + $0.checkpoints.map(\.pattern) }
        sources += builtin.catalog.providers.values.flatMap { $0.modelIDs.map(\.source) }
        #expect(sources.count > 300)
        for source in sources {
            #expect((try? NSRegularExpression(pattern: source, options: [.caseInsensitive])) != nil, "'\(source)' does not compile")
        }
        #expect(builtin.catalog.match("meta-llama/Llama-3.1-8B-Instruct")?.licenseID == "llama3.1", "lazily compiled patterns match")
    }

    @Test func theBuiltInOrganisationApprovesNothingAndAssumesNothing() throws {
        let loaded = PolicyLoader.load(layers: [PolicyLayer.builtin], today: Shipped.today)
        let policy = try #require(loaded.policy, "\(loaded.diagnostics)")
        #expect(policy.organization.approvedProviders.isEmpty)
        #expect(policy.organization.agreements.isEmpty)
        #expect(policy.organization.jurisdiction == nil)
        #expect(policy.organization.products.isEmpty)
        #expect(policy.organization.commercialUse)
        #expect(policy.waivers.isEmpty)
    }

    @Test(arguments: [("OPENAI_MODEL", "gpt-4o-2024-08-06", "openai"), ("ANTHROPIC_MODEL", "claude-3-5-sonnet-20241022", "anthropic"),
                      ("GEMINI_MODEL", "gemini-1.5-pro-002", "google-gemini-api")])
    func confidentialDataToAnyExternalAPIIsAnErrorUnderTheDefaults(variable: String, model: String, provider: String) throws {
        let builtin = try #require(PolicyLoader.load(layers: [PolicyLayer.builtin], today: Shipped.today).policy)
        let result = Auditor(policy: builtin, today: Shipped.today).audit(texts: [("deploy.yaml", Self.confidentialClient(variable, model))])
        let finding = result.findings.first { $0.rule == "data-control/sensitive-data-to-external-api" }
        #expect(finding?.severity == .error && finding?.status == .open, "\(result.findings.map(\.rule))")
        #expect(finding?.message.contains(provider) == true, "\(finding?.message ?? "")")
    }

    @Test func missingFactsAreReportedNotAssumed() throws {
        let builtin = try #require(PolicyLoader.load(layers: [PolicyLayer.builtin], today: Shipped.today).policy)
        let result = Auditor(policy: builtin, today: Shipped.today).audit(paths: [Paths.deployments])
        let fired = Set(result.findings.map(\.rule))
        for rule in ["license/jurisdiction-undeclared", "license/monthly-users-undeclared", "license/environment-undeclared"] {
            #expect(fired.contains(rule), "\(rule) does not fire on the estate judged by the defaults")
        }
        // Never the friendly answer: no EU verdict without a jurisdiction, no threshold verdict without users.
        #expect(!fired.contains("license/eu-multimodal-restriction"))
        #expect(!fired.contains("license/user-threshold-exceeded"))
        #expect(!result.findings.contains { $0.status == .waived })
        let vision = result.findings.first { $0.rule == "license/jurisdiction-undeclared" && $0.model == "meta-llama/Llama-3.2-11B-Vision-Instruct" }
        #expect(vision?.severity == .warning)
    }

    @Test func aProductWithoutUsersIsUnknownNotZero() throws {
        let config = """
            schemaVersion: 1
            organization:
              products: [{name: help-centre}]

            """
        let folder = try TempFolder()
        let path = try folder.write(".modelwarden.yaml", config)
        let policy = try #require(PolicyLoader.load(layers: [.builtin, .configuration(path)], today: Shipped.today).policy)
        #expect(policy.organization.products["help-centre"] == nil)
    }

    // MARK: - Repository configuration

    @Test func configurationsAreFoundUpToTheRepositoryRootAndTheInnerOneWins() throws {
        let repo = try TempFolder()
        try repo.write(".git/HEAD", "ref: refs/heads/main\n")
        try repo.write(".modelwarden.yaml", "schemaVersion: 1\norganization: {name: Outer, jurisdiction: EU}\n")
        try repo.write("deploy/.modelwarden.yaml", "schemaVersion: 1\norganization: {name: Inner}\n")
        try repo.write("deploy/app/compose.yaml", "services: {}\n")
        let source = PolicySource(scanning: [repo.path + "/deploy/app"], workingDirectory: "/")
        let origins = source.layers().map(\.origin)
        #expect(origins.first == "built-in")
        #expect(origins.count == 3, "\(origins)")
        #expect(origins[1].hasSuffix("/.modelwarden.yaml") && !origins[1].contains("/deploy/"))
        #expect(origins[2].hasSuffix("/deploy/.modelwarden.yaml"))
        let policy = try #require(source.load(today: Shipped.today).policy)
        #expect(policy.organization.name == "Inner")
        #expect(policy.organization.jurisdiction == "EU", "a key the inner file does not set stays from the outer one")
        #expect(policy.organizationOrigins["jurisdiction"]?.file.hasSuffix("/.modelwarden.yaml") == true)
    }

    @Test func outsideARepositoryOnlyTheScannedFolderCounts() throws {
        let parent = try TempFolder()
        try parent.write(".modelwarden.yaml", "schemaVersion: 1\norganization: {name: Parent}\n")
        try parent.write("child/.env", "OPENAI_MODEL=gpt-4o\n")
        let layers = PolicySource(scanning: [parent.path + "/child"], workingDirectory: "/").layers()
        #expect(layers.map(\.origin) == ["built-in"], "no .git: the parent's configuration is not the child's")
    }

    @Test func aPolicyFolderAddsAndReplacesEntriesByID() throws {
        let repo = try TempFolder()
        try repo.write(".modelwarden/models/acme.yaml", """
            schemaVersion: 1
            models:
              - id: acme-parcel-ner
                family: parcel-ner
                vendor: acme
                license: apache-2.0
                open_weights: true
                patterns: ["acme-labs/parcel-ner"]

            """)
        try repo.write(".modelwarden/rules/default.yaml", """
            schemaVersion: 1
            rules:
              - id: inventory/unpinned-model
                title: Unpinned model (stricter)
                severity: warning
                category: inventory
                when: {field: usage.pinned, equals: false}
                message: "{usage.model} floats"
                remediation: Pin it.

            """)
        let policy = try #require(PolicySource(scanning: [repo.path], workingDirectory: "/").load(today: Shipped.today).policy)
        #expect(policy.catalog.match("acme-labs/parcel-ner-v3")?.model.id == "acme-parcel-ner")
        let rule = try #require(policy.rule("inventory/unpinned-model"))
        #expect(rule.severity == .warning && rule.title == "Unpinned model (stricter)")
        #expect(rule.location.file.hasSuffix(".modelwarden/rules/default.yaml"))
        #expect(policy.rules.count == PolicyLoader.load(layers: [.builtin]).policy?.rules.count, "a replaced rule is not a second rule")
    }

    @Test func rulesCanBeTurnedOffOrRegradedAndPathsIgnored() throws {
        let repo = try TempFolder()
        try repo.write(".modelwarden.yaml", """
            schemaVersion: 1
            rules:
              inventory/unpinned-model: off
              license/attribution-missing: info
              data-control/unapproved-provider: {severity: error}
            ignore: ["examples/**"]

            """)
        let policy = try #require(PolicySource(scanning: [repo.path], workingDirectory: "/").load(today: Shipped.today).policy)
        #expect(policy.rule("inventory/unpinned-model") == nil)
        #expect(policy.disabledRules["inventory/unpinned-model"]?.line == 3)
        #expect(policy.rule("license/attribution-missing")?.severity == .info)
        #expect(policy.rule("data-control/unapproved-provider")?.severity == .error)
        #expect(policy.ignores.map(\.pattern) == ["examples/**"])
        #expect(policy.ignores.first?.base == URL(fileURLWithPath: repo.path).standardizedFileURL.path)
        // A flag applies last and can turn a rule off too.
        let flagged = try #require(PolicySource(scanning: [repo.path], workingDirectory: "/", skippedRules: ["license/unknown-license"]).load().policy)
        #expect(flagged.rule("license/unknown-license") == nil)
        let ignored = PolicySource(scanning: [repo.path], workingDirectory: "/", readsRepositoryConfiguration: false).layers()
        #expect(ignored.count == 1)
    }

    @Test func configurationProblemsAreLocatedWithSuggestions() throws {
        let repo = try TempFolder()
        try repo.write(".modelwarden.yaml", """
            schemaVersion: 1
            organisation: {name: Typo}
            rules:
              inventory/unpined-model: off
              license/attribution-missing: loud
            waivers:
              - {rule: license/unknown-license, reason: x, approved_by: y, expires: 2099-01-01}

            """)
        let result = PolicySource(scanning: [repo.path], workingDirectory: repo.path).load(today: Shipped.today)
        #expect(result.policy == nil)
        let messages = result.errors.map { $0.description.replacingOccurrences(of: repo.url.standardizedFileURL.path + "/", with: "") }
        #expect(messages.contains(".modelwarden.yaml:2:1: error: at 'organisation': unknown key 'organisation' (did you mean 'organization'?)"), "\(messages)")
        #expect(messages.contains(".modelwarden.yaml:4:3: error: at 'rules.inventory/unpined-model': unknown rule 'inventory/unpined-model' (did you mean 'inventory/unpinned-model'?)"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix(".modelwarden.yaml:5:32: error: at 'rules.license/attribution-missing': expected off, on or a severity") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix(".modelwarden.yaml:7:") && $0.contains("more than 365 days ahead") }, "\(messages)")
    }

    @Test func waiversCanLiveInAFileTheConfigurationNames() throws {
        let repo = try TempFolder()
        try repo.write(".modelwarden.yaml", "schemaVersion: 1\nwaivers: policy/waivers.yaml\n")
        try repo.write("policy/waivers.yaml", """
            schemaVersion: 1
            waivers:
              - {rule: license/unknown-license, deployments: [{name: ner}], reason: "in-house model", approved_by: me, expires: 2027-01-31}

            """)
        let policy = try #require(PolicySource(scanning: [repo.path], workingDirectory: "/").load(today: Shipped.today).policy)
        #expect(policy.waivers.count == 1)
        #expect(policy.waivers.first?.location.file.hasSuffix("policy/waivers.yaml") == true)
    }

    @Test func theTemplateLoadsAndChangesNoVerdict() throws {
        let repo = try TempFolder()
        let path = try repo.write(".modelwarden.yaml", ConfigurationTemplate.text)
        let loaded = PolicyLoader.load(layers: [.builtin, .configuration(path)], today: Shipped.today)
        let withTemplate = try #require(loaded.policy, "\(loaded.diagnostics)")
        let builtin = try #require(PolicyLoader.load(layers: [.builtin], today: Shipped.today).policy)
        let plain = Auditor(policy: builtin, today: Shipped.today).audit(paths: [Paths.deployments]).findings.map(\.fingerprint)
        let templated = Auditor(policy: withTemplate, today: Shipped.today).audit(paths: [Paths.deployments]).findings.map(\.fingerprint)
        #expect(plain == templated)
    }
}

/// The commands of issue 12 as a user runs them: a bare binary, init, policy show, every command's defaults.
@Suite struct StrangerRepositoryTests {
    @Test func theBinaryAloneWorksInAnEmptyFolderWithNoEnvironment() throws {
        let folder = try TempFolder()
        let binary = folder.path + "/bin/modelwarden"
        try FileManager.default.createDirectory(atPath: folder.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Paths.binary, toPath: binary)
        try folder.write("repo/deploy.yaml", LayeredPolicyTests.confidentialClient("OPENAI_MODEL", "gpt-4o-2024-08-06"))
        let check = try run(binary, ["check", ".", "--format", "json"], cwd: folder.path + "/repo", inheritEnvironment: false)
        #expect(check.status == 1, "\(check.stderr)")
        #expect(check.stdout.contains("\"rule\": \"data-control/sensitive-data-to-external-api\""))
        let validate = try run(binary, ["policy", "validate"], cwd: folder.path, inheritEnvironment: false)
        #expect(validate.status == 0 && validate.stdout.hasPrefix("ok: built-in:"), "\(validate.stdout)\(validate.stderr)")
        let explain = try run(binary, ["explain", "meta-llama/Llama-3.1-8B-Instruct"], cwd: folder.path, inheritEnvironment: false)
        #expect(explain.stdout.contains("700000000"))
    }

    @Test func initWritesATemplateAndPolicyShowNamesEachOrigin() throws {
        let repo = try TempFolder()
        try repo.write("deploy.yaml", LayeredPolicyTests.confidentialClient("OPENAI_MODEL", "gpt-4o-2024-08-06"))
        let first = try run(Paths.binary, ["init"], cwd: repo.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.modelwarden.yaml"))
        let again = try run(Paths.binary, ["init"], cwd: repo.path)
        #expect(again.status == 1 && again.stderr.contains("--force"))
        #expect(try run(Paths.binary, ["init", "--force"], cwd: repo.path).status == 0)
        let unchanged = try run(Paths.binary, ["check", ".", "--format", "json"], cwd: repo.path)
        #expect(unchanged.status == 1, "the neutral template approves nothing")

        // Approve OpenAI with zero retention in the repository's configuration: the error goes away.
        var text = try String(contentsOfFile: repo.path + "/.modelwarden.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "  approved_providers: []", with: "  approved_providers: [openai]")
        text = text.replacingOccurrences(of: "  provider_agreements: []", with: "  provider_agreements: [{provider: openai, zero_data_retention: true, tier: enterprise}]")
        try repo.write(".modelwarden.yaml", text)
        let approved = try run(Paths.binary, ["check", ".", "--format", "json"], cwd: repo.path)
        #expect(approved.status == 0, "\(approved.stdout)")
        #expect(!approved.stdout.contains("sensitive-data-to-external-api"))

        let show = try run(Paths.binary, ["policy", "show"], cwd: repo.path)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("  2. .modelwarden.yaml (configuration)"), "\(show.stdout.prefix(400))")
        let approvedLine = show.stdout.split(separator: "\n").first { $0.hasPrefix("  approved_providers") }
        #expect(approvedLine?.contains("openai") == true && approvedLine?.contains(".modelwarden.yaml:") == true, "\(approvedLine ?? "")")
        #expect(show.stdout.contains("<built-in>/rules/default.yaml"))
        let json = try run(Paths.binary, ["policy", "show", "--format", "json", "--skip-rule", "inventory/unpinned-model"], cwd: repo.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rules = try #require(object["rules"] as? [[String: Any]])
        #expect(rules.contains { $0["id"] as? String == "inventory/unpinned-model" && $0["enabled"] as? Bool == false })
    }

    @Test func theExampleEstateFindsItsOwnConfiguration() throws {
        let check = try run(Paths.binary, ["check", "Deployments", "--format", "json", "--fail-on", "never"], cwd: Paths.packageRoot.path)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("\"status\": \"waived\""))
        #expect(check.stdout.contains("\"file\": \"Deployments/.modelwarden.yaml\"") || check.stdout.contains(".modelwarden.yaml"))
        let stranger = try run(Paths.binary, ["check", "Deployments", "--no-config", "--format", "json", "--fail-on", "never"], cwd: Paths.packageRoot.path)
        #expect(!stranger.stdout.contains("\"status\": \"waived\""))
        #expect(stranger.stdout.contains("license/jurisdiction-undeclared"))
    }

    @Test func environmentVariablePoliciesAreALayerAndAWrongFolderFails() throws {
        let folder = try TempFolder()
        try folder.write("repo/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        try folder.write("org.yaml", "schemaVersion: 1\norganization: {approved_providers: [openai]}\n")
        let viaEnvironment = try run(Paths.binary, ["check", folder.path + "/repo", "--fail-on", "warning"],
                                     environment: ["MODELWARDEN_POLICIES": folder.path + "/org.yaml"])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stdout)\(viaEnvironment.stderr)")
        let missing = try run(Paths.binary, ["check", folder.path + "/repo"], environment: ["MODELWARDEN_POLICIES": folder.path + "/nowhere"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere:1:1: error: policy folder not found"), "\(missing.stderr)")
    }

    @Test func ignoreGlobsOfTheConfigurationAndTheFlagKeepPathsOutOfTheScan() throws {
        let repo = try TempFolder()
        try repo.write(".modelwarden.yaml", "schemaVersion: 1\nignore: [\"examples/**\"]\n")
        try repo.write("examples/demo/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        try repo.write("staging/.env", "ANTHROPIC_MODEL=claude-3-5-sonnet-20241022\n")
        try repo.write("deploy/.env", "MISTRAL_MODEL=mistral-large-2411\n")
        let all = try run(Paths.binary, ["check", ".", "--format", "json", "--fail-on", "never"], cwd: repo.path)
        #expect(!all.stdout.contains("gpt-4o-2024-08-06"), "examples/ is ignored by the configuration")
        #expect(all.stdout.contains("claude-3-5-sonnet-20241022") && all.stdout.contains("mistral-large-2411"))
        let flagged = try run(Paths.binary, ["check", ".", "--ignore", "staging/", "--format", "json", "--fail-on", "never"], cwd: repo.path)
        #expect(!flagged.stdout.contains("claude-3-5-sonnet-20241022"), "--ignore leaves staging/ out")
        #expect(flagged.stdout.contains("mistral-large-2411"))
        let unconfigured = try run(Paths.binary, ["check", ".", "--no-config", "--format", "json", "--fail-on", "never"], cwd: repo.path)
        #expect(unconfigured.stdout.contains("gpt-4o-2024-08-06"), "--no-config drops the configuration's ignores too")
    }

    /// Every subcommand with no arguments (or its minimal ones) exits cleanly with a message, never a crash.
    @Test func everyCommandsDefaultsRun() throws {
        let folder = try TempFolder()
        try folder.write("repo/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        let help = try run(Paths.binary, ["--help"])
        let listed = help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? ""
        let commands = listed.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.filter { $0 != "help" && !$0.isEmpty }
        #expect(commands.count >= 10, "\(help.stdout)")
        var invocations: [[String]] = commands.map { [$0] }
        invocations += [["policy", "validate"], ["policy", "test"], ["policy", "show"], ["check", "repo"], ["scan", "repo"],
                        ["report", "repo", "--format", "markdown"], ["explain", "gpt-4o"], ["inventory"], ["findings"], ["history"],
                        ["report"]]
        for arguments in invocations {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Paths.binary)
            process.arguments = arguments
            process.currentDirectoryURL = folder.url
            // The daemon with no configuration has nothing to watch and says so; a time limit guards against it running on.
            process.standardOutput = FileHandle.nullDevice
            let err = Pipe()
            process.standardError = err
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { process.terminate() }
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit, "\(arguments) crashed: \(stderr)")
            #expect([0, 1, 2, 64].contains(process.terminationStatus), "\(arguments) exited \(process.terminationStatus): \(stderr)")
            if process.terminationStatus == 2 || process.terminationStatus == 64 {
                #expect(!stderr.isEmpty, "\(arguments) failed without a message")
            }
        }
    }
}

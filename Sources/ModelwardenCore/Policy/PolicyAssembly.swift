import Crypto
import Foundation
import ModelwardenYAML

/// Merges policy layers into one validated `PolicySet`, stage by stage: licences, providers and models
/// first (everything else refers to them), then rules, the organisation, rule settings and waivers.
/// Every problem of every layer is reported at once, located in the file it comes from.
final class PolicyAssembly {
    let layers: [PolicyLayer]
    let today: PolicyDate
    let problems = PolicyProblems()
    private var hasher = SHA256()
    /// Each `.modelwarden.yaml`, read once.
    private var configurations: [Int: RepositoryConfiguration] = [:]

    private var licenses: [License] = []
    private var licenseIndex: [String: Int] = [:]
    private var providerIndex: [String: Int] = [:]
    private var modelIndex: [String: Int] = [:]
    private var ruleIndex: [String: Int] = [:]
    private var providers: [Provider] = []
    private var models: [ModelEntry] = []
    private var organizations: [String: String] = [:]
    private var rules: [Rule] = []
    private var organization = Organization()
    private var organizationOrigins: [String: SourceLocation] = [:]
    private var waivers: [Waiver] = []
    private var settings = RuleSettingsOutcome()
    private var ignores: [IgnoreGlob] = []
    private var roles: [RoleGlob] = []

    init(layers: [PolicyLayer], today: PolicyDate) {
        self.layers = layers
        self.today = today
    }

    func run() -> PolicyLoader.Result {
        for layer in layers {
            if let unreadable = layer.unreadable {
                let what = layer.kind == .folder ? "policy folder not found" : "cannot read the configuration file"
                problems.error(unreadable, Mark(line: 1, column: 1), "", what)
            } else if layer.kind == .folder && layer.files.isEmpty {
                // Most likely the wrong folder: say so rather than apply nothing.
                problems.error(layer.origin, Mark(line: 1, column: 1), "",
                               "no policy files in this folder (expected licenses/, providers/, models/, rules/, organization.yaml or waivers.yaml)")
            }
        }
        readConfigurations()
        let licenseIDs = readLicenses()
        let providerIDs = readProviders(licenseIDs: licenseIDs)
        readModels(licenseIDs: licenseIDs, providerIDs: providerIDs)
        readRules()
        readOrganization(providerIDs: providerIDs)
        let allRuleIDs = Set(rules.map(\.id))
        applyRuleSettings()
        readWaivers(ruleIDs: allRuleIDs)
        return finish()
    }

    // MARK: - Reading

    /// Parses one YAML file, feeding the digest; nil (with the problem recorded) when it does not parse.
    /// A built-in file's tree was parsed when the executable was built: it is only decoded.
    func document(_ file: PolicyFile) -> YAMLNode? {
        hasher.update(data: Array(file.displayPath.utf8))
        hasher.update(data: file.bytes)
        if let tree = file.compactTree, let root = YAMLCompact.decode(tree) { return root }
        let stream = YAMLParser.parse(file.bytes)
        if let error = stream.error {
            problems.error(file.displayPath, error.mark, "", error.message)
            return nil
        }
        guard stream.documents.count == 1, let root = stream.documents.first else {
            problems.error(file.displayPath, Mark(line: 1, column: 1), "", "expected exactly one YAML document, found \(stream.documents.count)")
            return nil
        }
        return root
    }

    private func readConfigurations() {
        for (index, layer) in layers.enumerated() {
            switch layer.kind {
            case .configuration:
                guard let file = layer.files.first, let root = document(file) else { continue }
                configurations[index] = RepositoryConfiguration.parse(root, file: file.displayPath, baseFolder: layer.baseFolder,
                                                                       problems: problems, document: document)
            case .flags:
                configurations[index] = RepositoryConfiguration(ruleSettings: layer.ruleSettings, ignores: layer.ignores)
            case .folder:
                continue
            }
        }
    }

    /// Licence ids declared anywhere, also by files with other errors, so one typo does not cascade.
    private func readLicenses() -> Set<String> {
        var declared = Set<String>()
        for layer in layers {
            var marks: [String: SourceLocation] = [:]
            for file in layer.files(in: "licenses") {
                guard let root = document(file) else { continue }
                if let id = root["id"]?.string { declared.insert(id) }
                guard let license = PolicyLoader.parseLicense(root, file: file.displayPath, problems: problems) else { continue }
                if let first = marks[license.id] {
                    problems.error(file.displayPath, root["id"]?.mark ?? root.mark, "id", "duplicate licence id '\(license.id)' (first defined at \(first))")
                    continue
                }
                marks[license.id] = SourceLocation(file: file.displayPath, line: root.mark.line, column: root.mark.column)
                replaceOrAppend(&licenses, license, id: license.id, index: &licenseIndex)
            }
        }
        return declared
    }

    private func readProviders(licenseIDs: Set<String>) -> Set<String> {
        defer { problems.compilesPatterns = true }
        for layer in layers {
            problems.compilesPatterns = !layer.isBuiltIn
            var seen = Set<String>()
            for file in layer.files(in: "providers") {
                guard let root = document(file),
                      let provider = PolicyLoader.parseProvider(root, file: file.displayPath, problems: problems, licenseIDs: licenseIDs) else { continue }
                guard seen.insert(provider.id).inserted else {
                    problems.error(file.displayPath, root["id"]?.mark ?? root.mark, "id", "duplicate provider id '\(provider.id)'")
                    continue
                }
                replaceOrAppend(&providers, provider, id: provider.id, index: &providerIndex)
            }
        }
        return Set(providers.map(\.id))
    }

    private func readModels(licenseIDs: Set<String>, providerIDs: Set<String>) {
        var baseReferences: [(base: String, file: String, mark: Mark, path: String)] = []
        defer { problems.compilesPatterns = true }
        for layer in layers {
            problems.compilesPatterns = !layer.isBuiltIn
            var seen = Set<String>()
            for file in layer.files(in: "models") {
                let path = file.displayPath
                guard let root = document(file),
                      let reader = FieldReader(root, file: path, path: "", problems: problems, allowed: ["schemaVersion", "organizations", "models"]) else { continue }
                reader.checkSchemaVersion()
                readOrganizationsMap(reader, file: path)
                for (item, itemPath) in reader.list("models", required: true) {
                    guard let entry = PolicyLoader.parseModel(item, file: path, path: itemPath, order: 0, problems: problems,
                                                              licenseIDs: licenseIDs, providerIDs: providerIDs) else { continue }
                    guard seen.insert(entry.id).inserted else {
                        problems.error(path, item["id"]?.mark ?? item.mark, "\(itemPath).id", "duplicate model id '\(entry.id)'")
                        continue
                    }
                    if let base = entry.baseModel {
                        baseReferences.append((base, path, item["base_model"]?.mark ?? item.mark, "\(itemPath).base_model"))
                    }
                    replaceOrAppend(&models, entry, id: entry.id, index: &modelIndex)
                }
            }
        }
        // Load order breaks ties between equally long pattern matches; a replaced entry keeps its place.
        for index in models.indices { models[index].order = index }
        let modelIDs = Set(models.map(\.id))
        for reference in baseReferences where !modelIDs.contains(reference.base) {
            let hint = closestMatch(reference.base, in: Array(modelIDs).sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            problems.error(reference.file, reference.mark, reference.path, "base_model '\(reference.base)' is not a model id\(hint)")
        }
    }

    /// `organizations: {meta-llama: meta, facebook: meta}`: who publishes under a repository owner's name.
    private func readOrganizationsMap(_ reader: FieldReader, file: String) {
        guard let map = reader.node["organizations"], !map.isNull else { return }
        guard let pairs = map.pairs else {
            problems.error(file, map.mark, "organizations", "expected a mapping of repository owners to vendors, found \(map.typeName)")
            return
        }
        for pair in pairs {
            guard let owner = pair.key.scalar, let vendor = pair.value.scalar, !vendor.isEmpty else {
                problems.error(file, pair.value.mark, "organizations", "expected 'owner: vendor' strings")
                continue
            }
            organizations[owner.lowercased()] = vendor
        }
    }

    private func readRules() {
        var anyRuleFile = false
        for layer in layers {
            var seen = Set<String>()
            for file in layer.files(in: "rules") {
                anyRuleFile = true
                let path = file.displayPath
                guard let root = document(file),
                      let reader = FieldReader(root, file: path, path: "", problems: problems, allowed: ["schemaVersion", "rules"]) else { continue }
                reader.checkSchemaVersion()
                for (item, itemPath) in reader.list("rules", required: true) {
                    guard let rule = PolicyLoader.parseRule(item, file: path, path: itemPath, problems: problems) else { continue }
                    guard seen.insert(rule.id).inserted else {
                        problems.error(path, item["id"]?.mark ?? item.mark, "\(itemPath).id", "duplicate rule id '\(rule.id)'")
                        continue
                    }
                    replaceOrAppend(&rules, rule, id: rule.id, index: &ruleIndex)
                }
            }
        }
        if rules.isEmpty && !anyRuleFile, let folder = layers.last(where: { $0.kind == .folder && $0.unreadable == nil }) {
            problems.error((folder.origin as NSString).appendingPathComponent("rules"), Mark(line: 1, column: 1), "", "no rules found: a policy set needs rules/*.yaml")
        }
    }

    // MARK: - Organisation, settings, waivers

    /// Each layer's organisation is validated in its own file; then later layers replace earlier ones key by key.
    private func readOrganization(providerIDs: Set<String>) {
        var pairs: [YAMLNode.Pair] = []
        for (index, layer) in layers.enumerated() {
            let source: (node: YAMLNode, file: String, nested: Bool)?
            if layer.kind == .folder, let file = layer.file("organization.yaml") {
                source = document(file).map { ($0, file.displayPath, false) }
            } else if let node = configurations[index]?.organization, let file = layer.files.first {
                source = (node, file.displayPath, true)
            } else {
                source = nil
            }
            guard let source else { continue }
            let parsed = Organization.parse(source.node, file: source.file, problems: problems, nested: source.nested)
            checkProviders(of: parsed, node: source.node, file: source.file, providerIDs: providerIDs)
            for pair in source.node.pairs ?? [] {
                guard let key = pair.key.scalar, key != "schemaVersion" else { continue }
                pairs.removeAll { $0.key.scalar == key }
                pairs.append(pair)
                organizationOrigins[key] = SourceLocation(file: source.file, line: pair.key.mark.line, column: pair.key.mark.column)
            }
        }
        let mark = Mark(line: 1, column: 1)
        let merged = YAMLNode(content: .mapping(pairs), mark: mark)
        // Each piece was validated above; the merged mapping has no problems of its own to report.
        organization = Organization.parse(merged, file: "organization", problems: PolicyProblems(), nested: true)
        organization.node = merged
    }

    private func checkProviders(of organization: Organization, node: YAMLNode, file: String, providerIDs: Set<String>) {
        for (provider, agreement) in organization.agreements where !providerIDs.contains(provider) {
            problems.error(file, node["provider_agreements"]?.mark ?? node.mark, "provider_agreements", "unknown provider '\(agreement.provider)'")
        }
        for provider in organization.approvedProviders.sorted() where !providerIDs.contains(provider) {
            let hint = closestMatch(provider, in: providerIDs.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            problems.error(file, node["approved_providers"]?.mark ?? node.mark, "approved_providers", "unknown provider '\(provider)'\(hint)")
        }
    }

    /// `rules:` settings of configurations and flags, later layers last; an unknown id is an error.
    private func applyRuleSettings() {
        let known = rules.map(\.id)
        var enabled: [String: (Bool, SourceLocation)] = [:]
        var severities: [String: (Severity, SourceLocation)] = [:]
        for index in layers.indices {
            for setting in configurations[index]?.ruleSettings ?? [] {
                guard known.contains(setting.rule) else {
                    let hint = closestMatch(setting.rule, in: known.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
                    problems.error(setting.location.file, Mark(line: setting.location.line, column: setting.location.column),
                                   "rules.\(setting.rule)", "unknown rule '\(setting.rule)'\(hint)")
                    continue
                }
                if let on = setting.enabled { enabled[setting.rule] = (on, setting.location) }
                if let severity = setting.severity { severities[setting.rule] = (severity, setting.location) }
            }
            ignores += configurations[index]?.ignores ?? []
            roles += configurations[index]?.roles ?? []
        }
        for (id, (severity, location)) in severities {
            guard let index = rules.firstIndex(where: { $0.id == id }) else { continue }
            rules[index].severity = severity
            settings.severityOverrides[id] = location
        }
        for (id, (on, location)) in enabled where !on {
            settings.disabled[id] = location
        }
        rules.removeAll { settings.disabled[$0.id] != nil }
    }

    private func readWaivers(ruleIDs: Set<String>) {
        for (index, layer) in layers.enumerated() {
            let source: (list: YAMLNode, file: String)?
            if layer.kind == .folder, let file = layer.file("waivers.yaml") {
                source = document(file).flatMap { root -> (YAMLNode, String)? in
                    guard let reader = FieldReader(root, file: file.displayPath, path: "", problems: problems, allowed: ["schemaVersion", "waivers"]) else { return nil }
                    reader.checkSchemaVersion()
                    return root["waivers"].map { ($0, file.displayPath) }
                }
            } else {
                source = configurations[index]?.waivers
            }
            guard let source else { continue }
            waivers += PolicyLoader.parseWaivers(source.list, file: source.file, problems: problems, ruleIDs: ruleIDs,
                                                 organization: organization, today: today)
        }
    }

    private func finish() -> PolicyLoader.Result {
        // Written as fingerprints are: Foundation's String(format:) per byte was a fortieth of a start's CPU time.
        let digest = Finding.hexPrefix(hasher.finalize(), bytes: SHA256.byteCount)
        let hasErrors = problems.diagnostics.contains { $0.level == .error }
        var policy: PolicySet?
        if !hasErrors {
            var set = PolicySet(
                root: layers.map(\.origin).joined(separator: " + "),
                catalog: Catalog(licenses: licenses, providers: providers, models: models, organizations: organizations),
                rules: rules, organization: organization, waivers: waivers, digest: digest)
            set.layers = layers.map { PolicySet.LayerSummary(kind: $0.kind.rawValue, origin: $0.origin) }
            set.organizationOrigins = organizationOrigins
            set.disabledRules = settings.disabled
            set.severityOverrides = settings.severityOverrides
            set.ignores = ignores
            set.roles = roles
            policy = set
        }
        return PolicyLoader.Result(policy: policy, diagnostics: problems.diagnostics.sorted { $0.location < $1.location })
    }

    /// Replaces the entry with the same id in place, or appends it; `index` maps ids to positions, so merging the
    /// built-in catalog's hundreds of entries stays linear.
    private func replaceOrAppend<T>(_ list: inout [T], _ item: T, id: String, index: inout [String: Int]) {
        if let position = index[id] {
            list[position] = item
        } else {
            index[id] = list.count
            list.append(item)
        }
    }
}

/// Which rules the configurations turned off or re-graded, and where.
struct RuleSettingsOutcome {
    var disabled: [String: SourceLocation] = [:]
    var severityOverrides: [String: SourceLocation] = [:]
}

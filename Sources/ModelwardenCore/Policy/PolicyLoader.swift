import Crypto
import Foundation
import ModelwardenYAML

/// Loads a policy folder and validates all of it up front, reporting every problem at once.
public enum PolicyLoader {
    public struct Result: Sendable {
        public var policy: PolicySet?
        public var diagnostics: [Diagnostic]
        public var errors: [Diagnostic] { diagnostics.filter { $0.level == .error } }
    }

    static let licenseKeys = ["schemaVersion", "id", "name", "spdx", "hf_id", "kind", "url", "obligations", "restrictions",
                              "thresholds", "attribution", "notice", "name_prefix", "eu_multimodal_restriction",
                              "confidence", "notes", "sources", "as_of", "licenseref"]
    static let providerKeys = ["schemaVersion", "id", "name", "vendor", "license", "hosts", "env_vars", "prefixes",
                               "model_ids", "data_terms", "notes", "confidence", "sources", "as_of"]
    static let modelKeys = ["id", "family", "vendor", "license", "open_weights", "modalities", "base_model", "api",
                            "patterns", "checkpoints", "sources", "notes"]
    static let ruleKeys = ["id", "title", "severity", "category", "description", "when", "message", "remediation",
                           "help_uri", "references", "examples", "applies_to"]

    /// One policy folder on its own (tests, and `policy validate` of a complete set).
    public static func load(from directory: String, today: PolicyDate = .today) -> Result {
        load(layers: [PolicyLayer.folder(directory)], today: today)
    }

    /// The layers merged in order (see `PolicyLayer`) and validated as one set.
    public static func load(layers: [PolicyLayer], today: PolicyDate = .today) -> Result {
        let assembly = PolicyAssembly(layers: layers, today: today)
        return assembly.run()
    }

    // MARK: - Files

    static func parseLicense(_ root: YAMLNode, file: String, problems: PolicyProblems) -> License? {
        guard let r = FieldReader(root, file: file, path: "", problems: problems, allowed: licenseKeys) else { return nil }
        r.checkSchemaVersion()
        let id = r.string("id", required: true)
        let name = r.string("name", required: true)
        let kind = r.oneOf("kind", License.Kind.allCases.map(\.rawValue), required: true).flatMap(License.Kind.init)
        var thresholds: [License.Threshold] = []
        for (item, path) in r.list("thresholds") {
            guard let t = FieldReader(item, file: file, path: path, problems: problems, allowed: ["metric", "value", "comparison", "measured_at", "consequence", "scope"]) else { continue }
            let metric = t.oneOf("metric", ["monthly-active-users", "annual-revenue-usd"], required: true)
            let value = t.int("value")
            if !t.has("value") { t.missing("value") }
            let comparison = t.oneOf("comparison", ["gt", "gte"]) ?? "gt"
            if let metric, let value {
                thresholds.append(License.Threshold(metric: metric, value: value, comparison: comparison,
                                                    measuredAt: t.string("measured_at"), consequence: t.string("consequence")))
            }
        }
        let sources = r.strings("sources", required: true)
        if r.has("sources") && sources.isEmpty { r.problems.error(file, r.mark("sources"), "sources", "at least one source is required") }
        let asOf = r.date("as_of", required: true)
        _ = r.oneOf("confidence", ["high", "medium", "low"])
        guard let id, let name, let kind else { return nil }
        return License(
            id: id, name: name, spdx: r.string("spdx"), hfID: r.string("hf_id"), kind: kind, url: r.string("url"),
            obligations: r.strings("obligations"), restrictions: r.strings("restrictions"), thresholds: thresholds,
            attribution: r.string("attribution"), notice: r.string("notice"), namePrefix: r.string("name_prefix"),
            euMultimodalRestriction: r.bool("eu_multimodal_restriction") ?? false, confidence: r.string("confidence"),
            notes: r.string("notes"), sources: sources, asOf: asOf, file: file)
    }

    static func parseProvider(_ root: YAMLNode, file: String, problems: PolicyProblems, licenseIDs: Set<String>) -> Provider? {
        guard let r = FieldReader(root, file: file, path: "", problems: problems, allowed: providerKeys) else { return nil }
        r.checkSchemaVersion()
        let id = r.string("id", required: true)
        let name = r.string("name", required: true)
        let license = r.string("license")
        if let license, !licenseIDs.contains(license) {
            let hint = closestMatch(license, in: licenseIDs.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            problems.error(file, root["license"]!.mark, "license", "unknown licence '\(license)'\(hint)")
        }
        var training = Provider.Training.dependsOnTier
        var retention: Int?
        var zdr = false
        var summary: String?
        if let terms = r.child("data_terms", allowed: ["trains_on_api_data", "retention_days", "zero_data_retention_available", "summary"]) {
            training = terms.oneOf("trains_on_api_data", Provider.Training.allCases.map(\.rawValue), required: true).flatMap(Provider.Training.init) ?? .dependsOnTier
            retention = terms.int("retention_days")
            zdr = terms.bool("zero_data_retention_available") ?? false
            summary = terms.string("summary")
        } else {
            r.missing("data_terms")
        }
        let sources = r.strings("sources", required: true)
        let asOf = r.date("as_of", required: true)
        // Model ids only this provider serves (Bedrock `anthropic.claude-...-v1:0`, Vertex `claude-...@DATE`).
        var modelIDs: [CatalogPattern] = []
        if let items = root["model_ids"]?.sequence {
            for (index, item) in items.enumerated() {
                guard let source = item.string else { continue }
                if let pattern = compile(source, file: file, mark: item.mark, path: "model_ids[\(index)]", problems: problems) {
                    modelIDs.append(pattern)
                }
            }
        }
        guard let id, let name else { return nil }
        return Provider(
            id: id, name: name, vendor: r.string("vendor"), licenseID: license, hosts: r.strings("hosts"),
            envVars: r.strings("env_vars"), prefixes: r.strings("prefixes"), modelIDs: modelIDs, trainsOnAPIData: training,
            retentionDays: retention, zeroDataRetentionAvailable: zdr, summary: summary, notes: r.string("notes"),
            sources: sources, asOf: asOf, file: file)
    }

    static func parseModel(_ node: YAMLNode, file: String, path: String, order: Int, problems: PolicyProblems,
                           licenseIDs: Set<String>, providerIDs: Set<String>) -> ModelEntry? {
        guard let r = FieldReader(node, file: file, path: path, problems: problems, allowed: modelKeys) else { return nil }
        let id = r.string("id", required: true)
        let family = r.string("family", required: true)
        let vendor = r.string("vendor", required: true)
        if !r.has("license") { r.missing("license") }
        let license = r.string("license")
        func checkLicense(_ license: String?, _ mark: Mark, _ at: String) {
            guard let license, !licenseIDs.contains(license) else { return }
            let hint = closestMatch(license, in: licenseIDs.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            problems.error(file, mark, at, "unknown licence '\(license)'\(hint)")
        }
        checkLicense(license, node["license"]?.mark ?? node.mark, r.sub("license"))
        let api = r.string("api")
        if let api, !providerIDs.contains(api) {
            problems.error(file, node["api"]!.mark, r.sub("api"), "unknown provider '\(api)'")
        }
        var patterns: [CatalogPattern] = []
        let patternList = r.strings("patterns", required: true)
        for (index, source) in patternList.enumerated() {
            if let pattern = compile(source, file: file, mark: node["patterns"]?.sequence?[index].mark ?? node.mark, path: "\(r.sub("patterns"))[\(index)]", problems: problems) {
                patterns.append(pattern)
            }
        }
        if r.has("patterns") && patternList.isEmpty {
            problems.error(file, r.mark("patterns"), r.sub("patterns"), "at least one pattern is required")
        }
        var checkpoints: [ModelEntry.Checkpoint] = []
        for (item, itemPath) in r.list("checkpoints") {
            guard let c = FieldReader(item, file: file, path: itemPath, problems: problems, allowed: ["match", "license", "modalities", "note"]) else { continue }
            guard let source = c.string("match", required: true),
                  let matcher = compile(source, file: file, mark: item["match"]!.mark, path: c.sub("match"), problems: problems) else { continue }
            let checkpointLicense = c.string("license")
            checkLicense(checkpointLicense, item["license"]?.mark ?? item.mark, c.sub("license"))
            checkpoints.append(ModelEntry.Checkpoint(matcher: matcher, licenseID: checkpointLicense,
                                                     modalities: c.has("modalities") ? c.strings("modalities") : nil, note: c.string("note")))
        }
        guard let id, let family, let vendor else { return nil }
        return ModelEntry(
            id: id, family: family, vendor: vendor, licenseID: license, openWeights: r.bool("open_weights") ?? false,
            modalities: r.has("modalities") ? r.strings("modalities") : ["text"], baseModel: r.string("base_model"), api: api,
            patterns: patterns, checkpoints: checkpoints, notes: r.string("notes"), sources: r.strings("sources"),
            file: file, order: order)
    }

    /// A catalog pattern, compiled now (and so validated) unless its layer is the built-in one, tested in the suite.
    static func compile(_ source: String, file: String, mark: Mark, path: String, problems: PolicyProblems) -> CatalogPattern? {
        guard problems.compilesPatterns else { return CatalogPattern(source: source) }
        do {
            return CatalogPattern(source: source, compiled: try NSRegularExpression(pattern: source, options: [.caseInsensitive]))
        } catch {
            problems.error(file, mark, path, "pattern '\(source)' does not compile")
            return nil
        }
    }

    static func parseRule(_ node: YAMLNode, file: String, path: String, problems: PolicyProblems) -> Rule? {
        guard let r = FieldReader(node, file: file, path: path, problems: problems, allowed: ruleKeys) else { return nil }
        let id = r.string("id", required: true)
        let title = r.string("title", required: true)
        let severity = r.oneOf("severity", Severity.allCases.map(\.rawValue), required: true).flatMap(Severity.init)
        let category = r.oneOf("category", Rule.Category.allCases.map(\.rawValue), required: true).flatMap(Rule.Category.init)
        let message = r.string("message", required: true)
        let remediation = r.string("remediation", required: true)
        let subject = r.oneOf("applies_to", Rule.Subject.allCases.map(\.rawValue)).flatMap(Rule.Subject.init) ?? .usages
        let knownFields = subject.knownFields
        var condition: Condition?
        if let when = node["when"] {
            condition = Condition.parse(when, file: file, path: r.sub("when"), problems: problems, knownFields: knownFields)
        } else {
            r.missing("when")
        }
        if let message {
            var rest = Substring(message)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                let placeholder = String(rest[rest.index(after: open)..<close])
                if !knownFields.contains(placeholder) {
                    problems.error(file, node["message"]!.mark, r.sub("message"), "unknown placeholder '{\(placeholder)}'")
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        var examples: [Rule.Example] = []
        for (item, itemPath) in r.list("examples") {
            guard let e = FieldReader(item, file: file, path: itemPath, problems: problems, allowed: ["name", "verdict", "files", "organization"]) else { continue }
            let verdict = e.oneOf("verdict", ["fail", "pass"], required: true).flatMap(Rule.Example.Verdict.init)
            var files: [(String, String)] = []
            if let filesNode = item["files"], let pairs = filesNode.pairs {
                for pair in pairs {
                    guard let name = pair.key.scalar, let text = pair.value.scalar else {
                        problems.error(file, pair.key.mark, e.sub("files"), "each file is a path mapped to its text")
                        continue
                    }
                    files.append((name, text))
                }
            } else {
                problems.error(file, item.mark, itemPath, "missing required key 'files' (a mapping of path to manifest text)")
            }
            if let org = item["organization"], !org.isMapping {
                problems.error(file, org.mark, e.sub("organization"), "expected a mapping of organization.yaml keys")
            }
            guard let verdict else { continue }
            examples.append(Rule.Example(
                name: e.string("name") ?? "example \(examples.count + 1)", verdict: verdict, files: files,
                organization: item["organization"], location: SourceLocation(file: file, line: item.mark.line, column: item.mark.column)))
        }
        guard let id, let title, let severity, let category, let message, let remediation, let condition else { return nil }
        return Rule(
            id: id, title: title, severity: severity, category: category, description: r.string("description") ?? title,
            condition: condition, message: message, remediation: remediation, helpURI: r.string("help_uri"),
            references: parseReferences(r), examples: examples, subject: subject, location: SourceLocation(file: file, line: node.mark.line, column: node.mark.column))
    }

    /// `references: [{title, url}]`: each needs a title and an http(s) URL.
    static func parseReferences(_ rule: FieldReader) -> [Rule.Reference] {
        var references: [Rule.Reference] = []
        for (item, path) in rule.list("references") {
            guard let r = FieldReader(item, file: rule.file, path: path, problems: rule.problems, allowed: ["title", "url"]) else { continue }
            let title = r.string("title", required: true)
            let url = r.string("url", required: true)
            if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                r.problems.error(r.file, item["url"]!.mark, r.sub("url"), "'\(url)' is not an http(s) URL")
                continue
            }
            if let title, let url { references.append(Rule.Reference(title: title, url: url)) }
        }
        return references
    }

    /// A list of waivers (waivers.yaml's `waivers:`, or the same list in a `.modelwarden.yaml`).
    static func parseWaivers(_ list: YAMLNode, file: String, problems: PolicyProblems, ruleIDs: Set<String>,
                             organization: Organization, today: PolicyDate) -> [Waiver] {
        if list.isNull { return [] }
        guard let items = list.sequence else {
            problems.error(file, list.mark, "waivers", "expected a list, found \(list.typeName)")
            return []
        }
        var waivers: [Waiver] = []
        for (item, path) in items.enumerated().map({ ($0.element, "waivers[\($0.offset)]") }) {
            guard let w = FieldReader(item, file: file, path: path, problems: problems, allowed: ["rule", "deployments", "models", "reason", "approved_by", "expires"]) else { continue }
            let rule = w.string("rule", required: true)
            if let rule, !rule.contains("*"), !ruleIDs.contains(rule) {
                let hint = closestMatch(rule, in: ruleIDs.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
                problems.error(file, item["rule"]!.mark, w.sub("rule"), "unknown rule '\(rule)'\(hint)")
            }
            let reason = w.string("reason", required: true)
            let approver = w.string("approved_by", required: true)
            let expires = w.date("expires", required: true)
            if let expires, let mark = item["expires"]?.mark {
                if expires < today {
                    problems.warning(file, mark, w.sub("expires"), "waiver expired on \(expires); it no longer waives anything")
                } else if expires.dayNumber - today.dayNumber > organization.maxWaiverDays {
                    problems.error(file, mark, w.sub("expires"), "expiry \(expires) is more than \(organization.maxWaiverDays) days ahead (the organisation's waivers.max_days)")
                }
            }
            var selectors: [Waiver.Selector] = []
            for (selector, selectorPath) in w.list("deployments") {
                guard let s = FieldReader(selector, file: file, path: selectorPath, problems: problems, allowed: ["kind", "namespace", "name"]) else { continue }
                selectors.append(Waiver.Selector(kind: s.string("kind"), namespace: s.string("namespace"), name: s.string("name")))
            }
            guard let rule, let reason, let approver, let expires else { continue }
            waivers.append(Waiver(rule: rule, deployments: selectors, models: w.strings("models"), reason: reason,
                                  approvedBy: approver, expires: expires,
                                  location: SourceLocation(file: file, line: item.mark.line, column: item.mark.column)))
        }
        return waivers
    }
}

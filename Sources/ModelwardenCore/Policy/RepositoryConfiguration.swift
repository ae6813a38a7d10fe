import Foundation
import ModelwardenYAML

/// What a repository's `.modelwarden.yaml` declares: its organisation, waivers, rule settings and ignores.
struct RepositoryConfiguration {
    var organization: YAMLNode?
    /// The list of waivers and the file it was read from (the configuration itself or the file it names).
    var waivers: (list: YAMLNode, file: String)?
    var ruleSettings: [RuleSetting] = []
    var ignores: [IgnoreGlob] = []
    var roles: [RoleGlob] = []

    static let keys = ["schemaVersion", "organization", "waivers", "rules", "ignore", "roles"]
    static let onWords: Set<String> = ["on", "true", "enabled", "yes"]
    static let offWords: Set<String> = ["off", "false", "disabled", "no"]

    /// Reads the configuration's keys; `document` reads a waivers file it names.
    static func parse(_ root: YAMLNode, file: String, baseFolder: String, problems: PolicyProblems,
                      document: (PolicyFile) -> YAMLNode?) -> RepositoryConfiguration {
        var configuration = RepositoryConfiguration()
        guard let reader = FieldReader(root, file: file, path: "", problems: problems, allowed: keys) else { return configuration }
        if reader.has("schemaVersion") { reader.checkSchemaVersion() }
        if let organization = root["organization"], !organization.isNull {
            if organization.isMapping {
                configuration.organization = organization
            } else {
                problems.error(file, organization.mark, "organization", "expected a mapping with the keys of organization.yaml, found \(organization.typeName)")
            }
        }
        configuration.waivers = waivers(root["waivers"], file: file, baseFolder: baseFolder, problems: problems, document: document)
        configuration.ruleSettings = ruleSettings(root["rules"], file: file, problems: problems)
        for (index, pattern) in reader.strings("ignore").enumerated() {
            let mark = root["ignore"]?.sequence?[index].mark ?? root.mark
            guard !pattern.isEmpty else {
                problems.error(file, mark, "ignore[\(index)]", "an empty pattern ignores nothing")
                continue
            }
            configuration.ignores.append(IgnoreGlob(base: baseFolder, pattern: pattern, location: SourceLocation(file: file, line: mark.line, column: mark.column)))
        }
        configuration.roles = roles(root["roles"], file: file, baseFolder: baseFolder, problems: problems)
        return configuration
    }

    /// `roles: {GLOB: configuration | data}`: a file's role by path, whatever its shape says.
    private static func roles(_ node: YAMLNode?, file: String, baseFolder: String, problems: PolicyProblems) -> [RoleGlob] {
        guard let node, !node.isNull else { return [] }
        guard let pairs = node.pairs else {
            problems.error(file, node.mark, "roles", "expected a mapping of path globs to configuration or data")
            return []
        }
        var globs: [RoleGlob] = []
        for pair in pairs {
            guard let pattern = pair.key.scalar, !pattern.isEmpty else {
                problems.error(file, pair.key.mark, "roles", "a role needs a non-empty path glob")
                continue
            }
            let choices = FileRole.allCases.map(\.rawValue)
            guard let word = pair.value.scalar, let role = FileRole(rawValue: word.lowercased()) else {
                let hint = pair.value.scalar.flatMap { closestMatch($0.lowercased(), in: choices) }.map { " (did you mean '\($0)'?)" } ?? ""
                problems.error(file, pair.value.mark, "roles.\(pattern)", "expected configuration or data, found '\(pair.value.scalar ?? pair.value.typeName)'\(hint)")
                continue
            }
            let location = SourceLocation(file: file, line: pair.key.mark.line, column: pair.key.mark.column)
            globs.append(RoleGlob(base: baseFolder, pattern: pattern, role: role, location: location))
        }
        return globs
    }

    /// `waivers:` is a list in the waivers.yaml format, or the path of such a file relative to the configuration.
    private static func waivers(_ node: YAMLNode?, file: String, baseFolder: String, problems: PolicyProblems,
                                document: (PolicyFile) -> YAMLNode?) -> (list: YAMLNode, file: String)? {
        guard let node, !node.isNull else { return nil }
        if node.sequence != nil { return (node, file) }
        guard let relative = node.scalar else {
            problems.error(file, node.mark, "waivers", "expected a list of waivers or the path of a waivers file, found \(node.typeName)")
            return nil
        }
        let path = relative.hasPrefix("/") ? relative : (baseFolder as NSString).appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.error(file, node.mark, "waivers", "cannot read the waivers file '\(relative)'")
            return nil
        }
        let display = relativeToWorkingFolder(path)
        guard let root = document(PolicyFile(relativePath: relative, displayPath: display, bytes: Array(data))),
              let reader = FieldReader(root, file: display, path: "", problems: problems, allowed: ["schemaVersion", "waivers"]) else { return nil }
        reader.checkSchemaVersion()
        guard let list = root["waivers"] else {
            reader.missing("waivers")
            return nil
        }
        return (list, display)
    }

    /// `rules: {ID: off | on | error | warning | info | {enabled: BOOL, severity: LEVEL}}`.
    private static func ruleSettings(_ node: YAMLNode?, file: String, problems: PolicyProblems) -> [RuleSetting] {
        guard let node, !node.isNull else { return [] }
        guard let pairs = node.pairs else {
            problems.error(file, node.mark, "rules", "expected a mapping of rule ids to off, on, a severity or {enabled, severity}")
            return []
        }
        var settings: [RuleSetting] = []
        for pair in pairs {
            guard let id = pair.key.scalar else {
                problems.error(file, pair.key.mark, "rules", "rule ids must be strings")
                continue
            }
            let location = SourceLocation(file: file, line: pair.key.mark.line, column: pair.key.mark.column)
            let path = "rules.\(id)"
            if let word = pair.value.scalar?.lowercased() {
                if onWords.contains(word) {
                    settings.append(RuleSetting(rule: id, enabled: true, severity: nil, location: location))
                } else if offWords.contains(word) {
                    settings.append(RuleSetting(rule: id, enabled: false, severity: nil, location: location))
                } else if let severity = Severity(rawValue: word) {
                    settings.append(RuleSetting(rule: id, enabled: nil, severity: severity, location: location))
                } else {
                    let choices = ["off", "on"] + Severity.allCases.map(\.rawValue)
                    let hint = closestMatch(word, in: choices).map { " (did you mean '\($0)'?)" } ?? ""
                    problems.error(file, pair.value.mark, path, "expected off, on or a severity (\(choices.joined(separator: ", "))), found '\(word)'\(hint)")
                }
                continue
            }
            guard let reader = FieldReader(pair.value, file: file, path: path, problems: problems, allowed: ["enabled", "severity"]) else { continue }
            let severity = reader.oneOf("severity", Severity.allCases.map(\.rawValue)).flatMap(Severity.init)
            settings.append(RuleSetting(rule: id, enabled: reader.bool("enabled"), severity: severity, location: location))
        }
        return settings
    }

    /// A path as the user would type it from the working folder.
    static func relativeToWorkingFolder(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let full = PolicyLayer.absolute(path)
        return full.hasPrefix(cwd + "/") ? String(full.dropFirst(cwd.count + 1)) : full
    }
}

import ModelwardenCore
import ModelwardenYAML

/// The file a role predicate looks at: its path split once, and its text.
struct RoleSubject {
    let path: String
    /// Folder names from the scan root down, lower-cased.
    let folders: [String]
    /// The file name, lower-cased.
    let name: String
    let text: String

    init(path: String, text: String) {
        self.path = path
        self.text = text
        let parts = path.lowercased().split(separator: "/").map(String.init)
        self.folders = Array(parts.dropLast())
        self.name = parts.last ?? ""
    }

    var fileExtension: String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...])
    }
}

/// One named rule for a file's role, in the manner of Linguist's strategies: it answers with a verdict and a reason,
/// or nil when it has nothing to say. Path predicates are cheap and run first; shape predicates read parsed documents.
struct PathRolePredicate: Sendable {
    let name: String
    let decide: @Sendable (RoleSubject) -> String?
}

struct ShapeRolePredicate: Sendable {
    let name: String
    let decide: @Sendable ([YAMLNode]) -> String?
}

/// The chain of role predicates: the user's `roles:` globs first, then path conventions, then content shapes;
/// a file no predicate claims is configuration.
public struct FileRoles: Sendable {
    let overrides: [RoleGlob]

    public init(overrides: [RoleGlob] = []) {
        self.overrides = overrides
    }

    static let namedOnCommandLine = RoleVerdict(.configuration, predicate: "named-file", reason: "named on the command line: always read")

    static let configurationByDefault = RoleVerdict(.configuration, predicate: "default",
                                                    reason: "no data convention or shape matched; read as configuration")

    /// The verdict from the user's globs or the path alone; nil when the content must decide.
    func verdict(path: String, absolutePath: String, text: String) -> RoleVerdict? {
        if let glob = overrides.last(where: { RoleGlobMatcher.matches($0, absolutePath: absolutePath) }) {
            return RoleVerdict(glob.role, predicate: "roles-override", reason: "'\(glob.pattern)' in \(glob.location)")
        }
        let subject = RoleSubject(path: path, text: text)
        for predicate in PathConventions.all + GeneratedCode.all {
            if let reason = predicate.decide(subject) { return RoleVerdict(.data, predicate: predicate.name, reason: reason) }
        }
        return nil
    }

    /// The verdict from the parsed documents of a YAML or JSON file.
    func verdict(documents: [YAMLNode]) -> RoleVerdict {
        for predicate in ContentShapes.all {
            if let reason = predicate.decide(documents) { return RoleVerdict(.data, predicate: predicate.name, reason: reason) }
        }
        return FileRoles.configurationByDefault
    }
}

/// A `roles:` glob against a file's absolute path, with `.gitignore` semantics (`IgnoreRule`): the file or any
/// folder it lies in may match (`evals/` or `evals/**` claims everything below it).
enum RoleGlobMatcher {
    static func matches(_ glob: RoleGlob, absolutePath: String) -> Bool {
        guard let rule = IgnoreRule(line: glob.pattern, base: glob.base, source: glob.location.description), !rule.negated else { return false }
        let components = IgnoreRule.components(absolutePath)
        let base = IgnoreRule.components(glob.base).count
        guard components.count > base else { return false }
        return (base + 1...components.count).contains { length in
            rule.matches(Array(components.prefix(length)), isDirectory: length < components.count)
        }
    }
}

/// What a file is to an audit, decided before any scanner reads it: something the repository deploys or runs
/// (*configuration*), or something it carries (*data*: catalogs of supported models, evaluation results, API
/// specifications, tests and fixtures, translations, lock files, generated files, documentation).
/// Data files yield no usages and no findings.
public enum FileRole: String, Sendable, Codable, CaseIterable {
    case configuration
    case data
}

/// A file's role and the reason, as `check --explain-roles` prints it (`data: test fixture (path has 'tests/')`).
public struct RoleVerdict: Sendable, Hashable, Codable {
    public var role: FileRole
    /// The named predicate that decided (`tests-folder`, `supported-model-catalog`, `roles-override`).
    public var predicate: String
    public var reason: String

    public init(_ role: FileRole, predicate: String, reason: String) {
        self.role = role
        self.predicate = predicate
        self.reason = reason
    }
}

/// One scanned file with its role, for `--explain-roles` and reports.
public struct FileRoleEntry: Sendable, Hashable, Codable {
    public var file: String
    public var verdict: RoleVerdict

    public init(file: String, verdict: RoleVerdict) {
        self.file = file
        self.verdict = verdict
    }
}

/// A model a product can be configured with, read from a catalog of supported models: what it *could* call.
/// Listed apart from usages and never evaluated by rules.
public struct SupportedModel: Sendable, Hashable, Codable {
    public var model: String
    public var location: SourceLocation
    /// The provider the catalog files the entry under, when it says.
    public var provider: String?

    public init(model: String, location: SourceLocation, provider: String? = nil) {
        self.model = model
        self.location = location
        self.provider = provider
    }
}

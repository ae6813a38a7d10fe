/// `roles:` in `.modelwarden.yaml`: files matching a glob get this role whatever their shape says
/// (`roles: {"config/models/*.json": configuration, "evals/**": data}`).
public struct RoleGlob: Sendable, Equatable {
    /// Absolute folder the pattern is relative to (the configuration's folder).
    public var base: String
    /// gitignore-style, as `ignore:`.
    public var pattern: String
    public var role: FileRole
    public var location: SourceLocation

    public init(base: String, pattern: String, role: FileRole, location: SourceLocation) {
        self.base = base
        self.pattern = pattern
        self.role = role
        self.location = location
    }
}

/// How a walk decides which paths to leave out.
public struct DiscoveryOptions: Sendable, Hashable {
    /// Read `.gitignore` files (the repository's, from its root down, and nested ones), `.git/info/exclude` and
    /// `.gitattributes` (`linguist-vendored`, `linguist-generated`, `linguist-documentation`). `--no-ignore` turns
    /// this off; the built-in skipped and vendored folders stay skipped either way.
    public var useIgnoreFiles: Bool
    /// Patterns from the caller (a repository configuration's `ignore:`); they apply whether or not the ignore
    /// files are read, and override them (`!pattern` re-includes what a `.gitignore` leaves out).
    public var extraIgnores: [IgnorePattern]
    /// Follow symbolic links whose target lies outside the scanned folders (`--follow-symlinks`). Off, such a link is
    /// reported as a warning and not read, so a link to `/etc` or `~/.ssh` cannot pull files in. Links inside the
    /// scanned folders are followed either way.
    public var followSymlinks: Bool

    /// The root's folders are walked on all cores (`RepositoryWalker.walkInParallel`); tests compare with one by one.
    var walksFoldersInParallel = true

    public init(useIgnoreFiles: Bool = true, extraIgnores: [IgnorePattern] = [], followSymlinks: Bool = false) {
        self.useIgnoreFiles = useIgnoreFiles
        self.extraIgnores = extraIgnores
        self.followSymlinks = followSymlinks
    }
}

/// A path the walk left out, and why (for `--explain-roles`).
public struct SkippedPath: Sendable, Hashable, CustomStringConvertible {
    /// As reported: relative to the scanned folder. A skipped folder is one entry; nothing inside it is listed.
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

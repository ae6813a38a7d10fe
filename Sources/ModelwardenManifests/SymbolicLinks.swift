import Foundation

/// Where symbolic links lead, so a walk can stay inside the folders it was asked to scan.
enum SymbolicLinks {
    /// The absolute path with every link, `.` and `..` resolved; nil for a broken link or a loop.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The target of `path` when it is a symbolic link whose real path (through any chain of links and `..`) lies
    /// outside every root; nil for anything else, including broken links and loops, which the walk reports itself.
    static func escapingTarget(of path: String, roots: [String]) -> (path: String, isDirectory: Bool)? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let target = realPath(path) else { return nil }
        guard !roots.contains(where: { isInside(target, root: $0) }) else { return nil }
        var targetInfo = stat()
        let isDirectory = stat(target, &targetInfo) == 0 && (targetInfo.st_mode & S_IFMT) == S_IFDIR
        return (target, isDirectory)
    }

    /// Whether `path` is `root` or below it (component-wise: `/srv/app2` is not inside `/srv/app`).
    static func isInside(_ path: String, root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}

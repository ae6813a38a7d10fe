import Foundation

/// The gitignore rules in force at one folder of a walk: `.git/info/exclude`, then every `.gitignore` from the
/// repository root down (a deeper file overrides a shallower one), then the caller's extra patterns, which
/// override them all. As in git, the last matching rule decides and a `!` rule re-includes.
struct IgnoreRules: Sendable {
    private(set) var fromFiles: [IgnoreRule] = []
    private(set) var extra: [IgnoreRule] = []

    init(extra patterns: [IgnorePattern] = []) {
        extra = patterns.compactMap { pattern in
            IgnoreRule(line: pattern.pattern, base: IgnoreRules.standardized(pattern.base), source: "ignore pattern")
        }
    }

    /// Adds the rules of an ignore file, if it exists.
    mutating func read(_ file: String, base: String, shownAs source: String) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return }
        fromFiles += IgnoreRule.rules(in: text, base: base, source: source)
    }

    /// The rule that ignores the path, or nil when it is not ignored (no rule matches, or the last match re-includes).
    func ignoringRule(_ path: [String], isDirectory: Bool) -> IgnoreRule? {
        // The walk asks about every file: the rules are read in place from the last, and only the deciding one is copied.
        if let index = extra.indices.last(where: { extra[$0].matches(path, isDirectory: isDirectory) }) { return extra[index].negated ? nil : extra[index] }
        if let index = fromFiles.indices.last(where: { fromFiles[$0].matches(path, isDirectory: isDirectory) }) {
            return fromFiles[index].negated ? nil : fromFiles[index]
        }
        return nil
    }

    static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The folder holding `.git` (a folder, or a file in worktrees and submodules) at or above `folder`.
    static func repositoryRoot(above folder: String) -> String? {
        var current = URL(fileURLWithPath: folder).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: current.appendingPathComponent(".git").path) { return current.path }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }
}

import Foundation

/// GitHub Linguist's overrides in `.gitattributes`: a path marked `linguist-vendored`, `linguist-generated` or
/// `linguist-documentation` is not the repository's own configuration, so it is not read. `-linguist-vendored`
/// (or `=false`) un-marks a path, also one of the vendored folders that are skipped by default.
struct LinguistAttributes: Sendable {
    static let names = ["linguist-vendored", "linguist-generated", "linguist-documentation"]

    struct Line: Sendable {
        /// The pattern, with gitattributes semantics: like gitignore, but no `!` and a folder pattern
        /// (`docs/`) does not reach inside the folder (`docs/**` does).
        let pattern: IgnoreRule
        /// Attribute name to set (true) or unset (false).
        let settings: [String: Bool]
    }

    var lines: [Line] = []

    mutating func read(_ file: String, base: String, shownAs source: String) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let line = LinguistAttributes.line(String(raw), base: base, source: "\(source):\(index + 1)") { lines.append(line) }
        }
    }

    /// A line that mentions at least one linguist attribute; macros (`[attr]`) and other attributes are left out.
    static func line(_ raw: String, base: String, source: String) -> Line? {
        let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard let pattern = fields.first, !pattern.hasPrefix("#"), !pattern.hasPrefix("[attr]"), !pattern.hasPrefix("!") else { return nil }
        var settings: [String: Bool] = [:]
        for field in fields.dropFirst() {
            var name = Substring(field), value = true
            if name.hasPrefix("-") || name.hasPrefix("!") {
                name = name.dropFirst()
                value = false
            }
            if let equals = name.firstIndex(of: "=") {
                value = value && name[name.index(after: equals)...].lowercased() != "false"
                name = name[..<equals]
            }
            if names.contains(String(name)) { settings[String(name)] = value }
        }
        guard !settings.isEmpty, let rule = IgnoreRule(line: String(pattern), base: base, source: source) else { return nil }
        return Line(pattern: rule, settings: settings)
    }

    /// The first linguist attribute set on a file, with the line that sets it.
    func marking(file path: [String]) -> (attribute: String, line: Line)? {
        for attribute in LinguistAttributes.names {
            if let line = lines.last(where: { $0.settings[attribute] != nil && $0.pattern.matches(path, isDirectory: false) }),
               line.settings[attribute] == true {
                return (attribute, line)
            }
        }
        return nil
    }

    /// An attribute set on everything inside a folder by a `folder/**` line that no later line unsets, so the walk
    /// can skip the folder without listing it.
    func marking(folder path: [String]) -> (attribute: String, line: Line)? {
        for attribute in LinguistAttributes.names {
            guard let index = lines.lastIndex(where: { $0.settings[attribute] != nil && LinguistAttributes.coversInside($0.pattern, path) }),
                  lines[index].settings[attribute] == true else { continue }
            let unsetLater = lines[(index + 1)...].contains { $0.settings[attribute] == false }
            if !unsetLater { return (attribute, lines[index]) }
        }
        return nil
    }

    /// Whether a line un-marks everything inside a folder (`vendor/** -linguist-vendored`): the repository says
    /// the folder is its own, so the built-in vendored-folder skip does not apply.
    func unmarksVendored(folder path: [String]) -> Bool {
        let attribute = "linguist-vendored"
        guard let line = lines.last(where: { $0.settings[attribute] != nil && LinguistAttributes.coversInside($0.pattern, path) }) else { return false }
        return line.settings[attribute] == false
    }

    /// `folder/**`: a pattern ending in `**` whose other segments name the folder.
    private static func coversInside(_ rule: IgnoreRule, _ folder: [String]) -> Bool {
        guard rule.anchored, rule.segments.count >= 2, rule.segments.last == Glob.doubleStar else { return false }
        guard folder.count > rule.base.count, folder.starts(with: rule.base) else { return false }
        let relative = folder[rule.base.count...].map { Array($0.utf8) }
        return Glob.matchesPath(rule.segments.dropLast(), relative[...])
    }
}

import ModelwardenCore

/// `check --explain-roles`: every file read, its role and the predicate and reason that decided it, so a user can see
/// why a file yielded nothing (and override it with `roles:` in `.modelwarden.yaml`).
public enum RoleExplanation {
    public static func text(_ roles: [FileRoleEntry]) -> String {
        guard !roles.isEmpty else { return "No files read.\n\n" }
        let width = min(60, roles.map(\.file.count).max() ?? 0)
        var lines = roles.map { entry in
            let role = entry.verdict.role.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
            let file = entry.file.count >= width ? entry.file : entry.file.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(role) \(file)  \(entry.verdict.predicate): \(entry.verdict.reason)"
        }
        let data = roles.filter { $0.verdict.role == .data }.count
        lines.append("\(roles.count) files read: \(roles.count - data) configuration, \(data) data (data files yield no usages and no findings)")
        return lines.joined(separator: "\n") + "\n\n"
    }
}

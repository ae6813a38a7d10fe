import Foundation

/// Finds the shipped policy folder when `--policies` is not given.
public enum PolicyLocator {
    /// `$MODELWARDEN_POLICIES`, the install prefix next to the executable, `/usr/share/modelwarden/policies`,
    /// then a source tree above the working folder or the executable.
    public static func defaultDirectory(executable: String = CommandLine.arguments.first ?? "") -> String? {
        let fm = FileManager.default
        func isPolicySet(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: (path as NSString).appendingPathComponent("rules"), isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if let env = ProcessInfo.processInfo.environment["MODELWARDEN_POLICIES"], !env.isEmpty { return env }
        let executablePath = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
        let candidates = [
            (executablePath as NSString).appendingPathComponent("../share/modelwarden/policies"),
            "/usr/local/share/modelwarden/policies",
            "/usr/share/modelwarden/policies",
        ]
        if let found = candidates.first(where: isPolicySet) { return (found as NSString).standardizingPath }
        for start in [fm.currentDirectoryPath, executablePath] {
            var folder = start
            for _ in 0..<8 {
                let policies = (folder as NSString).appendingPathComponent("Policies")
                if isPolicySet(policies) {
                    // Relative to the working folder when inside it, so reports name `Policies/waivers.yaml`.
                    let cwd = fm.currentDirectoryPath
                    return policies.hasPrefix(cwd + "/") ? String(policies.dropFirst(cwd.count + 1)) : policies
                }
                let parent = (folder as NSString).deletingLastPathComponent
                if parent == folder { break }
                folder = parent
            }
        }
        return nil
    }
}

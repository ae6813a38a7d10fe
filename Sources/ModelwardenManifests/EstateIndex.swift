import ModelwardenCore

/// What every file of an estate gives that another file's audit can read, counted by key so that a change updates
/// it without going over the estate: gateway routes that read folder variables, the env files workloads load,
/// deployment references, the names of Services and deployments, ConfigMap names and their readers, and the folders
/// holding MCP servers. A daemon keeps one beside its last
/// audit; the SQLite store keeps one per source, so that a `scan --db` reads only the counts a change needs.
public struct EstateIndex: Sendable {
    public private(set) var counts: [String: Int] = [:]

    public init(_ scans: [FileScan] = []) {
        for scan in scans { add(scan) }
    }

    /// Some counts of an estate (those a check reads), as a store keeps them.
    public init(counts: [String: Int]) {
        self.counts = counts
    }

    public func count(_ key: String) -> Int { counts[key, default: 0] }

    public mutating func add(_ scan: FileScan) {
        for key in Self.keys(of: scan) { bump(key, by: 1) }
    }

    public mutating func remove(_ scan: FileScan) {
        for key in Self.keys(of: scan) { bump(key, by: -1) }
    }

    /// Brings the index from the files as they were to the files as they are.
    public mutating func apply(_ changes: [Auditor.FileChange]) {
        for (key, step) in Self.delta(changes) { bump(key, by: step) }
    }

    /// How the changes move each count (zero moves left out).
    public static func delta(_ changes: [Auditor.FileChange]) -> [String: Int] {
        var delta: [String: Int] = [:]
        for change in changes {
            for key in change.before.map(keys(of:)) ?? [] { delta[key, default: 0] -= 1 }
            for key in change.after.map({ keys(of: $0.scan) }) ?? [] { delta[key, default: 0] += 1 }
        }
        return delta.filter { $0.value != 0 }
    }

    /// The counts `Auditor.changedParts` reads for these changes, but for the called hosts' (`Auditor.indexKeys`).
    static func keysRead(by changes: [Auditor.FileChange]) -> Set<String> {
        var keys: Set<String> = [folderVariableRoutes]
        for change in changes {
            keys.insert(loaded(change.path))
            keys.insert(toolsUnder(WorkloadAnalyzer.folder(of: change.path)))
            for scan in [change.before, change.after?.scan].compactMap({ $0 }) {
                for deployment in scan.deployments { keys.insert(ref(deployment.ref)) }
                for key in scan.workloads.flatMap(AuditMemo.configMapKeys(of:)) { keys.insert(configMapName(key)) }
                for key in scan.configMaps.keys { keys.insert(configMapName(key)); keys.insert(configMapRead(configMapName(key))) }
            }
        }
        return keys
    }

    /// Each key a file's scan counts under, once per thing it gives.
    static func keys(of scan: FileScan) -> [String] {
        var keys: [String] = []
        if scan.routes.contains(where: { $0.apiBase?.text.hasPrefix("os.environ/") == true }) { keys.append(folderVariableRoutes) }
        for workload in scan.workloads { keys += workload.envFiles.map(loaded) }
        for deployment in scan.deployments { keys += [ref(deployment.ref), hostName(deployment.ref.name)] }
        for service in scan.services { keys.append(hostName(service.name)) }
        for key in scan.configMaps.keys { keys.append(configMapName(key)) }
        for key in scan.workloads.flatMap(AuditMemo.configMapKeys(of:)) { keys.append(configMapRead(configMapName(key))) }
        for tool in scan.tools {
            // Under its folder and every folder above it, so that one count answers "any server at or below here".
            var folder = WorkloadAnalyzer.folder(of: tool.location.file)
            while true {
                keys.append(toolsUnder(folder))
                guard !folder.isEmpty else { break }
                folder = WorkloadAnalyzer.folder(of: folder)
            }
        }
        return keys
    }

    // Keys are text a store keeps (no NUL); a separator inside a name can only make two keys one, which makes the
    // checks more cautious, never less.
    static let folderVariableRoutes = "routes reading folder variables"
    static func loaded(_ path: String) -> String { "env file loaded\u{1F}" + path }
    static func ref(_ ref: DeploymentRef) -> String { "deployment\u{1F}\(ref.kind)\u{1F}\(ref.namespace ?? "\u{1E}")\u{1F}\(ref.name)" }
    /// A ConfigMap by name alone (`namespace/name` or `/name`): lookups fall back to the name.
    static func configMapName(_ key: String) -> String {
        "configmap\u{1F}" + (key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key)
    }
    /// A Service or deployment by name: what an in-house host's first label is looked up as.
    static func hostName(_ name: String) -> String { "host\u{1F}" + name }
    /// A workload's read of a ConfigMap by name (`configMapName`).
    static func configMapRead(_ name: String) -> String { "read\u{1F}" + name }
    static func toolsUnder(_ folder: String) -> String { "mcp servers under\u{1F}" + folder }

    private mutating func bump(_ key: String, by step: Int) {
        let value = counts[key, default: 0] + step
        counts[key] = value == 0 ? nil : value
    }
}

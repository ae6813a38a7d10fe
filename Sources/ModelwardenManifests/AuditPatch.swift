import ModelwardenCore

/// An audit brought up to date after a few files changed, without going over the others: the daemon's path from one
/// edited manifest to the API. It is taken only when every changed file, as it was and as it is, keeps to itself:
/// it gives nothing that another file's audit reads (ConfigMaps, env variables, services, gateway routes, MCP servers,
/// model servers, code owners, waivers, a deployment name another file also uses) and reads nothing from another
/// file (env files, ConfigMaps, in-house hosts). Then each changed file's part of the result is what an audit of that
/// file alone says, and every other part is what it was. Otherwise `patch` answers nil and the caller audits in full.
extension Auditor {
    /// One changed file: its scan as the previous audit saw it (nil: it was not there) and as it is now (nil: gone).
    public struct FileChange: Sendable {
        public var path: String
        public var before: FileScan?
        public var after: (file: ManifestFile?, scan: FileScan)?

        public init(path: String, before: FileScan?, after: (file: ManifestFile?, scan: FileScan)?) {
            self.path = path
            self.before = before
            self.after = after
        }
    }

    /// Replaces the changed files' parts of `result` (the previous audit, changed in place: a daemon's result is not
    /// copied) and returns those parts, what a store rewrites. `index` describes every file as it is now, the changed
    /// ones included, and `fileCount` counts them. Nil, and `result` untouched, when a changed file does not keep to
    /// itself.
    public func patch(_ result: inout AuditResult, index: EstateIndex, fileCount: Int, changes: [FileChange]) -> AuditResult? {
        guard changes.allSatisfy({ keepsToItself($0) }), isolated(changes, index: index, previous: result) else { return nil }
        let fresh = audit(changes.compactMap { $0.after.map { ($0.file, $0.scan) } }, extraDiagnostics: [])
        var parts = AuditResult(files: fresh.files, unread: fresh.unread, deployments: [], usages: [], findings: [], diagnostics: [],
                                rules: fresh.rules)
        for change in changes.sorted(by: { $0.path < $1.path }) {
            result.replaceParts(of: change.path, from: fresh)
            parts.replaceParts(of: change.path, from: fresh)
        }
        result.files = fileCount
        result.unread += changes.count { $0.after?.scan.unreadReason != nil } - changes.count { $0.before?.unreadReason != nil }
        return parts
    }

    /// The same over an estate held whole (`estate`: every file as it is now).
    public func patch(_ result: inout AuditResult, estate: [(ManifestFile?, FileScan)], changes: [FileChange]) -> AuditResult? {
        patch(&result, index: EstateIndex(estate.map(\.1)), fileCount: estate.count, changes: changes)
    }

    /// The file's own scan, before and after, gives and reads nothing across files.
    private func keepsToItself(_ change: FileChange) -> Bool {
        [change.before, change.after?.scan].compactMap { $0 }.allSatisfy { scan in
            Self.keepsToItself(scan) && !servesOrCallsInHouse(scan, file: change.after?.file)
        }
    }

    static func keepsToItself(_ scan: FileScan) -> Bool {
        scan.configMaps.isEmpty && scan.envVariables == nil && scan.services.isEmpty && scan.routes.isEmpty && scan.tools.isEmpty
            && scan.usages.isEmpty
            && scan.workloads.allSatisfy { workload in
                workload.deployment.kind != "ComposeService" && workload.envFiles.isEmpty && workload.buildContext == nil
                    && AuditMemo.configMapKeys(of: workload).isEmpty
            }
            && scan.deployments.allSatisfy { $0.labels[LabelKey.waive] == nil }
    }

    /// Whether one of the scan's workloads serves a model or is a gateway (other files' clients may call it), or calls
    /// a host of the estate (what it says depends on the server behind that host).
    private func servesOrCallsInHouse(_ scan: FileScan, file: ManifestFile?) -> Bool {
        let analyzer = WorkloadAnalyzer(catalog: policy.catalog, configMaps: [:], envFiles: [:], files: file.map { [$0.path: $0] } ?? [:])
        var analysed: [(Workload, [Usage])] = []
        for workload in scan.workloads {
            var callsInHouse = false
            let usages = analyzer.analyze(workload, callsInHouse: &callsInHouse)
            if callsInHouse { return true }
            analysed.append((workload, usages))
        }
        return !directory(services: [], deployments: scan.deployments, analysed: analysed, routes: [:]).isEmpty
    }

    /// What the estate around the changed files shares with them: a deployment reference, a Service selecting one of
    /// their deployments, a file that loads one of them, gateway routes that read folder variables, MCP servers that
    /// take their data classification from workloads beside them.
    private func isolated(_ changes: [FileChange], index: EstateIndex, previous: AuditResult) -> Bool {
        guard index.folderVariableRoutes == 0 else { return false }
        let paths = Set(changes.map(\.path))
        if paths.contains(where: { index.loadedFiles[$0, default: 0] > 0 }) { return false }
        let theirs = changes.flatMap { [$0.before, $0.after?.scan].compactMap { $0 }.flatMap(\.deployments) }
        if theirs.contains(where: index.isSelected) { return false }
        // The index counts the changed files' deployments as they are now; any other count is another file's.
        var own: [DeploymentRef: Int] = [:]
        for change in changes { for deployment in change.after?.scan.deployments ?? [] { own[deployment.ref, default: 0] += 1 } }
        if Set(theirs.map(\.ref)).contains(where: { index.refs[$0, default: 0] > own[$0, default: 0] }) { return false }
        let folders = Set(paths.map(WorkloadAnalyzer.folder(of:)))
        return !previous.tools.contains { tool in
            let toolFolder = WorkloadAnalyzer.folder(of: tool.server.location.file)
            return folders.contains { $0.isEmpty || toolFolder == $0 || toolFolder.hasPrefix($0 + "/") }
        }
    }
}

/// What every file of an estate gives that another file's audit can read, counted so that a change updates it
/// without going over the estate: gateway routes that read folder variables, the env files workloads load, the
/// selectors of Services, and deployment references. A daemon keeps one beside its last audit (`Auditor.patch`).
public struct EstateIndex: Sendable {
    var folderVariableRoutes = 0
    var loadedFiles: [String: Int] = [:]
    /// Services' selectors, each under its first label (by key): a deployment is looked up by its own labels.
    var selectors: [String: [[String: String]: Int]] = [:]
    var refs: [DeploymentRef: Int] = [:]

    public init(_ scans: [FileScan] = []) {
        for scan in scans { add(scan) }
    }

    public mutating func add(_ scan: FileScan) { count(scan, by: 1) }

    public mutating func remove(_ scan: FileScan) { count(scan, by: -1) }

    /// Brings the index from the files as they were to the files as they are.
    public mutating func apply(_ changes: [Auditor.FileChange]) {
        for change in changes {
            if let before = change.before { remove(before) }
            if let after = change.after { add(after.scan) }
        }
    }

    private mutating func count(_ scan: FileScan, by step: Int) {
        if scan.routes.contains(where: { $0.apiBase?.text.hasPrefix("os.environ/") == true }) { folderVariableRoutes += step }
        for workload in scan.workloads {
            for path in workload.envFiles { Self.bump(&loadedFiles, path, by: step) }
        }
        for service in scan.services {
            guard let first = service.selector.min(by: { $0.key < $1.key }) else { continue }
            Self.bump(&selectors[Self.label(first.key, first.value), default: [:]], service.selector, by: step)
            if selectors[Self.label(first.key, first.value)]?.isEmpty == true { selectors[Self.label(first.key, first.value)] = nil }
        }
        for deployment in scan.deployments { Self.bump(&refs, deployment.ref, by: step) }
    }

    /// Whether a Service of the estate selects the deployment.
    func isSelected(_ deployment: Deployment) -> Bool {
        deployment.labels.contains { key, value in
            selectors[Self.label(key, value)]?.keys.contains { selector in selector.allSatisfy { deployment.labels[$0.key] == $0.value } } ?? false
        }
    }

    private static func label(_ key: String, _ value: String) -> String { key + "\u{0}" + value }

    private static func bump<Key: Hashable>(_ counts: inout [Key: Int], _ key: Key, by step: Int) {
        let value = counts[key, default: 0] + step
        counts[key] = value == 0 ? nil : value
    }
}

extension AuditResult {
    /// Replaces everything located in `path` by what `fresh` says of it. Every list is sorted with the file first,
    /// so a file's entries sit together and the new ones go where the old ones were.
    mutating func replaceParts(of path: String, from fresh: AuditResult) {
        deployments.replaceBlock(of: path, with: fresh.deployments.filter { $0.location.file == path }, file: \.location.file)
        usages.replaceBlock(of: path, with: fresh.usages.filter { $0.usage.location.file == path }, file: \.usage.location.file)
        findings.replaceBlock(of: path, with: fresh.findings.filter { $0.location.file == path }, file: \.location.file)
        diagnostics.replaceBlock(of: path, with: fresh.diagnostics.filter { $0.location.file == path }, file: \.location.file)
        roles.replaceBlock(of: path, with: fresh.roles.filter { $0.file == path }, file: \.file)
        supported.replaceBlock(of: path, with: fresh.supported.filter { $0.location.file == path }, file: \.location.file)
    }
}

extension Array {
    /// In an array sorted by file first, replaces the entries of `path` (or inserts at their place when there are none).
    mutating func replaceBlock(of path: String, with entries: [Element], file: (Element) -> String) {
        let start = partitioningIndex { file($0) >= path }
        var end = start
        while end < count && file(self[end]) == path { end += 1 }
        replaceSubrange(start..<end, with: entries)
    }

    /// The first index whose element satisfies `belongs`, which holds for a suffix of the array (binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

import ModelwardenCore

/// An audit brought up to date after a few files changed, without going over the others: the daemon's path from one
/// edited manifest to the API, and `scan --db`'s when the store holds the estate's index. It is taken only when every
/// changed file keeps to itself: as it was and as it is, it gives other files' audits nothing but what the service
/// directory reads (its Services, its ConfigMaps, which of its deployments serve models), and that is the same before
/// and after; and as it is, it reads nothing from another file (no in-house host, no env file, no ConfigMap that
/// another file defines too). Then each changed file's part of the result is what an audit of that file alone says,
/// and every other part is what it was. Otherwise the patch declines and the caller audits in full.
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
        guard let fresh = changedParts(index: index, changes: changes) else { return nil }
        for change in changes.sorted(by: { $0.path < $1.path }) { result.replaceParts(of: change.path, from: fresh) }
        result.files = fileCount
        result.unread += changes.count { $0.after?.scan.unreadReason != nil } - changes.count { $0.before?.unreadReason != nil }
        return fresh
    }

    /// The same over an estate held whole (`estate`: every file as it is now).
    public func patch(_ result: inout AuditResult, estate: [(ManifestFile?, FileScan)], changes: [FileChange]) -> AuditResult? {
        patch(&result, index: EstateIndex(estate.map(\.1)), fileCount: estate.count, changes: changes)
    }

    /// What the changed files contribute to the audit of the estate `index` describes (as it is now): the audit of
    /// those files alone, every entry located in one of them. Nil when a changed file does not keep to itself.
    public func changedParts(index: EstateIndex, changes: [FileChange]) -> AuditResult? {
        changedParts(index: index, plan: plan(changes))
    }

    public func changedParts(index: EstateIndex, plan: PatchPlan) -> AuditResult? {
        guard isolated(plan.changes, index: index), plan.reaches.allSatisfy({ keepsToItself($0, index: index) }) else { return nil }
        return audit(plan.changes.compactMap { $0.after.map { ($0.file, $0.scan) } }, extraDiagnostics: [])
    }

    /// The changes with what each of their scans reaches, worked out once (the workloads' analysis is the costly part).
    public struct PatchPlan: Sendable {
        public let changes: [FileChange]
        let reaches: [(before: Reach?, after: Reach?)]

        /// The index counts `changedParts` reads: what a store looks up before it patches.
        public var indexKeys: Set<String> {
            var keys = EstateIndex.keysRead(by: changes)
            for reach in reaches.flatMap({ [$0.before, $0.after].compactMap { $0 } }) {
                for name in reach.hostNames { keys.insert(EstateIndex.hostName(name)) }
            }
            return keys
        }
    }

    public func plan(_ changes: [FileChange]) -> PatchPlan {
        PatchPlan(changes: changes, reaches: ParallelMap.map(changes) { (before: $0.before.map(reach), after: $0.after.map { reach($0.scan) }) })
    }

    /// The file gives only what the directory reads, the same before and after, and reads nothing across files.
    private func keepsToItself(_ reach: (before: Reach?, after: Reach?), index: EstateIndex) -> Bool {
        let both = [reach.before, reach.after].compactMap { $0 }
        guard both.allSatisfy({ Self.givesOnlyToTheDirectory($0.scan) }) else { return false }
        // As it was too: a value read from another file's ConfigMap is located there, where a patch does not look.
        if both.contains(where: { readsAcrossFiles($0, index: index) }) { return false }
        return (reach.before?.exports ?? Exports()) == (reach.after?.exports ?? Exports())
    }

    /// No env variables, routes, MCP servers, code usages, compose services, loaded env files, build contexts,
    /// gateways or inline waivers: each of those is read by other files' audits in ways the index does not follow.
    static func givesOnlyToTheDirectory(_ scan: FileScan) -> Bool {
        scan.envVariables == nil && scan.routes.isEmpty && scan.tools.isEmpty && scan.usages.isEmpty
            && scan.workloads.allSatisfy { workload in
                workload.deployment.kind != "ComposeService" && workload.envFiles.isEmpty && workload.buildContext == nil
                    && !isGateway(workload)
            }
            && scan.deployments.allSatisfy { $0.labels[LabelKey.waive] == nil }
    }

    static func isGateway(_ workload: Workload) -> Bool {
        workload.containers.contains { $0.image?.text.lowercased().includes("litellm") == true }
    }

    /// A workload calls a host that a Service or deployment of the estate is named after (what it says depends on the
    /// server behind it), reads a ConfigMap whose name another file's ConfigMap has too (which one it reads depends on
    /// the files' order), or another file reads one of its ConfigMaps.
    private func readsAcrossFiles(_ reach: Reach, index: EstateIndex) -> Bool {
        var own: [String: Int] = [:]
        for key in reach.scan.configMaps.keys { own[EstateIndex.configMapName(key), default: 0] += 1 }
        let reads = reach.scan.workloads.flatMap(AuditMemo.configMapKeys(of:)).map(EstateIndex.configMapName)
        if reads.contains(where: { index.count($0) != own[$0, default: 0] }) { return true }
        // Values read from its own ConfigMaps are located in this file: another file reading them puts its usages here.
        var ownReads: [String: Int] = [:]
        for name in reads { ownReads[EstateIndex.configMapRead(name), default: 0] += 1 }
        if own.keys.contains(where: { index.count(EstateIndex.configMapRead($0)) > ownReads[EstateIndex.configMapRead($0), default: 0] }) { return true }
        return reach.hostNames.contains { index.count(EstateIndex.hostName($0)) > 0 }
    }

    /// What one scan reaches beyond its file: what it gives the service directory, and the names of the in-house hosts
    /// its workloads call (`http://ollama:11434` -> `ollama`), as the directory looks them up. A host whose name no
    /// Service and no deployment of the estate has resolves to nothing, in an audit of the file alone as in one of the
    /// estate.
    struct Reach: Sendable {
        var scan: FileScan
        var exports: Exports
        var hostNames: [String]
    }

    /// What a file gives the service directory: its Services, its ConfigMaps, and its deployments that serve models
    /// (with their labels, which Services select, and their runtime, which clients learn).
    struct Exports: Equatable, Sendable {
        var services: [ServiceDirectory.Service] = []
        var configMaps: [String: [String: Located]] = [:]
        var servers: [Server] = []

        struct Server: Equatable, Sendable {
            var ref: DeploymentRef
            var labels: [String: String]
            var runtime: String
        }
    }

    func reach(_ scan: FileScan) -> Reach {
        let analyzer = ownAnalyzer(scan)
        var analysed: [(Workload, [Usage])] = []
        var hostNames: [String] = []
        for workload in scan.workloads {
            var callsInHouse = false
            analysed.append((workload, analyzer.analyze(workload, callsInHouse: &callsInHouse)))
            guard callsInHouse else { continue }
            // The second pass's lookups when every one of them finds nothing: what a directory without servers answers.
            var logged = analyzer
            let log = ServiceDirectory.LookupLog()
            logged.directory.log = log
            _ = logged.analyze(workload)
            hostNames += log.recorded.map { String($0.host.split(separator: ".", omittingEmptySubsequences: false).first ?? "") }
        }
        let servers = directory(services: [], deployments: scan.deployments, analysed: analysed, routes: [:]).servers
        let exports = Exports(services: scan.services, configMaps: scan.configMaps, servers: scan.deployments.compactMap { deployment in
            servers[deployment.ref].map { Exports.Server(ref: deployment.ref, labels: deployment.labels, runtime: $0) }
        })
        return Reach(scan: scan, exports: exports, hostNames: hostNames)
    }

    /// An analyser that knows the file's own ConfigMaps (what the file reads when no other file defines them).
    private func ownAnalyzer(_ scan: FileScan) -> WorkloadAnalyzer {
        var configMaps = scan.configMaps
        for (key, data) in scan.configMaps.sorted(by: { $0.key < $1.key }) {
            let name = "/" + (key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key)
            if configMaps[name] == nil { configMaps[name] = data }
        }
        return WorkloadAnalyzer(catalog: policy.catalog, configMaps: configMaps, envFiles: [:], files: [:])
    }

    /// What the estate around the changed files shares with them: a file that loads one of them, gateway routes
    /// that read folder variables, another deployment with one of their references, MCP servers beside or below
    /// them (they take their data classification from the workloads there).
    private func isolated(_ changes: [FileChange], index: EstateIndex) -> Bool {
        guard index.count(EstateIndex.folderVariableRoutes) == 0 else { return false }
        if changes.contains(where: { index.count(EstateIndex.loaded($0.path)) > 0 }) { return false }
        // The index counts the changed files' deployments as they are now; any other count is another file's.
        var own: [String: Int] = [:]
        for change in changes { for deployment in change.after?.scan.deployments ?? [] { own[EstateIndex.ref(deployment.ref), default: 0] += 1 } }
        let theirs = Set(changes.flatMap { [$0.before, $0.after?.scan].compactMap { $0 }.flatMap(\.deployments) }.map { EstateIndex.ref($0.ref) })
        if theirs.contains(where: { index.count($0) > own[$0, default: 0] }) { return false }
        return !changes.contains { index.count(EstateIndex.toolsUnder(WorkloadAnalyzer.folder(of: $0.path))) > 0 }
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

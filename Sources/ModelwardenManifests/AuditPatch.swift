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
    /// copied) and returns those parts, what a store rewrites; `estate` is every file as it is now, the changed ones
    /// included. Nil, and `result` untouched, when a changed file does not keep to itself.
    public func patch(_ result: inout AuditResult, estate: [(ManifestFile?, FileScan)], changes: [FileChange]) -> AuditResult? {
        guard changes.allSatisfy({ keepsToItself($0) }), isolated(changes, in: estate, previous: result) else { return nil }
        let fresh = audit(changes.compactMap { $0.after.map { ($0.file, $0.scan) } }, extraDiagnostics: [])
        var parts = AuditResult(files: fresh.files, unread: fresh.unread, deployments: [], usages: [], findings: [], diagnostics: [],
                                rules: fresh.rules)
        for change in changes.sorted(by: { $0.path < $1.path }) {
            result.replaceParts(of: change.path, from: fresh)
            parts.replaceParts(of: change.path, from: fresh)
        }
        result.files = estate.count
        result.unread = estate.indices.count { estate[$0].1.unreadReason != nil }
        return parts
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
    private func isolated(_ changes: [FileChange], in estate: [(ManifestFile?, FileScan)], previous: AuditResult) -> Bool {
        let paths = Set(changes.map(\.path))
        let theirs = changes.flatMap { [$0.before, $0.after?.scan].compactMap { $0 }.flatMap(\.deployments) }
        let refs = Set(theirs.map(\.ref))
        var loadedFiles = Set<String>()
        // Through a pointer, field by field: a daemon's estate is 10,000 scans, and copying each (as a loop over the
        // array's elements does) costs more than the check.
        let shared = estate.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            for item in base..<(base + buffer.count) {
                if item.pointee.1.routes.contains(where: { $0.apiBase?.text.hasPrefix("os.environ/") == true }) { return true }
                for workload in item.pointee.1.workloads where !workload.envFiles.isEmpty { loadedFiles.formUnion(workload.envFiles) }
                for service in item.pointee.1.services where !service.selector.isEmpty {
                    if theirs.contains(where: { deployment in service.selector.allSatisfy { deployment.labels[$0.key] == $0.value } }) { return true }
                }
                guard !item.pointee.1.deployments.isEmpty else { continue }
                guard let path = item.pointee.0?.path ?? item.pointee.1.deployments.first?.location.file, !paths.contains(path) else { continue }
                if item.pointee.1.deployments.contains(where: { refs.contains($0.ref) }) { return true }
            }
            return false
        }
        if shared { return false }
        if !loadedFiles.isDisjoint(with: paths) { return false }
        let folders = Set(paths.map(WorkloadAnalyzer.folder(of:)))
        return !previous.tools.contains { tool in
            let toolFolder = WorkloadAnalyzer.folder(of: tool.server.location.file)
            return folders.contains { $0.isEmpty || toolFolder == $0 || toolFolder.hasPrefix($0 + "/") }
        }
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

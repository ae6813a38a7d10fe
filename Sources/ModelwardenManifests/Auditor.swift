import Foundation
import Logging
import ModelwardenCore
import ModelwardenYAML

/// Discover, scan, resolve, evaluate: the pipeline from files on disk to findings.
public struct Auditor: Sendable {
    /// Workload kinds that are all deployed when their file is applied (unlike compose services behind profiles).
    static let applyAll: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet",
                                        "LeaderWorkerSet", "RayService", "RayCluster", "InferenceService"]

    public let policy: PolicySet
    public let limits: ScanLimits
    public let scanners: [any ManifestScanner]
    public let today: PolicyDate
    /// What the walk leaves out (ignore files, extra ignore patterns).
    public let discovery: DiscoveryOptions
    /// Decides each file's role (configuration or data) before a scanner reads it.
    let roles: FileRoles

    public init(policy: PolicySet, limits: ScanLimits = ScanLimits(), scanners: [any ManifestScanner] = ScannerRegistry.all, today: PolicyDate = .today,
                discovery: DiscoveryOptions = DiscoveryOptions()) {
        self.policy = policy
        self.limits = limits
        self.scanners = scanners
        self.today = today
        self.discovery = discovery
        self.roles = FileRoles(overrides: policy.roles)
    }

    /// The files under the paths that this auditor reads, with the paths it leaves out.
    /// The walk leaves out what the options say and what the policy set's `ignore:` globs (repository configuration,
    /// `--ignore`) name, wherever the auditor is used: check, scan, report and the daemon.
    public func discover(_ paths: [String]) -> Discovery.Result {
        var options = discovery
        options.extraIgnores += policy.ignores.map { IgnorePattern(base: $0.base, pattern: $0.pattern) }
        return Discovery.discover(paths, options: options)
    }

    /// One changed file below a scanned root, judged as `discover` would judge it (`Discovery.judge`).
    public func judge(file: String, root: String, relativeRoot: String) -> Discovery.SingleFile {
        var options = discovery
        options.extraIgnores += policy.ignores.map { IgnorePattern(base: $0.base, pattern: $0.pattern) }
        return Discovery.judge(file: file, root: root, relativeRoot: relativeRoot, options: options)
    }

    public func audit(paths: [String], logger: Logger? = nil) -> AuditResult {
        var clock = PhaseClock()
        let discovered = discover(paths)
        logger?.debug("discovered files", metadata: ["files": "\(discovered.candidates.count)", "skipped": "\(discovered.skipped.count)",
                                                     "ms": "\(clock.lap())"])
        var loaded = ParallelMap.map(discovered.candidates) { candidate in self.read(candidate) }
        logger?.debug("files read and scanned", metadata: ["files": "\(loaded.count)", "ms": "\(clock.lap())"])
        let result = audit(loaded, extraDiagnostics: discovered.diagnostics)
        // The files' text and scans are freed on all cores, not one by one on this one before the report.
        ParallelMap.release(&loaded) { (nil, FileScan()) }
        logger?.debug("cross-file analysis and rules done", metadata: ["usages": "\(result.usages.count)", "ms": "\(clock.lap())"])
        return result
    }

    /// Audits files already in memory (rule examples, tests), with a memo of earlier audits of them when given.
    public func audit(texts: [(path: String, text: String)], memo: AuditMemo? = nil) -> AuditResult {
        let loaded = ParallelMap.map(texts) { item -> (ManifestFile?, FileScan) in
            let file = ManifestFile(path: item.path, absolutePath: item.path, text: item.text)
            return (file, self.scan(file))
        }
        return audit(loaded, extraDiagnostics: [], memo: memo)
    }

    /// Audits manifests piped to standard input: its virtual files are read as YAML or JSON whatever their names.
    public func audit(stream: StandardInputStream) -> AuditResult {
        let loaded = ParallelMap.map(stream.files) { item -> (ManifestFile?, FileScan) in
            let file = ManifestFile(path: item.path, absolutePath: StandardInputStream.argument + "/" + item.path, text: item.text)
            return (file, self.scanYAML(file))
        }
        return audit(loaded, extraDiagnostics: stream.diagnostics)
    }

    /// The cross-file part of an audit, over files already read and scanned (or taken from a cache). With a `memo`
    /// of earlier audits of the same estate, only what can see a changed file is analysed, resolved and evaluated
    /// again; the result is the same.
    public func audit(_ loaded: [(ManifestFile?, FileScan)], extraDiagnostics: [Diagnostic], memo: AuditMemo? = nil) -> AuditResult {
        var files: [String: ManifestFile] = [:]
        files.reserveCapacity(loaded.count)
        var configMaps: [String: [String: Located]] = [:]
        var envFiles: [String: [EnvVar]] = [:]
        var deployments: [Deployment] = []
        var diagnostics = extraDiagnostics
        for (file, scan) in loaded {
            if let file { files[file.path] = file }
            configMaps.merge(scan.configMaps) { first, _ in first }
            if let file, let variables = scan.envVariables { envFiles[file.path] = variables }
            diagnostics += scan.diagnostics
        }
        // An env file that a compose service loads belongs to that service, not to an app of its own.
        let loadedEnvFiles = Set(loaded.flatMap { $0.1.workloads.flatMap(\.envFiles) })
        // ConfigMaps also answer lookups by name alone, for workloads whose namespace is set at deploy time.
        for (key, data) in configMaps.sorted(by: { $0.key < $1.key }) {
            let name = "/" + (key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key)
            if configMaps[name] == nil { configMaps[name] = data }
        }
        var analyzer = WorkloadAnalyzer(catalog: policy.catalog, configMaps: configMaps, envFiles: envFiles, files: files)
        // Only LiteLLM's `api_base: os.environ/NAME` reads them; most scans have none.
        if loaded.contains(where: { $0.1.routes.contains { $0.apiBase?.text.hasPrefix("os.environ/") == true } }) {
            analyzer.folderVariables = folderVariables(loaded, envFiles: envFiles)
        }
        let skipped = { (workload: Workload) in workload.deployment.kind == "EnvFile" && loadedEnvFiles.contains(workload.file) }
        for (_, scan) in loaded {
            for deployment in scan.deployments where !(deployment.ref.kind == "EnvFile" && loadedEnvFiles.contains(deployment.location.file)) {
                deployments.append(deployment)
            }
        }
        // Gateways' routes first, then every workload; a second pass lets clients of in-house hosts see
        // what the server or gateway behind the host does.
        var usages: [Usage] = []
        var routeUsages: [DeploymentRef: [Usage]] = [:]
        for (_, scan) in loaded {
            usages += scan.usages
        }
        // Code run by a compose service (its `build:` context holds the file) is that service's, with its labels.
        usages = CodeOwnership(workloads: loaded.flatMap { $0.1.workloads }).assign(usages)
        for (file, scan) in loaded {
            for route in scan.routes {
                let usage = analyzer.analyze(route, file: file?.path ?? "")
                routeUsages[route.deployment, default: []].append(usage)
                usages.append(usage)
            }
        }
        // Each workload under its place (file, position in the file), which keys the memo.
        let workloads: [(AuditMemo.WorkloadKey, Workload)] = loaded.flatMap { _, scan in
            scan.workloads.enumerated().filter { !skipped($0.element) }.map { (AuditMemo.WorkloadKey(file: $0.element.file, index: $0.offset), $0.element) }
        }
        let earlier = memo?.earlier(policyDigest: policy.digest)
        let firstAnalyzer = analyzer
        // Without a memo there is nothing to record: no analysis per workload is kept.
        let firstPass: [AuditMemo.Analysis?] = earlier.map { earlier in
            ParallelMap.map(workloads) { key, workload in firstAnalyzer.firstPass(workload, earlier: earlier.analyses[key]) }
        } ?? []
        let plainFirstPass: [(usages: [Usage], callsInHouse: Bool)] = earlier != nil ? firstPass.map { ($0!.usages, $0!.callsInHouse) }
            : ParallelMap.map(workloads) { _, workload in
                var callsInHouse = false
                let usages = firstAnalyzer.analyze(workload, callsInHouse: &callsInHouse)
                return (usages, callsInHouse)
            }
        analyzer.directory = directory(services: loaded.flatMap { $0.1.services }, deployments: deployments,
                                       analysed: zip(workloads, plainFirstPass).map { ($0.0.1, $0.1.usages) }, routes: routeUsages)
        let secondAnalyzer = analyzer
        // Only clients of in-house hosts can learn something from the servers and gateways behind them.
        let secondRuns = !secondAnalyzer.directory.isEmpty
        let final: [AuditMemo.Outcome] = ParallelMap.map(Array(workloads.indices)) { index in
            let workload = workloads[index].1, first = plainFirstPass[index], recorded = firstPass.isEmpty ? nil : firstPass[index]
            guard first.callsInHouse && secondRuns else { return AuditMemo.Outcome(usages: first.usages, analysis: recorded) }
            guard let analysis = recorded else { return AuditMemo.Outcome(usages: secondAnalyzer.analyze(workload), analysis: nil) }
            let second = secondAnalyzer.secondPass(workload, after: analysis)
            return AuditMemo.Outcome(usages: second.analysis.second!.usages, analysis: second.analysis, secondPass: second.reused ? .reused : .analysed)
        }
        for workloadUsages in final { usages += workloadUsages.usages }
        usages = GenericModelReferences.yielding(usages, loadedEnvFiles: loadedEnvFiles)
        usages.sort { ($0.location, $0.model ?? "") < ($1.location, $1.model ?? "") }
        // A server that names no model is not a usage of its own when the same file names a model for that runtime
        // (a sidecar or init service pulls it).
        // An `unknown` runtime says nothing about sameness: two such servers in one file are two programs.
        let runtimeKey = { (usage: Usage) in
            "\(usage.location.file)|\(usage.runtime ?? "")" + (usage.runtime == "unknown" ? "|\(usage.deployment)" : "")
        }
        // Removed in place: the kept usages are neither copied nor freed (a filter copied every one of them, on one core).
        let namedRuntimes = Set(usages.filter { $0.model != nil && $0.hosting == .selfHosted }.map(runtimeKey))
        usages.removeAll { !($0.model != nil || $0.hosting != .selfHosted || !namedRuntimes.contains(runtimeKey($0))) }
        // Alternatives of one server in one file (compose profiles for CPU and GPU) are one usage; the server's own image
        // says it better than a client's base URL. Kubernetes objects in one file are all applied, so each is its own.
        let serverKey = runtimeKey
        let imageEvidence = Set(usages.filter { $0.model == nil && $0.hosting == .selfHosted && $0.evidence == "image" }.map(serverKey))
        var unnamedServers = Set<String>()
        usages.removeAll { usage in
            guard usage.model == nil, usage.hosting == .selfHosted else { return false }
            if imageEvidence.contains(serverKey(usage)) && usage.evidence != "image" { return true }
            let own = Auditor.applyAll.contains(usage.deployment.kind) && usage.evidence == "image" ? "|\(usage.deployment)" : ""
            return !unnamedServers.insert(serverKey(usage) + own).inserted
        }
        // One string written once is one usage, even when an anchor merges it into several services.
        var places = Set<String>()
        usages.removeAll { !places.insert("\($0.location)|\($0.model ?? "")|\($0.api ?? "")").inserted }
        // Each usage's resolution and findings, from the memo when it has them (`true`: computed now). Without a memo
        // nothing needs the flags, and a second array of every resolution would only raise the peak memory.
        let resolving: [(ResolvedUsage, Bool)] = earlier == nil ? [] : ParallelMap.map(usages) { usage in
            earlier?.resolved[usage].map { ($0, false) } ?? (self.resolve(usage), true)
        }
        let resolved = earlier == nil ? ParallelMap.map(usages) { self.resolve($0) } : resolving.map(\.0)
        var byRef: [DeploymentRef: Deployment] = [:]
        for deployment in deployments where byRef[deployment.ref] == nil { byRef[deployment.ref] = deployment }
        let tools = ToolServerResolution(organization: policy.organization, deployments: deployments).resolve(loaded.flatMap { $0.1.tools })
        let evaluator = Evaluator(policy: policy, today: today)
        let deploymentsByRef = byRef
        let evaluating: [([Finding], Bool)] = earlier == nil ? [] : ParallelMap.map(resolved) { item in
            let deployment = deploymentsByRef[item.usage.deployment]
            return earlier?.findings[AuditMemo.EvaluationKey(usage: item.usage, deployment: deployment)].map { ($0, false) }
                ?? (evaluator.findings(for: item, deployment: deployment), true)
        }
        let perUsage = earlier == nil
            ? ParallelMap.map(resolved) { evaluator.findings(for: $0, deployment: deploymentsByRef[$0.usage.deployment]) } : evaluating.map(\.0)
        let findings = evaluator.evaluate(perUsage: perUsage, tools: tools, deployments: byRef)
        if let memo, let earlier {
            remember(in: memo, earlier: earlier, workloads: workloads.map(\.0), analyses: final, resolved: resolving, evaluated: evaluating, byRef: byRef)
        }
        let rules = policy.rules.map {
            RuleSummary(id: $0.id, title: $0.title, description: $0.description, remediation: $0.remediation, helpURI: $0.helpURI,
                        severity: $0.severity, category: $0.category.rawValue)
        } + [RuleSummary.expiredWaiver, RuleSummary.inlineWaiverRefused]
        var result = AuditResult(
            files: loaded.count, unread: loaded.filter { $0.1.unreadReason != nil }.count, deployments: deployments.sorted { $0.location < $1.location }, usages: resolved,
            findings: findings, diagnostics: diagnostics.sorted { $0.location < $1.location }, rules: rules)
        result.roles = loaded.compactMap { file, scan in
            file.map { FileRoleEntry(file: $0.path, verdict: scan.role ?? FileRoles.configurationByDefault) }
        }.sorted { $0.file < $1.file }
        result.supported = loaded.flatMap { $0.1.supported ?? [] }.sorted { $0.location < $1.location }
        result.tools = tools
        return result
    }

    /// Adds what this audit computed to the memo for the next audit. Entries taken from the memo stay as they are; the
    /// memo starts afresh from this audit alone when it holds more than twice what this audit used (deleted files and
    /// usages that are gone), so it stays within twice the estate's size without being rebuilt on every audit.
    private func remember(in memo: AuditMemo, earlier: AuditMemo.Contents, workloads: [AuditMemo.WorkloadKey], analyses: [AuditMemo.Outcome],
                          resolved: [(ResolvedUsage, Bool)], evaluated: [([Finding], Bool)], byRef: [DeploymentRef: Deployment]) {
        var fresh = earlier
        var statistics = AuditMemo.Statistics()
        let rebuildAnalyses = earlier.analyses.count > 2 * workloads.count + 64
        let rebuildUsages = earlier.resolved.count > 2 * resolved.count + 64 || earlier.findings.count > 2 * resolved.count + 64
        if rebuildAnalyses { fresh.analyses = [:] }
        if rebuildUsages { fresh.resolved = [:]; fresh.findings = [:] }
        for (key, item) in zip(workloads, analyses) {
            guard var analysis = item.analysis else { continue }
            if analysis.reused { statistics.workloadsReused += 1 } else { statistics.workloadsAnalysed += 1 }
            switch item.secondPass {
            case .analysed: statistics.secondPassesAnalysed += 1
            case .reused: statistics.secondPassesReused += 1
            case nil: break
            }
            guard rebuildAnalyses || !analysis.reused || item.secondPass == .analysed else { continue }
            analysis.reused = false
            fresh.analyses[key] = analysis
        }
        for ((item, resolvedNow), (findings, evaluatedNow)) in zip(resolved, evaluated) {
            if resolvedNow { statistics.usagesResolved += 1 }
            if evaluatedNow { statistics.usagesEvaluated += 1 }
            if rebuildUsages || resolvedNow { fresh.resolved[item.usage] = item }
            if rebuildUsages || evaluatedNow { fresh.findings[AuditMemo.EvaluationKey(usage: item.usage, deployment: byRef[item.usage.deployment])] = findings }
        }
        memo.replace(with: fresh, statistics: statistics)
    }

    /// Literal variable values per folder, from workload environments and env files (first value wins).
    private func folderVariables(_ loaded: [(ManifestFile?, FileScan)], envFiles: [String: [EnvVar]]) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        func folder(_ path: String) -> String { path.split(separator: "/").dropLast().joined(separator: "/") }
        func add(_ variables: [EnvVar], in path: String) {
            for variable in variables {
                guard let value = variable.value?.text, !value.isEmpty, !value.includes("${") else { continue }
                if result[folder(path), default: [:]][variable.name] == nil { result[folder(path), default: [:]][variable.name] = value }
            }
        }
        for (_, scan) in loaded {
            for workload in scan.workloads { for container in workload.containers { add(container.env, in: workload.file) } }
        }
        for (path, variables) in envFiles.sorted(by: { $0.key < $1.key }) { add(variables, in: path) }
        return result
    }

    /// Model servers (workloads that serve a model themselves) and gateways (LiteLLM images, with the routes of the
    /// LiteLLM configs beside them: the same folder, the same namespace, or the only one).
    func directory(services: [ServiceDirectory.Service], deployments: [Deployment], analysed: [(Workload, [Usage])],
                           routes: [DeploymentRef: [Usage]]) -> ServiceDirectory {
        var directory = ServiceDirectory(services: services, deployments: deployments)
        for (workload, usages) in analysed {
            let isGateway = workload.containers.contains { $0.image.map { Auditor.namesLiteLLM($0.text) } == true }
            if isGateway {
                let folder = workload.file.split(separator: "/").dropLast().joined(separator: "/")
                let nearby = routes.filter { ref, usages in
                    ref.namespace != nil && ref.namespace == workload.deployment.namespace
                        || usages.contains { $0.location.file.split(separator: "/").dropLast().joined(separator: "/") == folder }
                }
                let chosen = nearby.isEmpty && routes.count == 1 ? routes : nearby
                if !chosen.isEmpty {
                    directory.gateways[workload.deployment] = chosen.keys.sorted().flatMap { chosen[$0]! }
                    continue
                }
            }
            if let served = usages.first(where: { $0.hosting == .selfHosted && ($0.evidence == "image" || $0.evidence == "command") }) {
                directory.servers[workload.deployment] = served.runtime ?? "unknown"
            }
        }
        return directory
    }

    /// `image.lowercased().includes("litellm")`, on the bytes for ASCII text (where lowering changes only A-Z): every
    /// workload's images are asked, on one core.
    static func namesLiteLLM(_ image: String) -> Bool {
        let answer = image.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            let needle: [UInt8] = Array("litellm".utf8)
            guard bytes.count >= needle.count else { return false }
            // `| 0x20` lowers A-Z and maps no other byte onto a lower-case letter.
            return (0...(bytes.count - needle.count)).contains { start in
                needle.indices.allSatisfy { bytes[start + $0] | 0x20 == needle[$0] }
            }
        }
        if let answer = answer ?? nil { return answer }
        return image.lowercased().includes("litellm")
    }

    /// Attaches the catalog entry, the governing licence and the provider.
    public func resolve(_ usage: Usage) -> ResolvedUsage {
        let catalog = policy.catalog
        let name = usage.catalogName ?? usage.model.map { model -> String in
            // Provider prefixes are routing, not identity: `bedrock/us.meta.llama3-1-70b...` is Llama 3.1.
            catalog.provider(forPrefixOf: model)?.rest ?? model
        }
        // An Azure OpenAI deployment name is chosen by the customer: it names the model only when it is the model's
        // own name (`gpt-4`, `gpt-4o-2024-08-06`), not when a pattern merely occurs in it (`gpt4o-weu-prod`).
        let azureDeployment = usage.api == "azure-openai" && usage.catalogName == nil
            && (usage.evidence.includes("DEPLOYMENT") || usage.model?.lowercased().hasPrefix("azure/") == true)
        // A model file's own name, then the base models it declares, identify it when its file name does not.
        var match = name.flatMap { catalog.match($0) } ?? usage.model.flatMap { catalog.match($0) }
            ?? ([usage.declaredName].compactMap { $0 } + usage.declaredBaseModels).lazy.compactMap { catalog.match($0) }.first
        if azureDeployment, let found = match, found.matchedText != found.normalized { match = nil }
        var usage = usage
        var provider = usage.api.flatMap { catalog.providers[$0] }
        // A model id only one provider serves (a Bedrock id, a Vertex `@DATE` name) names that provider, unless a
        // prefix or a host already chose one other than the model maker's own API.
        if usage.hosting == .externalAPI, let written = usage.model, let serving = catalog.provider(servingOnly: written),
           provider?.id != serving.id, provider == nil || provider?.id == match?.model.api {
            provider = serving
            usage.api = serving.id
        }
        var license: License?
        if let match, match.model.openWeights || usage.hosting == .selfHosted {
            license = match.licenseID.flatMap { catalog.licenses[$0] }
        } else if usage.hosting == .externalAPI {
            // Closed models (or none named) are governed by the API's terms.
            license = provider?.licenseID.flatMap { catalog.licenses[$0] } ?? match?.licenseID.flatMap { catalog.licenses[$0] }
        }
        // A model file that declares a licence the catalog knows is governed by it when the catalog knows no better.
        if license == nil, let declared = usage.declaredLicense {
            license = catalog.licenses.values.sorted { $0.id < $1.id }.first { $0.isNamed(declared) }
        }
        // A model the catalog does not know is still someone's: its repository owner says whose.
        let publisher = match == nil ? name.flatMap { catalog.publisher(ofRepository: $0) } : nil
        return ResolvedUsage(usage: usage, match: match, license: license, provider: provider, publisher: publisher)
    }

    // MARK: - Reading one file

    /// Reads and scans one file; `preloaded` is its content when the caller has read it already (the store hashes it).
    public func read(_ candidate: Discovery.Candidate, preloaded: Data? = nil) -> (ManifestFile?, FileScan) {
        // Model weights are never loaded: a GGUF file's header is read in a bounded window.
        if GGUFScanner.claims(candidate.path) {
            // A model file among test fixtures is data like its neighbours: its role is decided by its path alone.
            if !candidate.isNamed, let verdict = roles.verdict(path: candidate.path, absolutePath: candidate.absolutePath, text: ""),
               verdict.role == .data {
                return (ManifestFile(path: candidate.path, absolutePath: candidate.absolutePath, text: ""), FileScan(data: verdict))
            }
            return (nil, GGUFScanner.scan(candidate))
        }
        let start = SourceLocation(file: candidate.path, line: 1, column: 1)
        let data: Data
        if let preloaded {
            data = preloaded
        } else {
            switch ContainedRead.read(candidate, limit: limits.maxFileBytes) {
            case .success(let contents):
                data = contents.data
            case .failure(let failure):
                return (nil, unread(candidate, start, failure))
            }
        }
        // The bytes are checked where they were read; a copy is made only to locate invalid UTF-8.
        if data.withUnsafeBytes({ raw in raw.baseAddress.map { memchr($0, 0, min(raw.count, 8192)) != nil } ?? false }) {
            return (nil, unreadable(candidate, start, "binary file (contains NUL bytes); not scanned"))
        }
        guard let text = data.withUnsafeBytes({ String(validating: $0, as: UTF8.self) }) else {
            return (nil, unreadable(candidate, Self.invalidUTF8Location([UInt8](data), file: candidate.path), "invalid UTF-8; not scanned"))
        }
        var file = ManifestFile(path: candidate.path, absolutePath: candidate.absolutePath, text: text)
        file.isNamed = candidate.isNamed
        return (file, self.scan(file))
    }

    /// A file that could not be read. Too large is the caller's limit, so it counts as not read like undecodable
    /// content; a link swapped in after the walk is refused as the walk refuses one.
    private func unread(_ candidate: Discovery.Candidate, _ location: SourceLocation, _ failure: ContainedRead.Failure) -> FileScan {
        switch failure {
        case .tooLarge:
            return unreadable(candidate, location, failure.reason)
        case .outsideRoots:
            var scan = FileScan()
            scan.diagnostics.append(Diagnostic(location, failure.reason, level: .warning))
            return scan
        case .cannotOpen, .notRegularFile, .readError:
            var scan = FileScan()
            scan.diagnostics.append(Diagnostic(location, failure.reason))
            return scan
        }
    }

    /// A file whose content cannot be read as text: an error when the user named it, otherwise (a data file, a model
    /// blob found by the walk) a warning counted as not read, so an ordinary repository can still be gated.
    private func unreadable(_ candidate: Discovery.Candidate, _ location: SourceLocation, _ reason: String) -> FileScan {
        var scan = FileScan()
        scan.diagnostics.append(Diagnostic(location, reason, level: candidate.isNamed ? .error : .warning))
        if !candidate.isNamed { scan.unreadReason = reason }
        return scan
    }

    /// What one file yields, secrets already cut out: every path from a file to a kept value passes here. The file's
    /// role comes first: a data file yields nothing but its role; configuration is read by the scanner that claims it
    /// (source code, a text format, YAML or JSON documents).
    public func scan(_ file: ManifestFile) -> FileScan {
        let verdict = file.isNamed ? FileRoles.namedOnCommandLine : roles.verdict(path: file.path, absolutePath: file.absolutePath, text: file.text)
        if let verdict, verdict.role == .data { return FileScan(data: verdict) }
        var scan = scanConfiguration(file, verdict: verdict)
        scan.redactSecrets()
        if scan.role == nil { scan.role = verdict ?? FileRoles.configurationByDefault }
        return scan
    }

    /// Reads a file as YAML or JSON documents whatever its name (standard input), secrets cut out.
    public func scanYAML(_ file: ManifestFile, verdict: RoleVerdict? = nil) -> FileScan {
        var scan = parseYAML(file, verdict: verdict)
        scan.redactSecrets()
        return scan
    }

    private func scanConfiguration(_ file: ManifestFile, verdict: RoleVerdict?) -> FileScan {
        if let language = CodeLanguage.of(fileName: file.name) {
            return CodeScanner(catalog: policy.catalog).scan(file, language: language)
        }
        var scan = FileScan()
        if let scanner = scanners.first(where: { $0.acceptsText(file) }) {
            scanner.scanText(file, into: &scan)
            addGenericReferences(file, format: scanner.format, to: &scan)
            return scan
        }
        if ShellScriptScanner.isScriptName(file.name) {
            addGenericReferences(file, format: nil, to: &scan)
            return scan
        }
        let lower = file.name.lowercased()
        let isJSON = JSONWithComments.isJSONFileName(TemplateFile.manifestStem(lower) ?? lower)
        guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || isJSON || TemplateFile.isTemplatedManifestName(lower) else { return scan }
        return parseYAML(file, verdict: verdict)
    }

    /// Reads a file as YAML or JSON documents; a broken document is reported and the rest read line by line.
    /// Without a `verdict` (from a `roles:` glob), the documents' shape decides whether they are data.
    private func parseYAML(_ file: ManifestFile, verdict: RoleVerdict? = nil) -> FileScan {
        var scan = FileScan()
        // JSON with comments and trailing commas reads as YAML once they are blanked; positions do not move.
        let lower = file.name.lowercased()
        var file = file
        if JSONWithComments.isJSONFileName(TemplateFile.manifestStem(lower) ?? lower) && JSONWithComments.needsNormalising(file.text) {
            file.text = JSONWithComments.normalised(file.text)
        }
        let stream = YAMLParser.parse(file.text, limits: limits.yaml)
        let template = TemplateFile.kind(byLocationOf: file)
        guard let error = stream.error else {
            if verdict == nil {
                let shape = roles.verdict(documents: stream.documents)
                if shape.role == .data {
                    let listed = shape.predicate == ContentShapes.supportedModels.name ? SupportedModelCatalog.supported(stream.documents, file: file) : nil
                    return FileScan(data: shape, supported: listed)
                }
            }
            scanDocuments(stream.documents, in: file, into: &scan)
            if let template, TemplateFile.containsTemplateMarkers(file.text) {
                scan.diagnostics.append(Diagnostic(file.location(Mark(line: 1, column: 1)),
                                                   "template not rendered (\(template.description)): read as YAML with its placeholders", level: .info))
            }
            return scan
        }
        switch ParseFailure.verdict(for: file, template: template) {
        case .template(let kind):
            scan.diagnostics.append(Diagnostic(file.location(Mark(line: 1, column: 1)),
                                               "template not rendered (\(kind.description)): read line by line", level: .info))
        case .failClosed(let kind):
            scan.diagnostics.append(Diagnostic(file.location(error.mark), "\(error.message) (\(kind)); the rest of the file was read line by line"))
        case .notRead:
            scan.diagnostics.append(Diagnostic(file.location(error.mark), "not read: \(error.message)", level: .warning))
            scan.unreadReason = error.message
            return scan
        }
        readDespite(error, stream: stream, in: file, into: &scan)
        return scan
    }

    /// One broken document must not hide the others: parse each `---` section on its own, and read the broken ones
    /// line by line.
    private func readDespite(_ error: YAMLError, stream: YAMLStream, in file: ManifestFile, into scan: inout FileScan) {
        if error.message.contains("alias expansion") || error.message.contains("nesting") {
            scanDocuments(stream.documents, in: file, into: &scan)
            return
        }
        let lines = file.lines
        for section in sections(of: lines) {
            let text = String(repeating: "\n", count: section.lowerBound) + lines[section].joined(separator: "\n")
            let parsed = YAMLParser.parse(text, limits: limits.yaml)
            if parsed.error == nil {
                scanDocuments(parsed.documents, in: file, into: &scan)
            } else if let prefix = validPrefix(of: section, in: lines, before: parsed.error?.mark.line ?? 0) {
                // The lines above the first error still form a document: read them as YAML and only the rest by line.
                scanDocuments(prefix.documents, in: file, into: &scan)
                if !SecretObject.declaresSecret(lines[section]) {
                    LineScanner().scan(file, lines: prefix.end..<section.upperBound, into: &scan)
                }
            } else if !SecretObject.declaresSecret(lines[section]) {
                LineScanner().scan(file, lines: section, into: &scan)
            }
        }
    }

    private func scanDocuments(_ documents: [YAMLNode], in file: ManifestFile, into scan: inout FileScan) {
        // A Kubernetes Secret's `data` and `stringData` are never read, by any scanner.
        let generic = GenericModelReferences(catalog: policy.catalog)
        let readsValues = scanners.contains { $0 is ValuesScanner }
        let mayHoldServers = MCPConfigFiles.mayHoldServers(file)
        for document in documents where !SecretObject.isSecret(document) {
            // MCP servers are read beside whatever the scanners find: an app config names both models and tools.
            if mayHoldServers { scan.tools += MCPConfigFiles.servers(in: document, file: file) }
            let scanner = scanners.first(where: { $0.accepts(document, in: file) })
            scanner?.scan(document, in: file, into: &scan)
            // What no format scanner claimed goes through the generic model-reference pass too.
            if readsValues, scanner == nil || scanner is ValuesScanner {
                generic.add(GenericModelReferences.values(in: document), deployment: ValuesScanner.deployment(for: file), file: file, to: &scan)
            }
        }
    }

    /// The generic model-reference pass over a text file: other TOML, env files, and scripts that launch no server.
    private func addGenericReferences(_ file: ManifestFile, format: String?, to scan: inout FileScan) {
        let generic = GenericModelReferences(catalog: policy.catalog)
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        switch format {
        case TOMLConfigScanner().format?:
            generic.add(GenericModelReferences.values(inTOML: file), deployment: DeploymentRef(kind: "Config", namespace: folder, name: file.name),
                        file: file, to: &scan)
        case EnvFileScanner().format?:
            // The analyser reads the same variables later: this pass only adds what it will not report (see `yielding`).
            scan.usages += generic.usages(GenericModelReferences.values(inEnv: scan.envVariables ?? []),
                                          deployment: DeploymentRef(kind: "EnvFile", namespace: nil, name: folder ?? file.name), file: file)
        case nil:
            generic.add(GenericModelReferences.scriptArguments(file), deployment: DeploymentRef(kind: "Script", namespace: nil, name: file.name),
                        file: file, to: &scan)
        default:
            break
        }
    }

    /// The longest run of whole top-level entries above an error line (1-based) that parses on its own, when it holds
    /// at least one mapping entry; `end` is the first line index it leaves out.
    private func validPrefix(of section: Range<Int>, in lines: [Substring], before errorLine: Int) -> (documents: [YAMLNode], end: Int)? {
        var end = min(errorLine - 1, section.upperBound)
        // Cut where a top-level key starts, so the prefix does not end inside the block that the error belongs to.
        while end > section.lowerBound {
            let line = lines[end - 1]
            if let first = line.first, first != " ", first != "#", first != "-", first != "\t" { break }
            end -= 1
        }
        // `end - 1` is now the index of the last top-level key line at or above the error; leave it to the line reader.
        end -= 1
        guard end > section.lowerBound else { return nil }
        let text = String(repeating: "\n", count: section.lowerBound) + lines[section.lowerBound..<end].joined(separator: "\n")
        let parsed = YAMLParser.parse(text, limits: limits.yaml)
        guard parsed.error == nil, parsed.documents.contains(where: { $0.isMapping }) else { return nil }
        return (parsed.documents, end)
    }

    /// Line ranges between `---` separators.
    private func sections(of lines: [Substring]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for (index, line) in lines.enumerated() where line.hasPrefix("---") {
            if index > start { result.append(start..<index) }
            start = index + 1
        }
        if start < lines.count { result.append(start..<lines.count) }
        return result
    }

    static func invalidUTF8Location(_ bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            if length == 0 || index + length > bytes.count || String(validating: bytes[index..<index + length], as: UTF8.self) == nil {
                return SourceLocation(file: file, line: line, column: column)
            }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}


/// Milliseconds between the phases of a run, for the debug log.
public struct PhaseClock: Sendable {
    private var last = DispatchTime.now().uptimeNanoseconds

    public init() {}

    public mutating func lap() -> Int {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Int((now - last) / 1_000_000)
    }
}

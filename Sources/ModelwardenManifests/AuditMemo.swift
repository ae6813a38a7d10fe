import ModelwardenCore
import Synchronization

/// What the cross-file stage of one audit computed that the next audit of the same estate can reuse: each workload's
/// analysis with exactly the cross-file facts it read (the ConfigMaps and env files it loads, the env files beside a
/// compose file, its own file's text, and for clients of in-house hosts each directory lookup with its answer), each
/// usage's resolution, and what the usage rules said of each usage and its deployment.
///
/// An entry is reused only when every fact it read is the same now, so an audit with a memo returns what a full audit
/// returns; only the workloads that can see a changed file are analysed again. Whatever looks across the whole
/// estate (the directory of servers and gateways, the file-level deduplication, waivers) is rebuilt every time from
/// the reused parts. A long-running process (the daemon) keeps one memo between scans; it belongs to one policy set.
public final class AuditMemo: Sendable {
    /// A workload's place: its file and its position among that file's workloads.
    struct WorkloadKey: Hashable, Sendable {
        var file: String
        var index: Int
    }

    /// Everything a workload's first pass reads besides the catalog.
    struct Inputs: Equatable, Sendable {
        var workload: Workload
        /// Its file's text: token positions are looked up in it.
        var text: String?
        /// The variables of each env file it loads, in its order.
        var envFiles: [[EnvVar]?]
        /// The ConfigMaps its containers reference (`AuditMemo.configMapKeys`), each looked up.
        var configMaps: [[String: Located]?]
        /// The env files beside a compose file, for `${VAR}`.
        var siblingPaths: [String]
        var siblingVariables: [[EnvVar]]
    }

    /// One workload's analysis: the first pass, and the second (with the directory lookups it made) when it ran.
    struct Analysis: Sendable {
        var inputs: Inputs
        var usages: [Usage]
        var callsInHouse: Bool
        var second: SecondPass?
        /// Taken from the memo rather than analysed now.
        var reused = false
    }

    struct SecondPass: Sendable {
        var lookups: [ServiceDirectory.LookupLog.Lookup]
        var usages: [Usage]
    }

    /// What the audit took for one workload: its final usages, the memo entry, and whether a second pass ran or was reused.
    struct Outcome: Sendable {
        enum SecondPass: Sendable { case analysed, reused }
        var usages: [Usage]
        var analysis: Analysis?
        var secondPass: SecondPass? = nil
    }

    struct EvaluationKey: Hashable, Sendable {
        var usage: Usage
        var deployment: Deployment?
    }

    struct Contents: Sendable {
        var policyDigest: String
        var analyses: [WorkloadKey: Analysis] = [:]
        var resolved: [Usage: ResolvedUsage] = [:]
        var findings: [EvaluationKey: [Finding]] = [:]
    }

    /// How much the last audit reused: for the benchmarks' log and the tests that show only dependents are redone.
    public struct Statistics: Sendable, Equatable {
        public var workloadsAnalysed = 0
        public var workloadsReused = 0
        /// Second passes (clients of in-house hosts) run again, and reused because every lookup answered the same.
        public var secondPassesAnalysed = 0
        public var secondPassesReused = 0
        public var usagesResolved = 0
        public var usagesEvaluated = 0
    }

    private let contents = Mutex<Contents?>(nil)
    private let statistics = Mutex(Statistics())

    public init() {}

    /// What the last audit with this memo reused and redid.
    public var lastAudit: Statistics { statistics.withLock { $0 } }

    /// The memo's contents when they were made under this policy set; a memo of another set is not used.
    func earlier(policyDigest: String) -> Contents {
        contents.withLock { $0 }.flatMap { $0.policyDigest == policyDigest ? $0 : nil } ?? Contents(policyDigest: policyDigest)
    }

    /// The memo after an audit (`Auditor.remember`: this audit's new entries added, the whole rebuilt only when it
    /// has grown past twice what the audit used).
    func replace(with fresh: Contents, statistics: Statistics) {
        contents.withLock { $0 = fresh }
        self.statistics.withLock { $0 = statistics }
    }

    /// The ConfigMap keys a workload's containers read (`WorkloadAnalyzer.facts`): whole maps for `envFrom`, and for
    /// a single key both `namespace/name` and the name alone.
    static func configMapKeys(of workload: Workload) -> [String] {
        var keys: [String] = []
        for container in workload.containers {
            keys += container.envFromConfigMaps
            for variable in container.env {
                guard case .configMap(let map, _)? = variable.reference else { continue }
                keys += [map, "/" + (map.split(separator: "/").last.map(String.init) ?? "")]
            }
        }
        return keys
    }
}

extension WorkloadAnalyzer {
    /// What the first pass over a workload reads: every lookup `analyze` makes outside the workload itself.
    func inputs(of workload: Workload) -> AuditMemo.Inputs {
        let siblings = siblingEnvFiles(of: workload)
        return AuditMemo.Inputs(workload: workload, text: files[workload.file]?.text, envFiles: workload.envFiles.map { envFiles[$0] },
                                configMaps: AuditMemo.configMapKeys(of: workload).map { configMaps[$0] },
                                siblingPaths: siblings.map(\.path), siblingVariables: siblings.map(\.variables))
    }

    /// The first pass over one workload, taken from `earlier` when it read the same facts.
    func firstPass(_ workload: Workload, earlier: AuditMemo.Analysis?) -> AuditMemo.Analysis {
        let inputs = inputs(of: workload)
        if var earlier, earlier.inputs == inputs {
            earlier.inputs = inputs
            earlier.reused = true
            return earlier
        }
        var callsInHouse = false
        let usages = analyze(workload, callsInHouse: &callsInHouse)
        return AuditMemo.Analysis(inputs: inputs, usages: usages, callsInHouse: callsInHouse)
    }

    /// The second pass over a client of in-house hosts (this analyser's directory is complete), taken from the first
    /// pass's memo entry when its inputs are the same and this directory answers each of its lookups as before.
    func secondPass(_ workload: Workload, after first: AuditMemo.Analysis) -> (analysis: AuditMemo.Analysis, reused: Bool) {
        if first.reused, let second = first.second,
           second.lookups.allSatisfy({ directory.target(forHost: $0.host, from: $0.client) == $0.target }) {
            return (first, true)
        }
        var logged = self
        let log = ServiceDirectory.LookupLog()
        logged.directory.log = log
        let usages = logged.analyze(workload)
        var analysis = first
        analysis.second = AuditMemo.SecondPass(lookups: log.recorded, usages: usages)
        return (analysis, false)
    }
}

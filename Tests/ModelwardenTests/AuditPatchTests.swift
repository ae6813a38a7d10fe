import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenStore
import Testing

/// A patched audit (the daemon's path for a file that keeps to itself) must say exactly what a full audit says; when a
/// changed file gives or reads something across files, the patch must decline rather than guess.
@Suite struct AuditPatchTests {
    let auditor = Auditor(policy: Shipped.policy, today: Shipped.today)

    @Test func aPatchEqualsAFullAuditAfterEveryRandomEditItAccepts() {
        var accepted = 0, declined = 0
        for seed in UInt64(1)...32 {
            var estate = GeneratedEstate(seed: seed)
            var before = unique(estate.files)
            var previous = auditor.audit(texts: before)
            // Kept up to date edit by edit, as the daemon keeps it.
            var index = EstateIndex(loaded(before).map(\.1))
            for _ in 0..<25 {
                estate.edit()
                let after = unique(estate.files)
                let full = auditor.audit(texts: after)
                let edits = changes(from: before, to: after)
                index.apply(edits)
                var patched = previous
                if auditor.patch(&patched, index: index, fileCount: after.count, changes: edits) != nil {
                    accepted += 1
                    let difference = AuditComparison.difference(patched, full).map { $0 + " files \(patched.files)/\(full.files) unread \(patched.unread)/\(full.unread)" }
                    #expect(difference == nil, "seed \(seed) after \(estate.lastEdit): \(difference ?? "")")
                    if difference != nil { return }
                } else {
                    declined += 1
                }
                (before, previous) = (after, full)
            }
        }
        // Both answers occur: plain Deployments are patched; ConfigMaps, env files, servers, gateways and estates with
        // routes through `os.environ/` (most of this generator's) are not.
        #expect(accepted >= 10 && declined >= 100, "accepted \(accepted), declined \(declined)")
    }

    @Test func aChangedDeploymentIsPatchedAndAChangedConfigMapIsNot() throws {
        let deployment = { (model: String) in
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: chat, namespace: shop}
            spec:
              template:
                spec:
                  containers:
                    - name: app
                      image: ghcr.io/example/chat:1.0
                      env:
                        - {name: OPENAI_MODEL, value: \(model)}
            """
        }
        let configMap = { (model: String) in
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: models, namespace: ml}\ndata:\n  MODEL: \(model)\n"
        }
        let before = [(path: "k8s/chat.yaml", text: deployment("gpt-4o-mini")), (path: "k8s/models.yaml", text: configMap("gpt-4o"))]
        let previous = auditor.audit(texts: before)

        let edited = [(path: "k8s/chat.yaml", text: deployment("claude-3-5-sonnet-20241022")), before[1]]
        var patched = previous
        try #require(auditor.patch(&patched, estate: loaded(edited), changes: changes(from: before, to: edited)) != nil)
        #expect(AuditComparison.difference(patched, auditor.audit(texts: edited)) == nil)
        #expect(patched.usages.contains { $0.usage.model == "claude-3-5-sonnet-20241022" })
        #expect(!patched.usages.contains { $0.usage.model == "gpt-4o-mini" })

        let mapEdited = [before[0], (path: "k8s/models.yaml", text: configMap("gpt-4o-mini"))]
        var declined = previous
        #expect(auditor.patch(&declined, estate: loaded(mapEdited), changes: changes(from: before, to: mapEdited)) == nil)
        #expect(AuditComparison.difference(declined, previous) == nil)
    }

    /// One file per path, as on disk (the generator's first files may repeat a path).
    private func unique(_ files: [(path: String, text: String)]) -> [(path: String, text: String)] {
        var seen = Set<String>()
        return files.reversed().filter { seen.insert($0.path).inserted }.reversed()
    }

    /// The daemon's path: a recorder told which files changed records what a fresh process records after a walk,
    /// usages, findings and events alike, whether it patched the audit or fell back to a full scan.
    @Test func aRecorderToldWhichFilesChangedRecordsWhatAFreshRecorderRecords() async throws {
        var shortWays = 0
        for seed in UInt64(31)...33 { shortWays += try await recordBothWays(seed: seed) }
        // The plain Deployments' edits mostly went the short way (an estate with routes through `os.environ/` never does).
        #expect(shortWays >= 10, "\(shortWays) scans of changed files only")
    }

    /// `scan --db` on every commit: a new process each time, which patches from the store's index when it can, records
    /// what a full scan records.
    @Test func aNewProcessPatchesFromTheStoresIndexAndRecordsWhatAFullScanRecords() async throws {
        var shortWays = 0
        for seed in UInt64(41)...44 { shortWays += try await recordBothWays(seed: seed, newProcess: true) }
        #expect(shortWays >= 10, "\(shortWays) scans patched from the index")
    }

    /// Records a random estate's edits with and without being told what changed (or, for `newProcess`, by a recorder
    /// that keeps nothing between scans); how many went the short way. The reference recorder audits in full.
    private func recordBothWays(seed: UInt64, newProcess: Bool = false) async throws -> Int {
        var estate = GeneratedEstate(seed: seed)
        let folder = try TempFolder()
        let told = try AuditDatabase.inMemory(), fresh = try AuditDatabase.inMemory()
        let cache = ScanCache()
        var written: [String: String] = [:]
        var patched = 0
        for step in 0..<16 {
            // Mostly plain Deployments, which keep to themselves, between the generator's cross-file edits.
            if step > 0 && step % 3 == 0 { estate.edit() } else if step > 0 {
                let path = "plain/app-\(step % 5).yaml"
                estate.set(path, GeneratedEstate.deployment(name: "app-\(step % 5)", namespace: "shop", model: GeneratedEstate.models[step % 4],
                                                            configMap: nil, baseURL: nil))
            }
            let now = Dictionary(unique(estate.files).map { ($0.path, $0.text) }, uniquingKeysWith: { $1 })
            var changed = Set<String>()
            for gone in Set(written.keys).subtracting(now.keys) {
                try FileManager.default.removeItem(atPath: folder.path + "/" + gone)
                changed.insert(folder.path + "/" + gone)
            }
            for (path, text) in now where written[path] != text {
                try folder.write(path, text)
                changed.insert(folder.path + "/" + path)
            }
            written = now
            let a = newProcess ? try await Recorder(database: told, auditor: auditor, source: "estate").scan(paths: [folder.path])
                : try await Recorder(database: told, auditor: auditor, source: "estate", cache: cache).scan(paths: [folder.path], changed: changed)
            if a.patched { patched += 1 }
            // A cache of its own each time: the reference neither patches from the index nor keeps the last audit.
            let b = try await Recorder(database: fresh, auditor: auditor, source: "estate", cache: ScanCache()).scan(paths: [folder.path])
            #expect(!b.patched)
            let context = "seed \(seed), step \(step)"
            #expect(a.usages == b.usages && a.openFindings == b.openFindings && a.waivedFindings == b.waivedFindings && a.events == b.events
                    && a.files == b.files, "\(context)")
            #expect(try told.inventory().map(IncrementalAuditTests.describe) == fresh.inventory().map(IncrementalAuditTests.describe), "\(context)")
            #expect(try told.findings().map(IncrementalAuditTests.describe) == fresh.findings().map(IncrementalAuditTests.describe), "\(context)")
            #expect(try told.history().map { "\($0.kind) \($0.deployment ?? "") \($0.model ?? "") \($0.subject) \($0.detail)" }
                == fresh.history().map { "\($0.kind) \($0.deployment ?? "") \($0.model ?? "") \($0.subject) \($0.detail)" }, "\(context)")
            // Rows of files the scan did not read are marked seen by it all the same.
            // (A scan in which nothing changed marks usages and findings, not files, on either path.)
            if a.status == "complete" { #expect(try await IncrementalAuditTests.staleMarks(told) == 0, "\(context)") }
        }
        #expect(newProcess || patched == cache.changedFilesScans)
        return patched
    }

    /// Scans do not rewrite the rows they see again: the store answers that a row still there was seen by the latest
    /// scan, and that a retired one was seen last by the scan before the one that retired it.
    @Test func lastSeenIsTheLatestScanForRowsStillThereAndTheLastScanThatSawThemForRetiredOnes() async throws {
        let folder = try TempFolder()
        let database = try AuditDatabase.inMemory()
        let deployment = { (name: String, model: String) in
            GeneratedEstate.deployment(name: name, namespace: "shop", model: model, configMap: nil, baseURL: nil)
        }
        _ = try folder.write("a.yaml", deployment("a", "gpt-4o-mini"))
        _ = try folder.write("b.yaml", deployment("b", "meta-llama/Llama-3.1-8B-Instruct"))
        let recorder = Recorder(database: database, auditor: auditor, source: "estate")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let times = (1...4).map { Date(timeIntervalSince1970: 1_796_637_600 + Double($0)) }
        let stamp = times.map(formatter.string(from:))
        _ = try await recorder.scan(paths: [folder.path], now: times[0])
        _ = try await recorder.scan(paths: [folder.path], now: times[1])
        try FileManager.default.removeItem(atPath: folder.path + "/b.yaml")
        _ = try await recorder.scan(paths: [folder.path], now: times[2])
        _ = try await recorder.scan(paths: [folder.path], now: times[3])

        #expect(try database.inventory().map(\.lastSeen) == [stamp[3]])
        let findings = try database.findings()
        #expect(!findings.isEmpty && findings.allSatisfy { $0.lastSeen == ($0.file == "b.yaml" ? stamp[1] : stamp[3]) })
        #expect(findings.contains { $0.file == "b.yaml" && $0.status == "resolved" })
        var retired: [ComplianceReport.UsageRecord] = []
        try await database.reportData(since: nil, until: nil, sources: .all).usages.forEach { if !$0.active { retired.append($0) } }
        #expect(retired.map(\.file) == ["b.yaml"] && retired.map(\.lastSeen) == [stamp[1]])
    }

    private func loaded(_ files: [(path: String, text: String)]) -> [(ManifestFile?, FileScan)] {
        files.map { item in
            let file = ManifestFile(path: item.path, absolutePath: item.path, text: item.text)
            return (file, auditor.scan(file))
        }
    }

    /// Every path whose text differs, with its scan before and after.
    private func changes(from before: [(path: String, text: String)], to after: [(path: String, text: String)]) -> [Auditor.FileChange] {
        let old = Dictionary(before.map { ($0.path, $0.text) }, uniquingKeysWith: { $1 })
        let new = Dictionary(after.map { ($0.path, $0.text) }, uniquingKeysWith: { $1 })
        return Set(old.keys).union(new.keys).sorted().compactMap { path in
            guard old[path] != new[path] else { return nil }
            let beforeScan = old[path].map { auditor.scan(ManifestFile(path: path, absolutePath: path, text: $0)) }
            let afterFile = new[path].map { ManifestFile(path: path, absolutePath: path, text: $0) }
            return Auditor.FileChange(path: path, before: beforeScan, after: afterFile.map { ($0, auditor.scan($0)) })
        }
    }
}

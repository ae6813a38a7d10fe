import ModelwardenBuiltinPolicies
import ModelwardenCore
@testable import ModelwardenManifests
import Testing

/// A workload's usages are grouped by what and where they name (`WorkloadAnalyzer.deduplicated`); a single usage is
/// returned as it is, without the grouping, and must be what the grouping makes of it.
@Suite struct UsageGroupingTests {
    @Test func aSingleUsageIsWhatTheGroupingMakesOfIt() throws {
        let policy = try #require(PolicyLoader.load(layers: [PolicyLayer.builtin], today: Shipped.today).policy)
        let analyzer = WorkloadAnalyzer(catalog: policy.catalog, configMaps: [:], envFiles: [:], files: [:])
        let refs = [DeploymentRef(kind: "Deployment", namespace: "ml", name: "api"), DeploymentRef(kind: "ComposeService", namespace: nil, name: "web")]
        let models: [String?] = [nil, "gpt-4o", "$MODEL", "${MODEL:-qwen2.5}", "nvcr.io/nim/meta/llama3-8b-instruct:1.0", "Qwen/Qwen2.5-7B"]
        let evidence = ["command", "image", "env OPENAI_MODEL", "args --model"]
        var checked = 0
        for ref in refs {
            for model in models {
                for hosting in [Hosting.selfHosted, .externalAPI] {
                    for runtime in [nil, "unknown", "vllm", "ollama"] as [String?] {
                        for (index, evidence) in evidence.enumerated() {
                            let usage = Usage(deployment: ref, model: model, location: SourceLocation(file: "a.yaml", line: index + 1, column: 3),
                                              hosting: hosting, runtime: runtime, api: hosting == .externalAPI ? "openai" : nil, evidence: evidence)
                            #expect(analyzer.deduplicated([usage]) == analyzer.deduplicatedInGroups([usage]))
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == 384)
        #expect(analyzer.deduplicated([]) == analyzer.deduplicatedInGroups([]))
    }
}

import Foundation
import ModelwardenCore
@testable import ModelwardenManifests
import Testing

/// `check` at the root of an ordinary repository: JSON with comments, Helm and Jinja templates and broken data
/// files do not fail the run; what the repository ignores is not read; broken deployments still fail it.
@Suite struct RepositoryWalkTests {
    func audit(_ folder: TempFolder, _ options: DiscoveryOptions = DiscoveryOptions()) -> AuditResult {
        Auditor(policy: Shipped.policy, today: Shipped.today, discovery: options).audit(paths: [folder.path])
    }

    func models(_ result: AuditResult, in file: String? = nil) -> Set<String> {
        Set(result.usages.filter { file == nil || $0.usage.location.file == file }.compactMap(\.usage.model))
    }

    // MARK: JSON with comments

    @Test func devcontainerWithCommentsIsReadAtExactPositions() throws {
        let folder = try TempFolder()
        try folder.write(".devcontainer/devcontainer.json", """
        // VS Code allows comments here
        {
          "name": "app", /* a block
             comment over two lines */
          "containerEnv": {
            "OPENAI_BASE_URL": "https://api.openai.com/v1", // the // inside the string stays
            "OPENAI_MODEL": "gpt-4o-2024-08-06",
          },
        }
        """)
        let result = audit(folder)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let usage = try #require(result.usages.first { $0.usage.model == "gpt-4o-2024-08-06" })
        #expect(usage.usage.location == SourceLocation(file: ".devcontainer/devcontainer.json", line: 7, column: 22))
        #expect(usage.usage.hosting == .externalAPI && usage.usage.api == "openai")
    }

    @Test func vscodeAndJSON5FilesAreRead() throws {
        let folder = try TempFolder()
        try folder.write(".vscode/mcp.json", """
        {
          "servers": {
            "assistant": {
              "env": {"ANTHROPIC_MODEL": "claude-3-5-sonnet-20241022"}, // trailing comma below
            },
          },
        }
        """)
        try folder.write("app/config.json5", """
        {
          // JSON5: unquoted keys, single quotes, trailing commas
          llm_model: 'mistralai/Mistral-7B-Instruct-v0.3',
          base_url: 'http://vllm:8000/v1',
        }
        """)
        let result = audit(folder)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(models(result, in: ".vscode/mcp.json") == ["claude-3-5-sonnet-20241022"])
        let json5 = try #require(result.usages.first { $0.usage.location.file == "app/config.json5" })
        #expect(json5.usage.model == "mistralai/Mistral-7B-Instruct-v0.3")
        #expect(json5.usage.location.line == 3 && json5.usage.location.column == 15)
    }

    @Test func normalisingKeepsStringsAndPositions() {
        let text = "{\"url\": \"http://a//b/*c*/\", /* x */ 'it\\'s': [1, 2,], // end\n}"
        let normalised = JSONWithComments.normalised(text)
        #expect(normalised.count == text.count)
        // Both commas before a closing bracket go, also the one with a comment between it and the `}`.
        #expect(normalised == "{\"url\": \"http://a//b/*c*/\",         'it''s': [1, 2 ]        \n}")
    }

    // MARK: Templates

    @Test func helmChartTemplatesAreListedOnceAsNotRendered() throws {
        let folder = try TempFolder()
        try folder.write("charts/llm/Chart.yaml", "apiVersion: v2\nname: llm\nversion: 0.1.0\n")
        try folder.write("charts/llm/values.yaml", "image: {repository: vllm/vllm-openai, tag: v0.6.3}\nmodel: meta-llama/Llama-3.1-8B-Instruct\n")
        try folder.write("charts/llm/templates/deployment.yaml", """
        {{- if .Values.enabled }}
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "llm.fullname" . }}
        spec:
          template:
            spec:
              containers:
                - name: server
                  image: "{{ .Values.registry }}/vllm/vllm-openai:v0.6.3"
                  args: ["--model", "Qwen/Qwen2.5-7B-Instruct"]
        {{- end }}
        """)
        try folder.write("charts/llm/templates/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"{{ .Release.Name }}\"\n")
        let result = audit(folder)
        #expect(!result.diagnostics.contains { $0.level != .info }, "\(result.diagnostics)")
        for template in ["charts/llm/templates/deployment.yaml", "charts/llm/templates/service.yaml"] {
            let notes = result.diagnostics.filter { $0.location.file == template }
            #expect(notes.count == 1 && notes.first?.level == .info && notes.first?.message.contains("template not rendered (Helm chart llm)") == true,
                    "\(notes)")
        }
        #expect(models(result, in: "charts/llm/values.yaml") == ["meta-llama/Llama-3.1-8B-Instruct"])
        // What the line reader finds in the template is kept.
        #expect(models(result, in: "charts/llm/templates/deployment.yaml") == ["Qwen/Qwen2.5-7B-Instruct"])
    }

    @Test func jinjaTemplatesElsewhereDoNotFail() throws {
        let folder = try TempFolder()
        try folder.write("ansible/roles/llm/templates/docker-compose.yml.j2", """
        services:
          llm:
            image: ollama/ollama
        {% if use_gpu %}
            runtime: nvidia
        {% endif %}
            environment:
              OLLAMA_MODEL: {{ ollama_model | default("llama3.1:8b") }}
              LLM_MODEL: "qwen2.5:7b"
        """)
        let result = audit(folder)
        let notes = result.diagnostics
        #expect(notes.count == 1 && notes.first?.level == .info && notes.first?.message.contains("template not rendered (Jinja)") == true, "\(notes)")
        #expect(models(result).contains("qwen2.5:7b"))
    }

    // MARK: What fails the run

    @Test func aBrokenFileOfNoKnownKindIsNotReadAndCounted() throws {
        let folder = try TempFolder()
        try folder.write("data/catalog.json", "{\"models\": [\"gpt-4o\" \"claude-3-opus\"]}\n")
        try folder.write("ok/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        let result = audit(folder)
        let diagnostic = try #require(result.diagnostics.first { $0.location.file == "data/catalog.json" })
        #expect(diagnostic.level == .warning && diagnostic.message.hasPrefix("not read: "))
        #expect(result.unread == 1)
        #expect(models(result) == ["gpt-4o-2024-08-06"])
    }

    @Test func brokenDeploymentsAndNamedFilesStillFail() throws {
        let folder = try TempFolder()
        try folder.write("k8s/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n")
        try folder.write("docker-compose.gpu.yml", "services:\n  llm:\n   image: ollama/ollama\n  bad: [\n")
        try folder.write("gateway/proxy.yaml", "model_list:\n  - model_name: gpt\n    litellm_params: {model: [\n")
        try folder.write("chart/values-prod.yaml", "ollama:\n  models:\n    pull: [mistral]\npodSecurityContext: {}\n   fsGroup: 1000\n")
        let result = audit(folder)
        for file in ["k8s/pod.yaml", "docker-compose.gpu.yml", "gateway/proxy.yaml", "chart/values-prod.yaml"] {
            #expect(result.diagnostics.contains { $0.location.file == file && $0.level == .error }, "\(file): \(result.diagnostics)")
        }
        #expect(result.unread == 0)
        let named = try TempFolder()
        let path = try named.write("notes.yaml", "a: [\n")
        let namedResult = Auditor(policy: Shipped.policy, today: Shipped.today).audit(paths: [path])
        #expect(namedResult.diagnostics.map(\.level) == [.error])
    }

    @Test func checkExitsTwoOnlyForWhatMustFailClosed() throws {
        let folder = try TempFolder()
        try folder.write(".devcontainer/devcontainer.json", "{\n  // comment\n  \"name\": \"dev\",\n}\n")
        try folder.write("chart/Chart.yaml", "apiVersion: v2\nname: chart\nversion: 1.0.0\n")
        try folder.write("chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")
        try folder.write("reports/summary.json", "{\"runs\": [1, 2\n")
        try folder.write("app/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        let arguments = ["check", folder.path, "--policies", Paths.policies, "--format", "json", "--fail-on", "never"]
        let clean = try run(Paths.binary, arguments)
        #expect(clean.status == 0, "\(clean.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["unread"] as? Int == 1)
        let text = try run(Paths.binary, ["check", folder.path, "--policies", Paths.policies, "--fail-on", "never", "--no-color"])
        #expect(text.stdout.contains("1 files not read"))
        #expect(text.stdout.contains("info: template not rendered"))

        try folder.write("k8s/broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [\n")
        let broken = try run(Paths.binary, arguments)
        #expect(broken.status == 2)
    }

    // MARK: Ignores

    @Test func gitignoredFoldersAreSkippedUnlessNoIgnore() throws {
        let folder = try TempFolder()
        try folder.write(".gitignore", "# build output\ngenerated/\n")
        try folder.write("generated/pod.yaml", "OPENAI_MODEL: gpt-4o-mini\n")
        try folder.write("deploy/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        let result = audit(folder)
        #expect(models(result) == ["gpt-4o-2024-08-06"])
        let discovered = Discovery.discover([folder.path], options: DiscoveryOptions())
        #expect(discovered.skipped.contains(SkippedPath(path: "generated", reason: "ignored by .gitignore:2: generated/")))
        #expect(models(audit(folder, DiscoveryOptions(useIgnoreFiles: false))) == ["gpt-4o-2024-08-06", "gpt-4o-mini"])
        let cli = try run(Paths.binary, ["check", folder.path, "--policies", Paths.policies, "--format", "json", "--fail-on", "never", "--no-ignore"])
        #expect(cli.stdout.contains("gpt-4o-mini"))
    }

    @Test func nestedGitignoreNegatesBelowItsFolderOnly() throws {
        let folder = try TempFolder()
        try folder.write(".gitignore", "*.local.env\n")
        try folder.write("deploy/.gitignore", "!keep.local.env\n")
        try folder.write("deploy/keep.local.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        try folder.write("deploy/drop.local.env", "OPENAI_MODEL=gpt-4o-mini\n")
        try folder.write("other/keep.local.env", "OPENAI_MODEL=gpt-4-turbo\n")
        #expect(models(audit(folder)) == ["gpt-4o-2024-08-06"])
    }

    @Test func gitInfoExcludeAndParentGitignoreApply() throws {
        let folder = try TempFolder()
        try folder.write(".git/info/exclude", "scratch/\n")
        try folder.write(".gitignore", "deploy/old/\n")
        try folder.write("deploy/scratch/a.env", "OPENAI_MODEL=gpt-4o-mini\n")
        try folder.write("deploy/old/b.env", "OPENAI_MODEL=gpt-4-turbo\n")
        try folder.write("deploy/app/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        // Scanning a subfolder still applies the repository's ignore files above it.
        let result = Auditor(policy: Shipped.policy, today: Shipped.today).audit(paths: [folder.path + "/deploy"])
        #expect(models(result) == ["gpt-4o-2024-08-06"])
    }

    @Test func linguistAttributesAndVendoredFoldersAreSkipped() throws {
        let folder = try TempFolder()
        try folder.write(".gitattributes", "upstream-charts/** linguist-vendored\ndocs/**/*.yaml linguist-documentation\n*.gen.env linguist-generated\n")
        try folder.write("upstream-charts/vllm/values.yaml", "model: facebook/opt-125m\n")
        try folder.write("docs/examples/values.yaml", "model: google/gemma-2-9b-it\n")
        try folder.write("app/models.gen.env", "OPENAI_MODEL=gpt-4o-mini\n")
        try folder.write("node_modules/some-sdk/compose.yaml", "services: {llm: {image: ollama/ollama}}\n")
        try folder.write("third_party/helm/values.yaml", "model: microsoft/phi-2\n")
        try folder.write("app/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        let discovered = Discovery.discover([folder.path], options: DiscoveryOptions())
        #expect(discovered.candidates.map(\.path) == ["app/.env"])
        let reasons = Dictionary(uniqueKeysWithValues: discovered.skipped.map { ($0.path, $0.reason) })
        #expect(reasons["upstream-charts"]?.hasPrefix("linguist-vendored in .gitattributes:1") == true, "\(reasons)")
        #expect(reasons["docs/examples/values.yaml"]?.hasPrefix("linguist-documentation") == true)
        #expect(reasons["app/models.gen.env"]?.hasPrefix("linguist-generated") == true)
        #expect(reasons["node_modules"]?.hasPrefix("vendored dependencies") == true)
        // --no-ignore reads the attributes' paths; dependency folders stay skipped.
        let all = Discovery.discover([folder.path], options: DiscoveryOptions(useIgnoreFiles: false)).candidates.map(\.path)
        #expect(all == ["app/.env", "app/models.gen.env", "docs/examples/values.yaml", "upstream-charts/vllm/values.yaml"])
    }

    @Test func extraIgnoresFromTheCallerApplyAndOverride() throws {
        let folder = try TempFolder()
        try folder.write(".gitignore", "local/\n")
        try folder.write("local/.env", "OPENAI_MODEL=gpt-4o-mini\n")
        try folder.write("examples/a/.env", "OPENAI_MODEL=gpt-4-turbo\n")
        try folder.write("app/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        let options = DiscoveryOptions(extraIgnores: [IgnorePattern(base: folder.path, pattern: "/examples/"),
                                                      IgnorePattern(base: folder.path, pattern: "!local/")])
        #expect(models(audit(folder, options)) == ["gpt-4o-2024-08-06", "gpt-4o-mini"])
        let withoutIgnoreFiles = DiscoveryOptions(useIgnoreFiles: false, extraIgnores: [IgnorePattern(base: folder.path, pattern: "examples")])
        #expect(models(audit(folder, withoutIgnoreFiles)) == ["gpt-4o-2024-08-06", "gpt-4o-mini"])
    }

    @Test func modelwardensOwnConfigurationIsNeverAManifest() throws {
        let folder = try TempFolder()
        try folder.write(".modelwarden.yaml", "model: gpt-4o-mini\nignore: [examples/]\n")
        try folder.write(".modelwarden/roles.yaml", "model: gpt-4-turbo\n")
        try folder.write("app/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        #expect(models(audit(folder)) == ["gpt-4o-2024-08-06"])
        #expect(models(audit(folder, DiscoveryOptions(useIgnoreFiles: false))) == ["gpt-4o-2024-08-06"])
    }

    /// Skipped folders are pruned: nothing inside is listed. A broken symbolic link to a manifest name is reported
    /// whenever its folder is listed, so its absence shows the folder was never entered.
    @Test func skippedFoldersAreNeverEntered() throws {
        let folder = try TempFolder()
        try folder.write(".gitignore", "build-cache/\n")
        for ignored in ["node_modules/pkg", "build-cache/deep", "vendor/github.com/x"] {
            try folder.write("\(ignored)/keep.txt", "")
            try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/\(ignored)/broken.yaml", withDestinationPath: "/nonexistent/target.yaml")
        }
        try folder.write("app/.env", "OPENAI_MODEL=gpt-4o-2024-08-06\n")
        let discovered = Discovery.discover([folder.path], options: DiscoveryOptions())
        #expect(discovered.diagnostics.isEmpty, "\(discovered.diagnostics)")
        #expect(Set(discovered.skipped.map(\.path)) == ["build-cache", "node_modules", "vendor"])
        // Without the ignore files the .gitignore'd folder is entered, and its broken link seen.
        let unignored = Discovery.discover([folder.path], options: DiscoveryOptions(useIgnoreFiles: false))
        #expect(unignored.diagnostics.map(\.location.file) == ["build-cache/deep/broken.yaml"])
    }
}

import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenStore
import Testing

/// `check -`, `scan -` and `report -`: manifests piped from `helm template` and `kubectl get -o yaml|json`.
@Suite(.serialized) struct StandardInputTests {
    static let validator = Paths.shared.appendingPathComponent("tools/validate-schema").path
    static let leakedKey = "sk-proj-Zq8RfT3kLm20vXw9YbNc"

    /// `helm template assistant ./chart` as helm prints it: documents ordered by kind, each under its `# Source:`, the
    /// vLLM template rendering a Service and a Deployment.
    static let helmStream = """
        ---
        # Source: assistant/templates/serviceaccount.yaml
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: assistant
        ---
        # Source: assistant/templates/vllm.yaml
        apiVersion: v1
        kind: Service
        metadata:
          name: assistant-vllm
        spec:
          selector:
            app: assistant-vllm
          ports:
            - port: 8000
        ---
        # Source: assistant/templates/web.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: assistant-web
          labels:
            helm.sh/chart: assistant-0.3.1
        spec:
          template:
            metadata:
              labels:
                app: assistant-web
            spec:
              containers:
                - name: web
                  image: "ghcr.io/example/assistant-web:1.4.0"
                  env:
                    - name: OPENAI_MODEL
                      value: "gpt-4o-mini"
                    - name: OPENAI_API_KEY
                      valueFrom:
                        secretKeyRef: {name: openai, key: api-key}
        ---
        # Source: assistant/templates/vllm.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: assistant-vllm
        spec:
          template:
            metadata:
              labels:
                app: assistant-vllm
            spec:
              containers:
                - name: vllm
                  image: "vllm/vllm-openai:v0.6.3"
                  args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]

        """

    /// `kubectl get deploy -n ml -o yaml`: server-side fields, managedFields, status, and kubectl's copy of the applied
    /// object (which names the model again, and holds the key that the web app was given as a literal).
    static let kubectlYAML = """
        apiVersion: v1
        items:
        - apiVersion: apps/v1
          kind: Deployment
          metadata:
            annotations:
              deployment.kubernetes.io/revision: "3"
              kubectl.kubernetes.io/last-applied-configuration: |
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"chat","namespace":"ml"},"spec":{"template":{"metadata":{"labels":{"app":"chat"}},"spec":{"containers":[{"args":["--model","meta-llama/Llama-3.1-8B-Instruct"],"image":"vllm/vllm-openai:v0.6.3","name":"vllm"}]}}}}
            creationTimestamp: "2026-11-02T09:14:31Z"
            generation: 3
            managedFields:
            - apiVersion: apps/v1
              fieldsType: FieldsV1
              fieldsV1:
                f:metadata:
                  f:annotations:
                    .: {}
                    f:kubectl.kubernetes.io/last-applied-configuration: {}
                f:spec:
                  f:template:
                    f:spec:
                      f:containers:
                        k:{"name":"vllm"}:
                          .: {}
                          f:args: {}
                          f:image: {}
              manager: kubectl-client-side-apply
              operation: Update
              time: "2026-11-02T09:14:31Z"
            name: chat
            namespace: ml
            resourceVersion: "48213"
            uid: 6f1c2a7e-3b1d-4c55-9f0e-2d8a7b6c5e41
          spec:
            progressDeadlineSeconds: 600
            replicas: 1
            selector:
              matchLabels:
                app: chat
            template:
              metadata:
                creationTimestamp: null
                labels:
                  app: chat
              spec:
                containers:
                - args:
                  - --model
                  - meta-llama/Llama-3.1-8B-Instruct
                  image: vllm/vllm-openai:v0.6.3
                  imagePullPolicy: IfNotPresent
                  name: vllm
                  resources: {}
                  terminationMessagePath: /dev/termination-log
                dnsPolicy: ClusterFirst
                restartPolicy: Always
          status:
            availableReplicas: 1
            conditions:
            - lastTransitionTime: "2026-11-02T09:15:02Z"
              message: ReplicaSet "chat-7d9f8c6b5" has successfully progressed.
              reason: NewReplicaSetAvailable
              status: "True"
              type: Progressing
            observedGeneration: 3
            readyReplicas: 1
        - apiVersion: apps/v1
          kind: Deployment
          metadata:
            annotations:
              kubectl.kubernetes.io/last-applied-configuration: |
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"ml"},"spec":{"template":{"spec":{"containers":[{"env":[{"name":"OPENAI_MODEL","value":"gpt-4o"},{"name":"OPENAI_API_KEY","value":"\(StandardInputTests.leakedKey)"}],"image":"ghcr.io/example/web:2.0.1","name":"web"}]}}}}
            name: web
            namespace: ml
          spec:
            template:
              spec:
                containers:
                - env:
                  - name: OPENAI_MODEL
                    value: gpt-4o
                  - name: OPENAI_API_KEY
                    value: \(StandardInputTests.leakedKey)
                  image: ghcr.io/example/web:2.0.1
                  name: web
          status:
            replicas: 1
        kind: List
        metadata:
          resourceVersion: ""

        """

    /// The same two deployments as `kubectl get deploy -n ml -o json` prints them.
    static let kubectlJSON = #"""
        {
            "apiVersion": "v1",
            "items": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {
                        "annotations": {
                            "deployment.kubernetes.io/revision": "3",
                            "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"name\":\"chat\",\"namespace\":\"ml\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"args\":[\"--model\",\"meta-llama/Llama-3.1-8B-Instruct\"],\"image\":\"vllm/vllm-openai:v0.6.3\",\"name\":\"vllm\"}]}}}}\n"
                        },
                        "managedFields": [
                            {
                                "apiVersion": "apps/v1",
                                "fieldsType": "FieldsV1",
                                "fieldsV1": {
                                    "f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"vllm\"}": {".": {}, "f:args": {}, "f:image": {}}}}}}
                                },
                                "manager": "kubectl-client-side-apply",
                                "operation": "Update",
                                "time": "2026-11-02T09:14:31Z"
                            }
                        ],
                        "name": "chat",
                        "namespace": "ml"
                    },
                    "spec": {
                        "template": {
                            "spec": {
                                "containers": [
                                    {
                                        "args": [
                                            "--model",
                                            "meta-llama/Llama-3.1-8B-Instruct"
                                        ],
                                        "image": "vllm/vllm-openai:v0.6.3",
                                        "name": "vllm"
                                    }
                                ]
                            }
                        }
                    },
                    "status": {
                        "availableReplicas": 1,
                        "observedGeneration": 3
                    }
                },
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {
                        "annotations": {
                            "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"ml\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"env\":[{\"name\":\"OPENAI_MODEL\",\"value\":\"gpt-4o\"}],\"image\":\"ghcr.io/example/web:2.0.1\",\"name\":\"web\"}]}}}}\n"
                        },
                        "name": "web",
                        "namespace": "ml"
                    },
                    "spec": {
                        "template": {
                            "spec": {
                                "containers": [
                                    {
                                        "env": [
                                            {
                                                "name": "OPENAI_MODEL",
                                                "value": "gpt-4o"
                                            }
                                        ],
                                        "image": "ghcr.io/example/web:2.0.1",
                                        "name": "web"
                                    }
                                ]
                            }
                        }
                    },
                    "status": {
                        "replicas": 1
                    }
                }
            ],
            "kind": "List",
            "metadata": {
                "resourceVersion": ""
            }
        }

        """#

    // MARK: - Running the binary

    func modelwarden(_ arguments: [String], input: String, cwd: String? = nil) throws -> ProcessResult {
        try run(Paths.binary, arguments + ["--policies", Paths.policies], input: Data(input.utf8), cwd: cwd)
    }

    /// `check - --format json`, parsed: the usages as (file, line, column, model, deployment name).
    func checkJSON(_ input: String, _ extra: [String] = []) throws -> (status: Int32, json: [String: Any]) {
        let result = try modelwarden(["check", "-", "--format", "json"] + extra, input: input)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        return (result.status, json)
    }

    struct Place: Equatable, CustomStringConvertible {
        var file: String, line: Int, column: Int, model: String?, deployment: String
        var description: String { "\(file):\(line):\(column) \(model ?? "-") \(deployment)" }
    }

    func places(_ json: [String: Any]) -> [Place] {
        (json["usages"] as? [[String: Any]] ?? []).map { usage in
            Place(file: usage["file"] as? String ?? "", line: usage["line"] as? Int ?? 0, column: usage["column"] as? Int ?? 0,
                  model: usage["model"] as? String, deployment: (usage["deployment"] as? [String: Any])?["name"] as? String ?? "")
        }
    }

    /// The 1-based line of the first line containing `text` after the line containing `after`.
    func line(of text: String, after: String, in stream: String) -> Int {
        let lines = stream.components(separatedBy: "\n")
        let start = lines.firstIndex { $0.contains(after) } ?? 0
        return (lines[start...].firstIndex { $0.contains(text) } ?? -1) + 1
    }

    // MARK: - check -

    @Test func helmTemplateUsagesPointIntoTheirTemplates() throws {
        let (status, json) = try checkJSON(Self.helmStream)
        #expect(status == 0 || status == 1)
        let usages = places(json)
        // Lines count from the line after each `# Source:` comment; vllm.yaml holds the Service, `---`, then the Deployment.
        #expect(usages == [
            Place(file: "assistant/templates/vllm.yaml", line: 24, column: 30, model: "meta-llama/Llama-3.1-8B-Instruct", deployment: "assistant-vllm"),
            Place(file: "assistant/templates/web.yaml", line: 18, column: 23, model: "gpt-4o-mini", deployment: "assistant-web"),
        ], "\(usages)")
        let diagnostics = json["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == 3)
    }

    @Test func kubectlListInYAMLHasOneUsagePerObjectAtItsOwnLine() throws {
        let (_, json) = try checkJSON(Self.kubectlYAML)
        let usages = places(json)
        // Once each, at the object's own fields: not again from last-applied-configuration or managedFields.
        let llamaLine = line(of: "- meta-llama/Llama-3.1-8B-Instruct", after: "- --model", in: Self.kubectlYAML)
        let gptLine = line(of: "value: gpt-4o", after: "- name: OPENAI_MODEL", in: Self.kubectlYAML)
        #expect(llamaLine > 40 && gptLine > llamaLine)
        #expect(usages.map(\.description) == [
            "stdin:\(llamaLine):13 meta-llama/Llama-3.1-8B-Instruct chat",
            "stdin:\(gptLine):20 gpt-4o web",
        ])
        let output = try JSONSerialization.data(withJSONObject: json)
        #expect(!String(decoding: output, as: UTF8.self).contains(Self.leakedKey))
    }

    @Test func kubectlListInJSONHasOneUsagePerObjectAtItsOwnLine() throws {
        let (_, json) = try checkJSON(Self.kubectlJSON)
        let usages = places(json)
        let llamaLine = line(of: "\"meta-llama/Llama-3.1-8B-Instruct\"", after: "\"--model\",", in: Self.kubectlJSON)
        let gptLine = line(of: "\"value\": \"gpt-4o\"", after: "\"name\": \"OPENAI_MODEL\"", in: Self.kubectlJSON)
        #expect(usages.map(\.description) == [
            "stdin:\(llamaLine):38 meta-llama/Llama-3.1-8B-Instruct chat",
            "stdin:\(gptLine):51 gpt-4o web",
        ])
    }

    @Test func typedListsAreExpandedLikeList() throws {
        let typed = Self.kubectlYAML.replacingOccurrences(of: "kind: List", with: "kind: DeploymentList")
            .replacingOccurrences(of: "apiVersion: v1\nitems:", with: "apiVersion: apps/v1\nitems:")
        let (_, json) = try checkJSON(typed)
        #expect(places(json).map(\.model) == ["meta-llama/Llama-3.1-8B-Instruct", "gpt-4o"])
        #expect(places(json).allSatisfy { $0.deployment != "unnamed" })
    }

    @Test func stdinNameNamesTheStream() throws {
        let (_, json) = try checkJSON(Self.kubectlYAML, ["--stdin-name", "clusters/prod-eu.yaml"])
        #expect(Set(places(json).map(\.file)) == ["clusters/prod-eu.yaml"])
        // Helm Source paths keep their own names.
        let (_, helm) = try checkJSON(Self.helmStream, ["--stdin-name", "clusters/prod-eu.yaml"])
        #expect(Set(places(helm).map(\.file)) == ["assistant/templates/vllm.yaml", "assistant/templates/web.yaml"])
    }

    @Test func badStdinNamesAndCombinedPathsAreUsageErrors() throws {
        let angle = try modelwarden(["check", "-", "--stdin-name", "<stdin>"], input: Self.kubectlYAML)
        #expect(angle.status == 64 && angle.stderr.contains("--stdin-name takes a relative file name"), "\(angle.stderr)")
        let absolute = try modelwarden(["check", "-", "--stdin-name", "/tmp/x.yaml"], input: Self.kubectlYAML)
        #expect(absolute.status == 64)
        let combined = try modelwarden(["check", "-", Paths.deployments], input: Self.kubectlYAML)
        #expect(combined.status == 64 && combined.stderr.contains("'-' (standard input) cannot be combined"), "\(combined.stderr)")
    }

    @Test func unreadableStreamsAreLocatedDiagnostics() throws {
        var bytes = Array("apiVersion: v1\nkind: List\nitems:\n- kind: Pod # caf".utf8)
        bytes += [0xC3, 0x28] + Array("\n".utf8)
        let invalid = try run(Paths.binary, ["check", "-", "--policies", Paths.policies], input: Data(bytes))
        #expect(invalid.status == 2)
        #expect(invalid.stdout.contains("stdin:4:18: error: invalid UTF-8 in standard input"), "\(invalid.stdout)")
        let empty = try modelwarden(["check", "-"], input: "\n")
        #expect(empty.status == 2 && empty.stdout.contains("stdin:1:1: error: standard input is empty"), "\(empty.stdout)")
        // One byte over the 8 MiB limit: reported, not read whole, no crash.
        let huge = String(repeating: "# padding line of a huge stream\n", count: 8 * 1024 * 1024 / 32 + 1)
        let oversized = try modelwarden(["check", "-", "--format", "json"], input: huge)
        #expect(oversized.status == 2)
        #expect(oversized.stdout.contains("over the 8388608-byte limit"), "\(oversized.stderr)")
    }

    // MARK: - scan -, inventory, history

    @Test func scanOfStreamsRecordsAppearedAndDisappearedUsages() throws {
        let folder = try TempFolder()
        let db = folder.path + "/audit.sqlite"
        let first = try modelwarden(["scan", "-", "--db", db], input: Self.helmStream)
        #expect(first.status == 0 && first.stdout.contains("3 files (3 parsed)"), "\(first.stdout)\(first.stderr)")
        let inventory = try run(Paths.binary, ["inventory", "--db", db, "--format", "json"])
        #expect(inventory.stdout.contains("assistant/templates/vllm.yaml") && inventory.stdout.contains("meta-llama/Llama-3.1-8B-Instruct"))
        #expect(inventory.stdout.contains("assistant/templates/web.yaml") && inventory.stdout.contains("gpt-4o-mini"))

        // The same stream again: nothing parsed, nothing happened.
        let again = try modelwarden(["scan", "-", "--db", db], input: Self.helmStream)
        #expect(again.stdout.contains("nothing changed") && again.stdout.contains("0 events"), "\(again.stdout)")

        // The chart drops vLLM and the web app moves to gpt-4o: only web.yaml is parsed again.
        let vllmStart = Self.helmStream.range(of: "---\n# Source: assistant/templates/vllm.yaml\napiVersion: apps/v1")!.lowerBound
        let changed = String(Self.helmStream[..<vllmStart]).replacingOccurrences(of: "\"gpt-4o-mini\"", with: "\"gpt-4o\"")
            .replacingOccurrences(of: "---\n# Source: assistant/templates/vllm.yaml\napiVersion: v1", with: "---\n# Source: assistant/templates/other.yaml\napiVersion: v1")
        let third = try modelwarden(["scan", "-", "--db", db], input: changed)
        #expect(third.status == 0 && third.stdout.contains("(2 parsed)"), "\(third.stdout)\(third.stderr)")
        let history = try run(Paths.binary, ["history", "--db", db, "--format", "json"]).stdout
        #expect(history.contains("usage-disappeared") && history.contains("gpt-4o-mini -> gpt-4o"), "\(history)")
        let now = try run(Paths.binary, ["inventory", "--db", db, "--format", "json"]).stdout
        #expect(!now.contains("meta-llama/Llama-3.1-8B-Instruct") && now.contains("\"gpt-4o\""), "\(now)")
    }

    @Test func scanOfAKubectlStreamStoresNoSecret() throws {
        let folder = try TempFolder()
        let db = folder.path + "/audit.sqlite"
        let result = try modelwarden(["scan", "-", "--db", db, "--stdin-name", "prod.yaml"], input: Self.kubectlYAML)
        #expect(result.status == 0, "\(result.stderr)")
        let inventory = try run(Paths.binary, ["inventory", "--db", db, "--format", "json"]).stdout
        #expect(inventory.contains("prod.yaml") && inventory.contains("gpt-4o"))
        // The database and its WAL: neither the env value nor the annotation's copy of it.
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: db + suffix))) ?? Data()
            #expect(bytes.range(of: Data(Self.leakedKey.utf8)) == nil, "key stored in audit.sqlite\(suffix)")
        }
    }

    @Test func scanOfAnEmptyStreamRecordsNothing() throws {
        let folder = try TempFolder()
        let db = folder.path + "/audit.sqlite"
        _ = try modelwarden(["scan", "-", "--db", db], input: Self.helmStream)
        let empty = try modelwarden(["scan", "-", "--db", db], input: "")
        #expect(empty.status == 2 && empty.stderr.contains("nothing was recorded"), "\(empty.stderr)")
        let inventory = try run(Paths.binary, ["inventory", "--db", db, "--format", "json"]).stdout
        #expect(inventory.contains("meta-llama/Llama-3.1-8B-Instruct"))
    }

    // MARK: - report -, SARIF

    @Test func markdownReportOfAStream() throws {
        let result = try modelwarden(["report", "-", "--format", "markdown"], input: Self.helmStream)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("`assistant/templates/vllm.yaml:24`"), "\(result.stdout)")
        #expect(result.stdout.contains("`assistant/templates/web.yaml:18`"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: validator)))
    func sarifFromAStreamIsValid() throws {
        let out = try TempFolder()
        let file = out.path + "/r.sarif"
        let result = try modelwarden(["check", "-", "--format", "sarif", "--output", file, "--stdin-name", "cluster dump.yaml"],
                                     input: Self.kubectlYAML + "---\n" + Self.helmStream)
        #expect(result.status != 2, "\(result.stderr)")
        let validate = try run("/usr/bin/env", ["python3", Self.validator, "sarif", file])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        let results = try #require((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let uris = Set(results.compactMap {
            ((($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
        })
        #expect(uris.contains("cluster%20dump.yaml") && uris.contains("assistant/templates/vllm.yaml"), "\(uris)")
    }
}

/// Splitting a stream into virtual files, without the binary.
@Suite struct StandardInputStreamTests {
    @Test func plainMultiDocumentStreamIsOneFile() {
        let text = "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: apps/v1\nkind: Deployment\n"
        let files = StandardInputStream.split(text, name: "stdin")
        #expect(files.map(\.path) == ["stdin"] && files.first?.text == text)
    }

    @Test func textBeforeTheFirstSourceStaysAtItsStreamLines() {
        let text = "# rendered by ci\nkind: Namespace\n---\n# Source: c/templates/a.yaml\nkind: Pod\n---\n# Source: c/templates/b.yaml\r\nkind: Job\r\n"
        let files = StandardInputStream.split(text, name: "render.yaml")
        #expect(files.map(\.path) == ["c/templates/a.yaml", "c/templates/b.yaml", "render.yaml"])
        #expect(files[0].text == "kind: Pod")
        #expect(files[1].text == "kind: Job\r\n")
        // Blank lines keep `kind: Namespace` on line 2 of the stream-named file.
        #expect(files[2].text.components(separatedBy: "\n").firstIndex(of: "kind: Namespace") == 1)
        #expect(!files[2].text.contains("Pod") && !files[2].text.contains("Job"))
    }

    /// Stream files have no mtime: a change that keeps the size must still be seen.
    @Test func recorderComparesStreamFilesByContent() async throws {
        let database = try AuditDatabase.inMemory()
        let recorder = Recorder(database: database, auditor: Auditor(policy: Shipped.policy, today: Shipped.today))
        let before = StandardInputTests.helmStream
        let after = before.replacingOccurrences(of: "meta-llama/Llama-3.1-8B-Instruct", with: "meta-llama/Llama-3.2-1B-Instruct")
        #expect(before.utf8.count == after.utf8.count)
        let first = try await recorder.scan(stream: StandardInputStream(bytes: Array(before.utf8)))
        #expect(first.status == "complete" && first.filesParsed == 3 && first.usages == 2)
        let same = try await recorder.scan(stream: StandardInputStream(bytes: Array(before.utf8)))
        #expect(same.status == "unchanged")
        let changed = try await recorder.scan(stream: StandardInputStream(bytes: Array(after.utf8)))
        #expect(changed.status == "complete" && changed.filesParsed == 1)
        let events = try database.history(deployment: "assistant-vllm").filter { $0.kind == "usage-changed-model" }
        #expect(events.map(\.detail) == ["meta-llama/Llama-3.1-8B-Instruct -> meta-llama/Llama-3.2-1B-Instruct"])
    }

    @Test func oversizedAndInvalidStreamsAreDiagnostics() {
        let big = StandardInputStream(bytes: Array(repeating: UInt8(ascii: "a"), count: 101), name: "s", limits: ScanLimits(maxFileBytes: 100))
        #expect(big.files.isEmpty && !big.isReadable && big.diagnostics.first?.description.hasPrefix("s:1:1: error:") == true)
        let invalid = StandardInputStream(bytes: Array("a: 1\nb: ".utf8) + [0xFF], name: "s")
        #expect(invalid.files.isEmpty && invalid.diagnostics.first?.location == SourceLocation(file: "s", line: 2, column: 4))
    }
}

import Foundation
import Glibc
import ModelwardenStore
import Testing

/// `modelwarden daemon` as systemd runs it: a subprocess with a notify socket, signals, and its HTTP API.
@Suite("Daemon", .serialized)
struct DaemonTests {
    static let chatbot = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: chatbot, namespace: support}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: ghcr.io/example/chatbot:1.2
                  env:
                    - {name: OPENAI_MODEL, value: gpt-4o}
                    - name: OPENAI_API_KEY
                      valueFrom: {secretKeyRef: {name: openai, key: key}}
        """

    static let vllm = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: llama-server, namespace: ml}
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.3
                  args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
        """

    @Test("READY, a change seen through the API, SIGHUP with a broken policy, SIGTERM with exit 0")
    func lifecycle() throws {
        let folder = try TempFolder()
        try folder.write("manifests/chatbot.yaml", Self.chatbot)
        try FileManager.default.copyItem(atPath: Paths.policies, toPath: folder.path + "/policies")
        let notify = try NotifyListener(path: folder.path + "/notify.sock")
        let database = folder.path + "/state/modelwarden.sqlite"
        let daemon = try DaemonProcess(
            arguments: ["--watch", folder.path + "/manifests", "--policies", folder.path + "/policies", "--db", database,
                        "--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", "200ms"],
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])

        let ready = try #require(notify.waitFor("READY=1"), "no READY=1; stderr:\n\(daemon.stderr)")
        #expect(ready.contains("STATUS=scan 1 complete: 1 files, 1 model usages"))
        #expect(notify.waitFor("WATCHDOG=1") != nil, "the watchdog is not fed")
        let api = try #require(daemon.apiAddress(), "no API address; stderr:\n\(daemon.stderr)")
        #expect(httpRequest("GET", port: api.port, path: "/readyz")?.status == 200)
        #expect(httpRequest("GET", port: api.port, path: "/v1/inventory")?.body.contains("\"model\": \"gpt-4o\"") == true)

        // A manifest added to the watched folder reaches the API without waiting for the (one hour) interval.
        let written = Date()
        try folder.write("manifests/nested/llama.yaml", Self.vllm)
        var seenAfter: Double?
        while Date().timeIntervalSince(written) < 10 {
            if httpRequest("GET", port: api.port, path: "/v1/inventory")?.body.contains("meta-llama/Llama-3.1-8B-Instruct") == true {
                seenAfter = Date().timeIntervalSince(written)
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(seenAfter != nil, "the new manifest did not reach /v1/inventory within 10 s; stderr:\n\(daemon.stderr)")
        // One change, one scan: the events of one write (create, modify, close) do not cause a second, idle scan.
        Thread.sleep(forTimeInterval: 0.8)
        let scans = try #require(httpRequest("GET", port: api.port, path: "/v1/scans"))
        #expect(scans.status == 200 && scans.body.contains("\"scan\": 2") && !scans.body.contains("\"scan\": 3"), "\(scans.body)")

        // /metrics is Prometheus text, checked by the reference client's parser.
        let metrics = try #require(httpRequest("GET", port: api.port, path: "/metrics"))
        #expect(metrics.headers.contains("text/plain; version=0.0.4"))
        try folder.write("metrics.txt", metrics.body)
        let parsed = try run("/usr/bin/env", ["python3", "-c", """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            names = {f.name for f in text_string_to_metric_families(open(sys.argv[1]).read())}
            print(" ".join(sorted(names)))
            """, folder.path + "/metrics.txt"])
        #expect(parsed.status == 0, "metrics do not parse: \(parsed.stderr)")
        for name in ["modelwarden_scans", "modelwarden_scan_duration_seconds", "modelwarden_files_scanned", "modelwarden_parse_errors",
                     "modelwarden_active_usages", "modelwarden_open_findings", "modelwarden_last_scan_timestamp_seconds"] {
            #expect(parsed.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.contains(name), "missing \(name)")
        }
        #expect(metrics.body.contains(#"modelwarden_active_usages{hosting="external-api",license_kind="commercial-api"} 1.0"#))

        // SIGHUP with a policy set that does not parse: rejected, the daemon keeps running and serving.
        notify.reset()
        let rules = folder.path + "/policies/rules/default.yaml"
        let goodRules = try String(contentsOfFile: rules, encoding: .utf8)
        try (goodRules + "\nrules: [\n").write(toFile: rules, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(notify.waitFor("RELOADING=1")?.contains("MONOTONIC_USEC=") == true)
        #expect(notify.waitFor("READY=1") != nil, "no READY=1 after the reload")
        #expect(daemon.waitForLog("policy reload rejected"))
        #expect(daemon.stderr.contains("default.yaml:"), "the policy error is not located")
        #expect(daemon.process.isRunning)
        #expect(httpRequest("GET", port: api.port, path: "/healthz")?.status == 200)
        #expect(httpRequest("GET", port: api.port, path: "/v1/findings?status=open")?.status == 200)

        // A valid set is applied on the next SIGHUP.
        try goodRules.write(toFile: rules, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("policies reloaded"))

        // SIGTERM: STOPPING=1, exit 0, and a sound database holding every scan.
        daemon.signal(SIGTERM)
        #expect(notify.waitFor("STOPPING=1") != nil)
        #expect(daemon.waitForExit() == 0, "stderr:\n\(daemon.stderr)")
        let store = try AuditDatabase.open(path: database)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.scans().count >= 2)
        #expect(try store.inventory().contains { $0.model == "meta-llama/Llama-3.1-8B-Instruct" })
        if let seenAfter { print("daemon: change to API in \(String(format: "%.2f", seenAfter)) s (debounce 200ms)") }
    }

    @Test("a changed Deployment is scanned alone; a changed ConfigMap, a new folder and a removal are seen as well")
    func changedFilesAreScannedAloneWhenTheyKeepToThemselves() throws {
        let folder = try TempFolder()
        let deployment = { (name: String, model: String, map: String?) in
            GeneratedEstate.deployment(name: name, namespace: "shop", model: model, configMap: map, baseURL: nil)
        }
        try folder.write("k8s/chat.yaml", deployment("chat", "gpt-4o-mini", nil))
        try folder.write("k8s/search.yaml", deployment("search", "gpt-4o", "models"))
        try folder.write("k8s/models.yaml", GeneratedEstate.configMap(name: "models", namespace: "shop", model: "gpt-4o", baseURL: nil))
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/k8s", "--policies", Paths.policies, "--db", folder.path + "/mw.sqlite",
                                                   "--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", "50ms", "--log-level", "debug"])
        let api = try #require(daemon.apiAddress(), "no API address; stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("scan recorded"))
        func inventory() -> String { httpRequest("GET", port: api.port, path: "/v1/inventory")?.body ?? "" }
        func waitUntil(_ condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if condition() { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        // A Deployment that shares nothing: its file alone is read, audited and recorded.
        var mark = daemon.logMark
        try folder.write("k8s/chat.yaml", deployment("chat", "claude-3-5-sonnet-20241022", nil))
        #expect(waitUntil { inventory().contains("claude-3-5-sonnet-20241022") }, "stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("changed files audited", after: mark))
        #expect(!String(decoding: daemon.stderr.utf8.dropFirst(mark), as: UTF8.self).contains("files walked"))

        // A ConfigMap another Deployment reads: the whole estate is audited again, and the reader shows the new model.
        mark = daemon.logMark
        try folder.write("k8s/models.yaml", GeneratedEstate.configMap(name: "models", namespace: "shop", model: "mistralai/Mistral-7B-Instruct-v0.3",
                                                                     baseURL: nil))
        #expect(waitUntil { inventory().contains("mistralai/Mistral-7B-Instruct-v0.3") }, "stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("files walked", after: mark))

        // A model file dropped beside the manifests is seen too (the watcher knows GGUF names as well as manifests').
        try folder.write("k8s/llama.gguf", ggufFile([("general.name", "Meta Llama 3.1 8B Instruct"), ("general.license", "llama3.1")]))
        #expect(waitUntil { inventory().contains("llama.gguf") }, "stderr:\n\(daemon.stderr)")

        // A file in a new folder needs a walk; a removed Deployment goes the short way and leaves the inventory.
        try folder.write("k8s/more/docs.yaml", deployment("docs", "Qwen/Qwen2.5-7B-Instruct", nil))
        #expect(waitUntil { inventory().contains("Qwen/Qwen2.5-7B-Instruct") }, "stderr:\n\(daemon.stderr)")
        mark = daemon.logMark
        try FileManager.default.removeItem(atPath: folder.path + "/k8s/chat.yaml")
        #expect(waitUntil { !inventory().contains("claude-3-5-sonnet-20241022") }, "stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("changed files audited", after: mark))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)

        // What the short ways recorded is what a fresh scan of the same files records.
        let fresh = try run(Paths.binary, ["inventory", "--db", folder.path + "/mw.sqlite", "--format", "json"])
        let truth = try run(Paths.binary, ["check", folder.path + "/k8s", "--policies", Paths.policies, "--format", "json", "--fail-on", "never"])
        for model in ["gpt-4o", "mistralai/Mistral-7B-Instruct-v0.3", "Qwen/Qwen2.5-7B-Instruct"] {
            #expect(fresh.stdout.contains("\"\(model)\"") && truth.stdout.contains("\"\(model)\""), "\(model)")
        }
        #expect(!fresh.stdout.contains("claude-3-5-sonnet-20241022") && !fresh.stdout.contains("gpt-4o-mini"))
    }

    @Test("a changed MCP server pin is recorded as an event")
    func changedToolPinIsAnEvent() throws {
        let folder = try TempFolder()
        try folder.write("repo/.mcp.json", StoreContract.mcpConfig("1.0.14"))
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/repo", "--policies", Paths.policies, "--db", folder.path + "/mw.sqlite",
                                                   "--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", "100ms"])
        let api = try #require(daemon.apiAddress(), "stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("scan recorded"))
        try folder.write("repo/.mcp.json", StoreContract.mcpConfig("1.0.15"))
        var history = ""
        for _ in 0..<200 where !history.contains("tool-changed") {
            history = httpRequest("GET", port: api.port, path: "/v1/history")?.body ?? ""
            if !history.contains("tool-changed") { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(history.contains("tool-changed") && history.contains("pin @upstash/context7-mcp@1.0.14 -> @upstash/context7-mcp@1.0.15"),
                "\(history)\nstderr:\n\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test("GET /v1/tools lists the MCP servers with transport, pin and host; with a token it needs the token")
    func toolsEndpoint() throws {
        let folder = try TempFolder()
        try folder.write("repo/.mcp.json", MCPServerTests.claudeCode)
        let token = "tools-token-0123456789abcdef"
        try folder.write("token", token + "\n")
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/repo", "--policies", Paths.policies, "--db", folder.path + "/mw.sqlite",
                                                   "--listen", "127.0.0.1:0", "--interval", "1h", "--source", "laptop",
                                                   "--token-file", folder.path + "/token"])
        let api = try #require(daemon.apiAddress(), "stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("scan recorded"), "stderr:\n\(daemon.stderr)")
        let refused = try #require(httpRequest("GET", port: api.port, path: "/v1/tools"))
        #expect(refused.status == 401 && !refused.body.contains("sentry"))
        #expect(httpRequest("GET", port: api.port, path: "/v1/tools", headers: ["Authorization": "Bearer wrong-token-0123456789"])?.status == 401)

        let authorization = ["Authorization": "Bearer " + token]
        let reply = try #require(httpRequest("GET", port: api.port, path: "/v1/tools", headers: authorization))
        #expect(reply.status == 200 && reply.headers.lowercased().contains("content-type: application/json"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [[String: Any]], "\(reply.body)")
        #expect(Set(rows.compactMap { $0["name"] as? String }) == ["github", "sentry", "fetch", "old"])
        let sentry = try #require(rows.first { $0["name"] as? String == "sentry" })
        #expect(sentry["transport"] as? String == "http" && sentry["host"] as? String == "mcp.sentry.dev")
        #expect(sentry["host_scope"] as? String == "external" && sentry["source"] as? String == "laptop")
        #expect(sentry["location"] as? String == ".mcp.json:8:5")
        let fetch = try #require(rows.first { $0["name"] as? String == "fetch" })
        #expect(fetch["package"] as? String == "mcp-server-fetch" && fetch["version"] as? String == "2025.4.7" && fetch["pinned"] as? Bool == true)
        let github = try #require(rows.first { $0["name"] as? String == "github" })
        #expect(github["pinned"] as? Bool == false && github["env"] as? String == "GITHUB_PERSONAL_ACCESS_TOKEN")
        // Names only: no query token of a URL, no env or header value.
        #expect(!reply.body.contains("token=abc") && !reply.body.contains("${GITHUB_TOKEN}") && !reply.body.contains("SENTRY_TOKEN}"))

        // The same rows as the CLI's `inventory --kind tools --format json`, and the same `source=` filter as the other readers.
        let cli = try run(Paths.binary, ["inventory", "--db", folder.path + "/mw.sqlite", "--kind", "tools", "--format", "json"])
        #expect(cli.status == 0 && cli.stdout == reply.body, "\(cli.stdout)\n---\n\(reply.body)")
        let other = try #require(httpRequest("GET", port: api.port, path: "/v1/tools?source=ci-*", headers: authorization))
        let otherRows = try JSONSerialization.jsonObject(with: Data(other.body.utf8)) as? [Any]
        #expect(other.status == 200 && otherRows?.isEmpty == true, "\(other.body)")
        let own = try #require(httpRequest("GET", port: api.port, path: "/v1/tools?source=lap*", headers: authorization))
        #expect(own.body == reply.body)
        #expect(httpRequest("POST", port: api.port, path: "/v1/tools", headers: authorization)?.status == 405)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(!daemon.stderr.contains(token))
    }

    @Test("user_tool_configs: a user's own MCP client files are read for servers only, recorded with scope user")
    func userScopeToolConfigs() throws {
        let folder = try TempFolder()
        try folder.write("repo/.mcp.json", #"{"mcpServers": {"github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"]}}}"#)
        try folder.write("repo/.codex/config.toml", "model = \"o4-mini\"\n")
        // alice's home: the clients' own files, a project below it that is not read, and a link out of the home.
        try folder.write("home/alice/.cursor/mcp.json", """
            {"mcpServers": {"linear": {"url": "https://mcp.linear.app/sse",
                                       "headers": {"Authorization": "Bearer lin_api_PLANTEDuserSECRET0123456789"}}}}
            """)
        try folder.write("home/alice/.codex/config.toml", """
            model = "gpt-5-codex"

            [mcp_servers.context7]
            command = "npx"
            args = ["-y", "@upstash/context7-mcp@1.0.14"]
            env = { CONTEXT7_API_KEY = "ctx7sk-PLANTEDuserSECRET0123456789" }
            """)
        try folder.write("home/alice/.config/Code/User/mcp.json", """
            {
              // VS Code's user file
              "servers": {"docs": {"type": "http", "url": "http://localhost:3000/mcp"}}
            }
            """)
        try folder.write("home/alice/.config/Claude/claude_desktop_config.json",
                         #"{"mcpServers": {"files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/alice"]}}}"#)
        try folder.write("home/alice/projects/app/.mcp.json", #"{"mcpServers": {"walked": {"command": "uvx", "args": ["walked-server"]}}}"#)
        try folder.write("elsewhere/claude.json", #"{"mcpServers": {"outside": {"command": "uvx", "args": ["outside-server"]}}}"#)
        #expect(symlink(folder.path + "/elsewhere/claude.json", folder.path + "/home/alice/.claude.json") == 0)
        // bob's home is not listed: never read.
        try folder.write("home/bob/.cursor/mcp.json", #"{"mcpServers": {"bobs": {"command": "uvx", "args": ["bobs-server"]}}}"#)
        let config = try folder.write("etc/modelwarden.yaml", """
            watch: [../repo]
            database: ../state/mw.sqlite
            policies: \(Paths.policies)
            listen: 127.0.0.1:0
            interval: 1h
            source: workstation
            user_tool_configs: [../home/alice, ../home/nobody]
            """)
        let daemon = try DaemonProcess(arguments: ["--config", config])
        let api = try #require(daemon.apiAddress(), "stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("scan recorded"), "stderr:\n\(daemon.stderr)")
        let home = URL(fileURLWithPath: folder.path + "/home/alice").standardizedFileURL.path

        let reply = try #require(httpRequest("GET", port: api.port, path: "/v1/tools"))
        #expect(reply.status == 200)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [[String: Any]], "\(reply.body)")
        let scopes = Dictionary(uniqueKeysWithValues: rows.map { ("\($0["client"]!)/\($0["name"]!)", $0["scope"] as? String ?? "") })
        #expect(scopes == ["claude-code/github": "project", "cursor/linear": "user", "codex/context7": "user", "vscode/docs": "user",
                           "claude-desktop/files": "user"], "\(reply.body)\nstderr:\n\(daemon.stderr)")
        let linear = try #require(rows.first { $0["name"] as? String == "linear" })
        #expect(linear["location"] as? String == home + "/.cursor/mcp.json:1:17" && linear["host"] as? String == "mcp.linear.app")
        #expect(linear["transport"] as? String == "sse" && linear["auth"] as? String == "header:Authorization")
        let context7 = try #require(rows.first { $0["name"] as? String == "context7" })
        #expect(context7["pinned"] as? Bool == true && context7["env"] as? String == "CONTEXT7_API_KEY")
        // A link out of the listed folder is refused, with a warning; the daemon keeps running.
        #expect(daemon.stderr.contains(home + "/.claude.json"), "stderr:\n\(daemon.stderr)")
        // Servers only: the user's Codex model is not a model usage of the estate (the repository's is).
        let inventory = try #require(httpRequest("GET", port: api.port, path: "/v1/inventory")).body
        #expect(inventory.contains("o4-mini") && !inventory.contains("gpt-5-codex"), "\(inventory)")

        // The CLI reads the same store: the same rows, scope user among them.
        let database = folder.path + "/state/mw.sqlite"
        let cli = try run(Paths.binary, ["inventory", "--db", database, "--kind", "tools", "--format", "json"])
        #expect(cli.status == 0 && cli.stdout == reply.body, "\(cli.stdout)\n---\n\(reply.body)")

        // A file removed from the home: its server disappears at the next scan, as an event.
        try FileManager.default.removeItem(atPath: folder.path + "/home/alice/.cursor/mcp.json")
        #expect(httpRequest("POST", port: api.port, path: "/v1/scans")?.status == 200)
        let after = try #require(httpRequest("GET", port: api.port, path: "/v1/tools")).body
        #expect(!after.contains("\"linear\"") && after.contains("\"context7\""), "\(after)")
        let history = try #require(httpRequest("GET", port: api.port, path: "/v1/history")).body
        #expect(history.contains("tool-disappeared") && history.contains(home + "/.cursor/mcp.json#linear"), "\(history)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)

        // No value of a user's file is stored, logged or served.
        var stored = daemon.stderr + reply.body + cli.stdout
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path + "/state") {
            stored += String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder.path + "/state/" + name)), as: UTF8.self)
        }
        #expect(!stored.contains("PLANTEDuserSECRET"))
    }

    @Test("a watched file that is replaced by a rename (as editors and kubectl do) stays watched")
    func watchedFileReplacedByRename() throws {
        let folder = try TempFolder()
        let manifest = try folder.write("app.yaml", Self.chatbot)
        let daemon = try DaemonProcess(arguments: ["--watch", manifest, "--policies", Paths.policies, "--db", folder.path + "/mw.sqlite",
                                                   "--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", "100ms"])
        let api = try #require(daemon.apiAddress(), "stderr:\n\(daemon.stderr)")
        #expect(daemon.waitForLog("scan recorded"))
        for model in ["gpt-4o-mini", "gpt-4.1"] {
            try folder.write("app.yaml.tmp", Self.chatbot.replacingOccurrences(of: "value: gpt-4o}", with: "value: \(model)}"))
            #expect(rename(folder.path + "/app.yaml.tmp", manifest) == 0)
            var seen = false
            for _ in 0..<100 where !seen {
                seen = httpRequest("GET", port: api.port, path: "/v1/inventory")?.body.contains("\"model\": \"\(model)\"") == true
                if !seen { Thread.sleep(forTimeInterval: 0.05) }
            }
            #expect(seen, "\(model) did not reach the API; stderr:\n\(daemon.stderr)")
        }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test("SIGTERM during a scan: the scan in flight is committed whole, then exit 0")
    func sigtermDuringAScan() throws {
        let folder = try TempFolder()
        func estate(_ model: String, into subfolder: String) throws {
            for index in 0..<1500 {
                try folder.write("\(subfolder)/app-\(index).yaml", Self.chatbot.replacingOccurrences(of: "name: chatbot", with: "name: chatbot-\(index)")
                    .replacingOccurrences(of: "value: gpt-4o}", with: "value: \(model)}"))
            }
        }
        try estate("gpt-4o", into: "watched/apps")
        let database = folder.path + "/mw.sqlite"
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/watched", "--policies", Paths.policies, "--db", database,
                                                   "--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", "200ms", "--log-level", "debug"])
        #expect(daemon.waitForLog("scan recorded", timeout: 60), "stderr:\n\(daemon.stderr)")
        // Swap the whole folder for one where every file names another model, then stop as soon as the rescan begins.
        // A rescan that an earlier event started (seen on CI before the swap) must not count: wait for one logged after it.
        try estate("gpt-4o-mini", into: "staging")
        let beforeSwap = daemon.logMark
        #expect(rename(folder.path + "/watched/apps", folder.path + "/old") == 0)
        #expect(rename(folder.path + "/staging", folder.path + "/watched/apps") == 0)
        #expect(daemon.waitForLog("scan started reason=\"files changed\"", after: beforeSwap, timeout: 30), "stderr:\n\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 60) == 0, "stderr:\n\(daemon.stderr)")
        let log = daemon.stderr
        let waited = try #require(log.range(of: "shutting down: waiting for the scan in flight to commit"), "the scan was not in flight:\n\(log)")
        #expect(log[waited.upperBound...].contains("reason=\"files changed\""), "the scan was not recorded after the wait")
        let store = try AuditDatabase.open(path: database)
        #expect(try store.integrityCheck() == "ok")
        // The rescan was committed before the exit, and whole: 1500 usages of the new model
        // (an unchanged rescan an earlier event started may sit between the two).
        #expect((2...3).contains(try store.scans().count))
        let inventory = try store.inventory()
        #expect(inventory.count == 1500 && Set(inventory.compactMap(\.model)) == ["gpt-4o-mini"])
    }

    @Test("off loopback the API needs the bearer token; probes stay open; oversized requests are refused")
    func tokenRuleOffLoopback() throws {
        let folder = try TempFolder()
        try folder.write("manifests/chatbot.yaml", Self.chatbot)
        let common = ["--watch", folder.path + "/manifests", "--policies", Paths.policies, "--db", folder.path + "/mw.sqlite",
                      "--listen", "0.0.0.0:0"]

        let refused = try DaemonProcess(arguments: common)
        #expect(refused.waitForExit() == 2)
        #expect(refused.stderr.contains("requires a token"))

        let token = "s3cret-token-0123456789abcdef"
        try folder.write("token", token + "\n")
        let daemon = try DaemonProcess(arguments: common + ["--token-file", folder.path + "/token"])
        let api = try #require(daemon.apiAddress(), "stderr:\n\(daemon.stderr)")
        #expect(api.host == "0.0.0.0")
        #expect(daemon.stderr.contains("token_required=true"))
        // The API listens before the first scan is recorded; the answers below describe that scan.
        #expect(daemon.waitForLog("scan recorded", timeout: 60), "stderr:\n\(daemon.stderr)")

        #expect(httpRequest("GET", port: api.port, path: "/healthz")?.status == 200)
        let anonymous = try #require(httpRequest("GET", port: api.port, path: "/v1/inventory"))
        #expect(anonymous.status == 401)
        #expect(anonymous.headers.lowercased().contains("www-authenticate: bearer"))
        #expect(httpRequest("GET", port: api.port, path: "/metrics")?.status == 401)
        #expect(httpRequest("GET", port: api.port, path: "/v1/inventory", headers: ["Authorization": "Bearer wrong"])?.status == 401)
        #expect(httpRequest("GET", port: api.port, path: "/v1/inventory", headers: ["Authorization": "Bearer " + token + "x"])?.status == 401)
        let allowed = try #require(httpRequest("GET", port: api.port, path: "/v1/inventory", headers: ["Authorization": "Bearer " + token]))
        #expect(allowed.status == 200 && allowed.body.contains("gpt-4o"))

        let scan = try #require(httpRequest("POST", port: api.port, path: "/v1/scans", headers: ["Authorization": "Bearer " + token]))
        #expect(scan.status == 200 && scan.body.contains("\"status\": \"unchanged\""))
        let big = httpRequest("POST", port: api.port, path: "/v1/scans", headers: ["Authorization": "Bearer " + token],
                              body: String(repeating: "x", count: 64 * 1024))
        #expect(big?.status == 413)
        let hugeHeader = httpRequest("GET", port: api.port, path: "/healthz", headers: ["X-Padding": String(repeating: "a", count: 32 * 1024)])
        #expect(hugeHeader?.status != 200, "a 32 KiB header was accepted")
        #expect(daemon.process.isRunning)

        daemon.signal(SIGINT)
        #expect(daemon.waitForExit() == 0)
        #expect(!daemon.stderr.contains(token), "the token was logged")

        // Under systemd the token arrives as a credential (LoadCredential=token:...), with no token_file set.
        try folder.write("credentials/token", token)
        let credentialed = try DaemonProcess(arguments: common, environment: ["CREDENTIALS_DIRECTORY": folder.path + "/credentials"])
        let second = try #require(credentialed.apiAddress(), "stderr:\n\(credentialed.stderr)")
        #expect(httpRequest("GET", port: second.port, path: "/v1/scans")?.status == 401)
        #expect(httpRequest("GET", port: second.port, path: "/v1/scans", headers: ["Authorization": "Bearer " + token])?.status == 200)
        credentialed.signal(SIGTERM)
        #expect(credentialed.waitForExit() == 0)
    }

    @Test("an invalid configuration file is reported with file, line and column, exit 2")
    func invalidConfiguration() throws {
        let folder = try TempFolder()
        let config = try folder.write("modelwarden.yaml", """
            watch: [/srv/deployments]
            database: /tmp/x.sqlite
            intervall: 5m
            debounce: soon
            """)
        let daemon = try DaemonProcess(arguments: ["--config", config])
        #expect(daemon.waitForExit() == 2)
        #expect(daemon.stderr.contains("modelwarden.yaml:3:1: error: at 'intervall': unknown key 'intervall' (did you mean 'interval'?)"))
        #expect(daemon.stderr.contains("modelwarden.yaml:4:11: error: at 'debounce': 'soon' is not a duration"))
    }
}

import Foundation
import Glibc
@testable import ModelwardenDaemon
@testable import ModelwardenStore
import Testing

/// `scan --push` to a daemon's `POST /v1/sources/{source}/scans`: a CI job that holds a push token, not the database.
@Suite(.serialized) struct PushTests {
    static let ciToken = "ci-push-token-0123456789abcdef"
    static let anyToken = "fleet-push-token-fedcba9876543210"

    /// A daemon on SQLite taking pushes: `ci-*` for one token, every source for the other.
    static func startDaemon(_ folder: TempFolder, extra: [String] = []) throws -> (DaemonProcess, port: Int, database: String) {
        try folder.write("own/chat.yaml", DaemonTests.chatbot)
        try folder.write("push-tokens", "# token  sources\n\(ciToken)   ci-*\n\n\(anyToken)\n")
        let database = folder.path + "/central.sqlite"
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/own", "--db", database, "--source", "central",
                                                   "--push-tokens", folder.path + "/push-tokens", "--listen", "127.0.0.1:0",
                                                   "--interval", "1h"] + extra)
        guard daemon.waitForLog("scan recorded", timeout: 60), let api = daemon.apiAddress() else {
            throw PostgresTestServer.Failure("the daemon did not start:\n\(daemon.stderr)")
        }
        return (daemon, api.port, database)
    }

    @Test func aCIScanPushedToTheDaemonShowsInTheInventory() throws {
        let folder = try TempFolder()
        let (daemon, port, database) = try Self.startDaemon(folder)
        try folder.write("ci/deploy/batch.yaml", StoreContract.manifest("batch", "Qwen/Qwen2.5-7B-Instruct"))
        // A literal key in the manifest: cut out on the CI machine, and again by the daemon.
        try folder.write("ci/deploy/app.yaml", DaemonTests.chatbot.replacingOccurrences(of: "gpt-4o", with: "gpt-4o-mini").replacingOccurrences(
            of: "valueFrom: {secretKeyRef: {name: openai, key: key}}", with: "value: sk-PlantedPushSecret0123456789abcdef"))
        // An agent's MCP server, pinned: the push carries servers too.
        try folder.write("ci/.mcp.json", """
            {"mcpServers": {"docs": {"command": "npx", "args": ["-y", "@upstash/context7-mcp@1.0.14"]}}}
            """)
        try folder.write("ci-token", Self.ciToken + "\n")
        let url = "http://127.0.0.1:\(port)"
        let pushed = try run(Paths.binary, ["scan", folder.path + "/ci", "--push", url, "--token-file", folder.path + "/ci-token",
                                            "--source", "ci-payments"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stdout.includes("recorded by \(url) (source ci-payments)"), "\(pushed.stdout)")
        #expect(daemon.waitForLog("pushed scan recorded"))

        let inventory = try run(Paths.binary, ["inventory", "--db", database, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(inventory.stdout.utf8)) as? [[String: Any]])
        let ci = rows.filter { $0["source"] as? String == "ci-payments" }
        #expect(Set(ci.compactMap { $0["model"] as? String }) == ["Qwen/Qwen2.5-7B-Instruct", "gpt-4o-mini"], "\(inventory.stdout)")
        #expect(rows.contains { $0["source"] as? String == "central" })
        let tools = try run(Paths.binary, ["inventory", "--db", database, "--kind", "tools", "--source", "ci-payments", "--format", "json"])
        #expect(tools.stdout.includes("@upstash/context7-mcp") && tools.stdout.includes("1.0.14"), "\(tools.stdout) \(tools.stderr)")
        // Pushed again after a deletion: only the pushed source's usage retires.
        try FileManager.default.removeItem(atPath: folder.path + "/ci/deploy/batch.yaml")
        #expect(try run(Paths.binary, ["scan", folder.path + "/ci", "--push", url, "--token-file", folder.path + "/ci-token",
                                       "--source", "ci-payments"]).status == 0)
        let history = try run(Paths.binary, ["history", "--db", database, "--source", "ci-payments", "--format", "csv"])
        #expect(history.stdout.includes("usage-disappeared"), "\(history.stdout)")
        let after = try run(Paths.binary, ["inventory", "--db", database, "--format", "csv"])
        #expect(!after.stdout.includes("Qwen/Qwen2.5-7B-Instruct") && after.stdout.includes(",central"), "\(after.stdout)")

        // A token that is not one of the daemon's: exit 2, the daemon's reason, nothing recorded.
        try folder.write("wrong-token", "not-a-push-token-000000000000\n")
        let refused = try run(Paths.binary, ["scan", folder.path + "/ci", "--push", url, "--token-file", folder.path + "/wrong-token",
                                             "--source", "ci-payments"])
        #expect(refused.status == 2 && refused.stderr.includes("HTTP 401") && refused.stderr.includes("push token"), "\(refused.stderr)")
        #expect(!refused.stderr.includes("not-a-push-token"))
        // The CI token outside its glob.
        let outside = try run(Paths.binary, ["scan", folder.path + "/ci", "--push", url, "--token-file", folder.path + "/ci-token",
                                             "--source", "web-01"])
        #expect(outside.status == 2 && outside.stderr.includes("HTTP 403") && outside.stderr.includes("'ci-*'"), "\(outside.stderr)")
        // --push without what it needs.
        #expect(try run(Paths.binary, ["scan", folder.path + "/ci", "--push", url, "--source", "x"]).stderr.includes("--token-file"))
        #expect(try run(Paths.binary, ["scan", folder.path + "/ci", "--push", "ftp://x", "--token-file", "t", "--source", "x"]).status != 0)

        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data()
        for data in [bytes, wal] { #expect(data.range(of: Data("PlantedPushSecret".utf8)) == nil, "the key reached the database") }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0, "\(daemon.stderr)")
        #expect(!daemon.stderr.includes(Self.ciToken) && !daemon.stderr.includes("PlantedPushSecret"))
    }

    /// A minimal valid body, hand-written as an attacker would, with secrets in its text.
    static func body(hosting: String = "self-hosted", file: String = "/ci/app.yaml") -> String {
        """
        {"format": "modelwarden-push/1", "roots": ["/ci"], "policy_digest": "0123456789abcdef", "policy_root": "builtin",
         "files": [{"path": "app.yaml", "absolute_path": "\(file)", "size": 10, "mtime": 1.5, "sha256": "\(String(repeating: "a", count: 64))", "parsed": true}],
         "deployments": [{"kind": "Deployment", "namespace": "ml", "name": "app", "file": "app.yaml", "labels": {"team": "x", "api_token": "tok-PlantedLabelSecret99"}}],
         "usages": [{"deployment": 0, "model": "sk-PlantedModelSecret0123456789", "vendor": "Meta", "family": "Llama", "license": "llama3.1",
                     "hosting": "\(hosting)", "file": "app.yaml", "line": 3, "column": 5,
                     "evidence": "OPENAI_API_KEY=sk-PlantedEvidenceSecret0123456789"}],
         "other_usage_keys": [], "findings": [],
         "counts": {"deployments": 1, "usages": 1, "findings_open": 0, "findings_waived": 0}, "diagnostics": []}
        """
    }

    @Test func pushesAreAuthenticatedBoundedAndChecked() throws {
        let folder = try TempFolder()
        let (daemon, port, database) = try Self.startDaemon(folder)
        let path = "/v1/sources/ci-hand/scans"
        func post(_ path: String, token: String? = Self.ciToken, body: String = Self.body(), declaredLength: Int? = nil) -> HTTPReply? {
            httpRequest("POST", port: port, path: path, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:], body: body,
                        declaredLength: declaredLength)
        }
        let accepted = try #require(post(path))
        #expect(accepted.status == 201 && accepted.body.includes("\"source\": \"ci-hand\""), "\(accepted.body)")
        // Secrets in a hand-written body are cut out by the daemon too.
        let bytes = (try Data(contentsOf: URL(fileURLWithPath: database))) + ((try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data())
        for planted in ["PlantedModelSecret", "PlantedEvidenceSecret", "PlantedLabelSecret"] {
            #expect(bytes.range(of: Data(planted.utf8)) == nil, "\(planted) reached the database")
        }

        #expect(post(path, token: nil)?.status == 401)
        #expect(post(path, token: "wrong-token-0123456789abcdef")?.status == 401)
        let outside = try #require(post("/v1/sources/web-01/scans"))
        #expect(outside.status == 403 && outside.body.includes("ci-*"), "\(outside.body)")
        // The other token may push anywhere but to the daemon's own source.
        #expect(post("/v1/sources/web-01/scans", token: Self.anyToken)?.status == 201)
        #expect(post("/v1/sources/central/scans", token: Self.anyToken)?.status == 409)
        // A name with a slash, percent-encoded as one segment.
        let encoded = try #require(post("/v1/sources/ci-runner%2F7%3A%2Fsrv/scans"))
        #expect(encoded.status == 201 && encoded.body.includes("\"source\": \"ci-runner/7:/srv\""), "\(encoded.body)")

        let large = try #require(post(path, body: "", declaredLength: 64 * 1024 * 1024))
        #expect(large.status == 413 && large.body.includes("limited to"), "\(large.body)")
        let notJSON = try #require(post(path, body: "{not json"))
        #expect(notJSON.status == 400 && notJSON.body.includes("not valid JSON"), "\(notJSON.body)")
        let missing = try #require(post(path, body: #"{"format": "modelwarden-push/1"}"#))
        #expect(missing.status == 400 && missing.body.includes("is missing"), "\(missing.body)")
        let badHosting = try #require(post(path, body: Self.body(hosting: "somewhere")))
        #expect(badHosting.status == 400 && badHosting.body.includes("usages[0].hosting"), "\(badHosting.body)")
        let outsideRoots = try #require(post(path, body: Self.body(file: "/etc/passwd")))
        #expect(outsideRoots.status == 400 && outsideRoots.body.includes("files[0].absolute_path"), "\(outsideRoots.body)")
        let nul = try #require(post(path, body: Self.body(file: "/ci/a\\u0000b")))
        #expect(nul.status == 400 && nul.body.includes("control characters"), "\(nul.body)")
        #expect(httpRequest("GET", port: port, path: path)?.status == 405)

        // Still up, and the refused bodies changed nothing.
        #expect(httpRequest("GET", port: port, path: "/healthz")?.status == 200)
        let scans = try run(Paths.binary, ["history", "--db", database, "--source", "ci-hand", "--format", "json"])
        #expect(scans.status == 0)
        let list = try run(Paths.binary, ["inventory", "--db", database, "--source", "ci-hand", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1 && rows.first?["model"] as? String == "<redacted>", "\(list.stdout)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func withoutPushTokensTheDaemonTakesNoPushes() throws {
        let folder = try TempFolder()
        try folder.write("own/chat.yaml", DaemonTests.chatbot)
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/own", "--db", folder.path + "/d.sqlite", "--listen", "127.0.0.1:0",
                                                   "--interval", "1h"])
        let api = try #require(daemon.apiAddress(), "\(daemon.stderr)")
        let reply = try #require(httpRequest("POST", port: api.port, path: "/v1/sources/ci/scans", headers: ["Authorization": "Bearer \(Self.ciToken)"],
                                             body: Self.body()))
        #expect(reply.status == 403 && reply.body.includes("push tokens"), "\(reply.body)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func theConfigurationNamesThePushTokenFile() throws {
        let folder = try TempFolder()
        try folder.write("modelwarden.yaml", "watch: [w]\npush_tokens: push-tokens\n")
        let (configuration, diagnostics) = DaemonConfiguration.load(path: folder.path + "/modelwarden.yaml")
        #expect(diagnostics.isEmpty)
        #expect(configuration?.pushTokensFile == URL(fileURLWithPath: folder.path + "/push-tokens").standardizedFileURL.path)
        // A daemon whose push token file is broken does not start, and says why without the token.
        try folder.write("w/chat.yaml", DaemonTests.chatbot)
        try folder.write("bad-tokens", "short-secret ci-*\n")
        let daemon = try DaemonProcess(arguments: ["--watch", folder.path + "/w", "--db", folder.path + "/d.sqlite", "--listen", "127.0.0.1:0",
                                                   "--push-tokens", folder.path + "/bad-tokens"])
        #expect(daemon.waitForExit() == 2)
        #expect(daemon.stderr.includes("bad-tokens:1: the token is shorter than 16 characters") && !daemon.stderr.includes("short-secret"), "\(daemon.stderr)")
    }

    @Test func aPushTokenFileIsReadStrictly() {
        func problem(_ text: String) -> String? {
            if case .failure(let failure) = PushTokens.parse(text, file: "tokens") { return failure.description }
            return nil
        }
        #expect(problem("short ci-*\n") == "tokens:1: the token is shorter than 16 characters")
        #expect(problem("# nothing\n\n") == "tokens: no push token in the file")
        #expect(problem("\(Self.ciToken) ci-* extra\n") == "tokens:1: expected a token and at most one source glob")
        let tokens = PushTokens(tokens: [(Self.ciToken, "ci-*"), (Self.anyToken, nil)])
        #expect(tokens.decide(token: Self.ciToken, source: "ci-x") == .allowed)
        #expect(tokens.decide(token: Self.ciToken, source: "web") == .sourceNotAllowed(pattern: "ci-*"))
        #expect(tokens.decide(token: Self.anyToken, source: "web") == .allowed)
        #expect(tokens.decide(token: "", source: "ci-x") == .unknownToken)
    }
}

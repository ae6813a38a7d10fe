import Foundation
import ModelwardenCore
import ModelwardenManifests
import Testing

/// Broken input becomes a located diagnostic; the rest of the scan goes on.
@Suite struct BadInputTests {
    let good = """
    apiVersion: v1
    kind: Pod
    metadata: {name: ok}
    spec:
      containers:
        - name: c
          image: vllm/vllm-openai:v0.6.3
          args: ["--model", "mistralai/Mistral-7B-Instruct-v0.3"]
    """

    func scan(_ folder: TempFolder, limits: ScanLimits = ScanLimits()) -> AuditResult {
        Auditor(policy: Shipped.policy, limits: limits, today: Shipped.today).audit(paths: [folder.path])
    }

    func expectGoodFileStillScanned(_ result: AuditResult) {
        #expect(result.usages.contains { $0.usage.model == "mistralai/Mistral-7B-Instruct-v0.3" && $0.usage.location.file == "ok.yaml" })
    }

    @Test func invalidYAML() throws {
        let folder = try TempFolder()
        try folder.write("ok.yaml", good)
        try folder.write("bad.yaml", "kind: Pod\nmetadata:\n  name: [broken\n")
        let result = scan(folder)
        expectGoodFileStillScanned(result)
        let diagnostic = try #require(result.diagnostics.first { $0.location.file == "bad.yaml" })
        #expect(diagnostic.location.line >= 3 && diagnostic.level == .error)
    }

    @Test func helmTemplate() throws {
        let folder = try TempFolder()
        try folder.write("ok.yaml", good)
        try folder.write("templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  {{- include \"labels\" . | nindent 4 }}\n")
        let result = scan(folder)
        expectGoodFileStillScanned(result)
        let diagnostic = try #require(result.diagnostics.first { $0.location.file == "templates/deploy.yaml" })
        #expect(diagnostic.message.contains("template"))
    }

    @Test func aliasBomb() throws {
        let folder = try TempFolder()
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...12 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]\n" }
        try folder.write("ok.yaml", good)
        try folder.write("bomb.yaml", text)
        let result = scan(folder)
        expectGoodFileStillScanned(result)
        #expect(result.diagnostics.contains { $0.location.file == "bomb.yaml" && $0.message.contains("alias expansion") })
    }

    @Test func deepNesting() throws {
        let folder = try TempFolder()
        try folder.write("ok.yaml", good)
        try folder.write("deep.yaml", String(repeating: "- ", count: 2000) + "x\n")
        let result = scan(folder)
        expectGoodFileStillScanned(result)
        #expect(result.diagnostics.contains { $0.location.file == "deep.yaml" && $0.message.contains("nesting") })
    }

    @Test func fileOverTheSizeLimit() throws {
        let folder = try TempFolder()
        try folder.write("ok.yaml", good)
        try folder.write("huge.yaml", String(repeating: "key: value\n", count: 2000))
        let result = scan(folder, limits: ScanLimits(maxFileBytes: 4096))
        expectGoodFileStillScanned(result)
        #expect(result.diagnostics.contains { $0.location.file == "huge.yaml" && $0.message.contains("limit") && $0.level == .warning })
        #expect(result.unread == 1, "a file found by the walk and too big to read is counted as not read, not a failed run")
    }

    @Test func binaryAndInvalidUTF8() throws {
        let folder = try TempFolder()
        try folder.write("ok.yaml", good)
        try folder.write("binary.yaml", Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x00, 0x01]))
        try folder.write("latin1.yaml", Data("a: 1\nname: caf".utf8) + Data([0xE9, 0x0A]))
        let result = scan(folder)
        expectGoodFileStillScanned(result)
        #expect(result.diagnostics.contains { $0.location.file == "binary.yaml" && $0.message.contains("binary") })
        let utf8 = try #require(result.diagnostics.first { $0.location.file == "latin1.yaml" })
        #expect(utf8.location.line == 2 && utf8.location.column == 10)
        #expect(!result.diagnostics.contains { $0.level == .error }, "files found by the walk that are not text do not fail the run")
        #expect(result.unread == 2)
        // Named on the command line, the same file fails closed.
        let named = Auditor(policy: Shipped.policy, today: Shipped.today).audit(paths: [folder.path + "/binary.yaml"])
        #expect(named.diagnostics.contains { $0.level == .error && $0.message.contains("binary") })
    }

    @Test func symlinkLoopAndFIFO() throws {
        let folder = try TempFolder()
        try folder.write("sub/ok.yaml", good)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/sub/loop", withDestinationPath: folder.path + "/sub")
        #expect(mkfifo(folder.path + "/sub/pipe.yaml", 0o600) == 0)
        let result = scan(folder)
        #expect(result.usages.filter { $0.usage.model == "mistralai/Mistral-7B-Instruct-v0.3" }.count == 1)
        #expect(result.diagnostics.contains { $0.message.contains("symbolic link loop") })
        #expect(result.diagnostics.contains { $0.location.file == "sub/pipe.yaml" && $0.message.contains("not a regular file") })
    }

    /// Root reads every file, so as root the unreadable file is one whose read fails: /proc/self/mem at offset 0.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/mem")))
    func fileWhoseReadFails() throws {
        let result = try run(Paths.binary, ["check", "/proc/self/mem", "--policies", Paths.policies, "--no-color"])
        #expect(result.status == 2)
        #expect(result.stdout.includes("mem:1:1: error: cannot read file"))
    }

    @Test(.enabled(if: geteuid() != 0, "root reads every file"))
    func unreadableFile() throws {
        let folder = try TempFolder()
        try folder.write("ok.yaml", good)
        let path = try folder.write("secret.yaml", good)
        chmod(path, 0)
        let result = scan(folder)
        expectGoodFileStillScanned(result)
        #expect(result.diagnostics.contains { $0.location.file == "secret.yaml" && $0.message.contains("cannot read") })
    }
}

@Suite struct SecretTests {
    @Test func keysAreNeverPrintedOrExported() throws {
        let keys = ["sk-proj-AbCdEf0123456789", "sk-ant-api03-ZZZZ9999", "AIzaSyD-EXAMPLE-0000", "hf_AbCdEfGhIjKlMnOp", "nvapi-QWERTY123456"]
        let env = """
        OPENAI_API_KEY=\(keys[0])
        ANTHROPIC_API_KEY=\(keys[1])
        GEMINI_API_KEY=\(keys[2])
        HF_TOKEN=\(keys[3])
        LLM_MODEL=\(keys[4])
        OPENAI_MODEL=gpt-4o-2024-08-06
        """
        let folder = try TempFolder()
        try folder.write("app/.env", env)
        for format in ["json", "text"] {
            let output = try run(Paths.binary, ["check", folder.path, "--format", format, "--policies", Paths.policies, "--fail-on", "never"])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("gpt-4o-2024-08-06"))
            for key in keys {
                #expect(!output.stdout.contains(key) && !output.stderr.contains(key), "\(format) leaked \(key)")
            }
        }
    }
}

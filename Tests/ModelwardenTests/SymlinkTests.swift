import Foundation
import ModelwardenCore
import ModelwardenDaemon
import ModelwardenManifests
import Testing

/// A walk stays inside the scanned folders: a symbolic link whose target lies outside them is a located warning and is
/// not read, unless `--follow-symlinks` asks for it.
@Suite struct SymlinkTests {
    static let inside = """
        apiVersion: v1
        kind: Pod
        metadata: {name: inside}
        spec:
          containers:
            - {name: c, image: vllm/vllm-openai:v0.6.3, args: ["--model", "mistralai/Mistral-7B-Instruct-v0.3"]}
        """
    static let outside = """
        apiVersion: v1
        kind: Pod
        metadata: {name: outside}
        spec:
          containers:
            - {name: c, image: vllm/vllm-openai:v0.6.3, args: ["--model", "Qwen/Qwen2.5-7B-Instruct"]}
        """

    func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    func audit(_ paths: [String], follow: Bool = false) -> AuditResult {
        Auditor(policy: Shipped.policy, today: Shipped.today, discovery: DiscoveryOptions(followSymlinks: follow)).audit(paths: paths)
    }

    func models(_ result: AuditResult) -> Set<String> { Set(result.usages.compactMap(\.usage.model)) }

    func escapeWarning(_ result: AuditResult, at path: String) -> Diagnostic? {
        result.diagnostics.first { $0.location.file == path && $0.message.contains("outside the scanned folders") && $0.level == .warning }
    }

    @Test("a file link and a folder link that leave the root are reported with their location and not read")
    func linksOutsideAreNotFollowed() throws {
        let root = try TempFolder(), elsewhere = try TempFolder()
        try root.write("ok.yaml", Self.inside)
        try elsewhere.write("manifests/outside.yaml", Self.outside)
        try link(root.path + "/linked.yaml", to: elsewhere.path + "/manifests/outside.yaml")
        try link(root.path + "/linked-folder", to: elsewhere.path + "/manifests")
        try link(root.path + "/passwd.yaml", to: "/etc/passwd")
        let result = audit([root.path])
        #expect(models(result) == ["mistralai/Mistral-7B-Instruct-v0.3"])
        let fileWarning = try #require(escapeWarning(result, at: "linked.yaml"))
        #expect(fileWarning.message.contains(elsewhere.url.resolvingSymlinksInPath().path + "/manifests/outside.yaml"))
        #expect(fileWarning.location.line == 1 && fileWarning.location.column == 1)
        #expect(escapeWarning(result, at: "linked-folder") != nil)
        #expect(escapeWarning(result, at: "passwd.yaml") != nil)
        #expect(!result.diagnostics.contains { $0.level == .error })

        let followed = audit([root.path], follow: true)
        #expect(models(followed) == ["mistralai/Mistral-7B-Instruct-v0.3", "Qwen/Qwen2.5-7B-Instruct"])
    }

    @Test("hard-to-see escapes: a folder link to /, a relative .. chain, a link to a link that leaves")
    func disguisedEscapes() throws {
        let root = try TempFolder(), elsewhere = try TempFolder()
        try root.write("deep/er/ok.yaml", Self.inside)
        try elsewhere.write("outside.yaml", Self.outside)
        try link(root.path + "/slash", to: "/")
        // Three levels up from deep/er is the folder above the root.
        try link(root.path + "/deep/er/up", to: "../../..")
        try link(root.path + "/deep/er/up-and-back", to: "../../../" + root.url.lastPathComponent + "/deep")
        try link(root.path + "/hop.yaml", to: "deep/er/hop2.yaml")
        try link(root.path + "/deep/er/hop2.yaml", to: elsewhere.path + "/outside.yaml")
        let result = audit([root.path])
        #expect(models(result) == ["mistralai/Mistral-7B-Instruct-v0.3"])
        #expect(escapeWarning(result, at: "slash") != nil)
        #expect(escapeWarning(result, at: "deep/er/up") != nil)
        #expect(escapeWarning(result, at: "hop.yaml") != nil)
        #expect(escapeWarning(result, at: "deep/er/hop2.yaml") != nil)
        // `..` that comes back inside is inside: followed, and the loop guard sees the folder twice.
        #expect(escapeWarning(result, at: "deep/er/up-and-back") == nil)
        #expect(result.usages.filter { $0.usage.model == "mistralai/Mistral-7B-Instruct-v0.3" }.count == 1)
    }

    @Test("links inside the root, and into another scanned root, are followed; loops are warnings")
    func linksInsideAndLoops() throws {
        let first = try TempFolder(), second = try TempFolder()
        try first.write("sub/ok.yaml", Self.inside)
        try second.write("outside.yaml", Self.outside)
        try link(first.path + "/alias.yaml", to: "sub/ok.yaml")
        try link(first.path + "/to-second.yaml", to: second.path + "/outside.yaml")
        try link(first.path + "/l1.yaml", to: "l2.yaml")
        try link(first.path + "/l2.yaml", to: "l1.yaml")
        let result = audit([first.path, second.path])
        #expect(models(result) == ["mistralai/Mistral-7B-Instruct-v0.3", "Qwen/Qwen2.5-7B-Instruct"])
        #expect(result.usages.contains { $0.usage.location.file.hasSuffix("alias.yaml") })
        #expect(!result.diagnostics.contains { $0.message.contains("outside the scanned folders") })
        #expect(result.diagnostics.contains { $0.location.file.hasSuffix("l1.yaml") && $0.message.contains("loop") && $0.level == .warning })
    }

    @Test("check, scan and report take --follow-symlinks; without it the warning is printed and the exit code is unchanged")
    func commandLine() throws {
        let root = try TempFolder(), elsewhere = try TempFolder()
        try root.write("ok.yaml", Self.inside)
        try elsewhere.write("outside.yaml", Self.outside)
        try link(root.path + "/linked.yaml", to: elsewhere.path + "/outside.yaml")
        let plain = try run(Paths.binary, ["check", root.path, "--fail-on", "never"])
        #expect(plain.status == 0)
        #expect((plain.stdout + plain.stderr).contains("linked.yaml:1:1: warning: symbolic link to"))
        #expect(!plain.stdout.contains("Qwen2.5"))
        let followed = try run(Paths.binary, ["check", root.path, "--fail-on", "never", "--follow-symlinks"])
        #expect(followed.stdout.contains("Qwen/Qwen2.5-7B-Instruct"))
        let report = try run(Paths.binary, ["report", root.path, "--format", "csv", "--follow-symlinks"])
        #expect(report.status == 0 && report.stdout.contains("Qwen/Qwen2.5-7B-Instruct"))
        let database = root.path + "/../" + root.url.lastPathComponent + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: database) }
        let scan = try run(Paths.binary, ["scan", root.path, "--db", database])
        #expect(scan.status == 0)
        let inventory = try run(Paths.binary, ["inventory", "--db", database, "--format", "csv"])
        #expect(!inventory.stdout.contains("Qwen2.5"))
    }

    @Test("a file or its folder swapped for a link that leaves, between the walk and the read, is refused at the read")
    func swapAfterTheWalkIsRefused() throws {
        let root = try TempFolder(), elsewhere = try TempFolder()
        try root.write("apps/app.yaml", Self.inside)
        try root.write("model.yaml", Self.inside.replacingOccurrences(of: "name: inside", with: "name: second"))
        try elsewhere.write("apps/app.yaml", Self.outside)
        try elsewhere.write("model.yaml", Self.outside)
        for follow in [false, true] {
            let auditor = Auditor(policy: Shipped.policy, today: Shipped.today, discovery: DiscoveryOptions(followSymlinks: follow))
            let candidates = auditor.discover([root.path]).candidates
            #expect(candidates.count == 2)
            // The race: the folder and the file are replaced by links out of the root after discovery listed them.
            let fm = FileManager.default
            try? fm.removeItem(atPath: root.path + "/apps-real")
            try fm.moveItem(atPath: root.path + "/apps", toPath: root.path + "/apps-real")
            try link(root.path + "/apps", to: elsewhere.path + "/apps")
            try fm.moveItem(atPath: root.path + "/model.yaml", toPath: root.path + "/model-real.yaml")
            try link(root.path + "/model.yaml", to: elsewhere.path + "/model.yaml")
            let result = auditor.audit(candidates.map { auditor.read($0) }, extraDiagnostics: [])
            if follow {
                #expect(models(result) == ["Qwen/Qwen2.5-7B-Instruct"], "--follow-symlinks reads where the links lead")
            } else {
                #expect(models(result).isEmpty, "a swapped-in link was read: \(models(result))")
                let warnings = result.diagnostics.filter { $0.message.contains("outside the scanned folders") && $0.level == .warning }
                #expect(Set(warnings.map(\.location.file)) == ["apps/app.yaml", "model.yaml"])
            }
            // Put the real files back for the next round.
            try fm.removeItem(atPath: root.path + "/apps")
            try fm.moveItem(atPath: root.path + "/apps-real", toPath: root.path + "/apps")
            try fm.removeItem(atPath: root.path + "/model.yaml")
            try fm.moveItem(atPath: root.path + "/model-real.yaml", toPath: root.path + "/model.yaml")
        }
    }

    @Test("a FIFO swapped in after the walk neither blocks the read nor is read")
    func fifoSwappedInDoesNotBlock() throws {
        let root = try TempFolder()
        try root.write("app.yaml", Self.inside)
        let auditor = Auditor(policy: Shipped.policy, today: Shipped.today)
        let candidate = try #require(auditor.discover([root.path]).candidates.first)
        try FileManager.default.removeItem(atPath: root.path + "/app.yaml")
        #expect(mkfifo(root.path + "/app.yaml", 0o600) == 0)
        let (file, scan) = auditor.read(candidate)
        #expect(file == nil && scan.usages.isEmpty)
        #expect(scan.diagnostics.contains { $0.message == "not a regular file; not scanned" })
    }

    @Test func daemonConfigurationFollowsSymlinksOnlyWhenAsked() {
        #expect(DaemonConfiguration.parse(Array("watch: [a]\n".utf8), file: "m.yaml").configuration?.followSymlinks == false)
        #expect(DaemonConfiguration.parse(Array("watch: [a]\nfollow_symlinks: true\n".utf8), file: "m.yaml").configuration?.followSymlinks == true)
    }
}

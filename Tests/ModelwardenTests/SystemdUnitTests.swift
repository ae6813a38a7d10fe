#if os(Linux)
import Foundation
import Testing

/// The systemd unit and `make install`, checked with the tools a Linux server has. A missing
/// `systemd-analyze` or `make` fails these tests instead of skipping them: CI has both, and a unit
/// nobody verified should not pass. (Off Linux there is no systemd, and the suite is not compiled.)
@Suite struct SystemdUnitTests {
    static let unit = Paths.packageRoot.appendingPathComponent("systemd/modelwarden.service").path

    /// Runs a tool found on PATH, failing clearly when it is not there (`env` exits 127).
    func tool(_ name: String, _ arguments: [String], cwd: String? = nil) throws -> ProcessResult {
        let result = try run("/usr/bin/env", [name] + arguments, cwd: cwd)
        try #require(result.status != 127, "\(name) is not installed (Debian: apt-get install \(name == "make" ? "make" : "systemd"))")
        return result
    }

    /// An executable script in `folder`.
    func fakeBinary(in folder: TempFolder) throws -> String {
        let path = try folder.write("fake-modelwarden", "#!/bin/sh\nexit 0\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// `systemd-analyze verify` insists that the ExecStart= binary exists, so it checks a copy of the
    /// unit, with the same name, whose ExecStart= names a stand-in script. It prints nothing for a
    /// clean unit; unknown keys and bad values are warnings on stderr, with exit status 0.
    @Test func verifyHasNothingToSay() throws {
        let folder = try TempFolder()
        let text = try String(contentsOfFile: Self.unit, encoding: .utf8)
        #expect(text.contains("\nExecStart=/usr/local/bin/modelwarden daemon --config /etc/modelwarden/modelwarden.yaml\n"))
        let binary = try fakeBinary(in: folder)
        let copy = try folder.write("modelwarden.service", text.replacingOccurrences(of: "=/usr/local/bin/modelwarden ", with: "=\(binary) "))
        let result = try tool("systemd-analyze", ["verify", copy])
        #expect(result.status == 0, "\(result.stderr)")
        let complaints = result.stderr.split(separator: "\n").filter { $0.contains("modelwarden") }
        #expect(complaints.isEmpty, "\(complaints.joined(separator: "\n"))")
    }

    /// The last line reads "→ Overall exposure level for modelwarden.service: 0.9 SAFE 😀" (systemd 252).
    @Test func exposureIsAtMostTwo() throws {
        let result = try tool("systemd-analyze", ["security", "--offline=true", "--no-pager", Self.unit])
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(result.stdout)\(result.stderr)")
        let figure = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, "\(line)")
        #expect(figure <= 2.0, "\(line)")
    }

    /// A staged install: ExecStart= names the installed binary and config, the config names the installed
    /// policies, the config stays readable by the service's transient user and is never overwritten.
    @Test(arguments: ["/usr/local", "/usr"])
    func installPutsFilesWhereTheUnitLooks(prefix: String) throws {
        let folder = try TempFolder()
        let root = folder.path + "/root"
        let binary = try fakeBinary(in: folder)
        let install = ["-s", "install", "DESTDIR=\(root)", "PREFIX=\(prefix)", "BINARY=\(binary)"]
        let first = try tool("make", install, cwd: Paths.packageRoot.path)
        try #require(first.status == 0, "\(first.stdout)\(first.stderr)")

        let unit = try String(contentsOfFile: root + prefix + "/lib/systemd/system/modelwarden.service", encoding: .utf8)
        let execStart = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        #expect(execStart == "ExecStart=\(prefix)/bin/modelwarden daemon --config /etc/modelwarden/modelwarden.yaml")
        #expect(FileManager.default.isExecutableFile(atPath: root + prefix + "/bin/modelwarden"))
        let configPath = root + "/etc/modelwarden/modelwarden.yaml"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        // The policy set is built in: the example configuration points at the readable copy only in a comment.
        #expect(config.contains("\(prefix)/share/modelwarden/policies"))
        #expect(!config.contains("\npolicies:"))
        #expect(FileManager.default.fileExists(atPath: root + prefix + "/share/modelwarden/policies/rules"))
        #expect(FileManager.default.fileExists(atPath: root + prefix + "/share/modelwarden/policies/organization.yaml"))
        #expect(try FileManager.default.attributesOfItem(atPath: configPath)[.posixPermissions] as? Int == 0o644)

        try (config + "# edited by the admin\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        let again = try tool("make", install, cwd: Paths.packageRoot.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOfFile: configPath, encoding: .utf8).hasSuffix("# edited by the admin\n"))

        let uninstall = try tool("make", ["-s", "uninstall", "DESTDIR=\(root)", "PREFIX=\(prefix)"], cwd: Paths.packageRoot.path)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + prefix + "/bin/modelwarden"))
        #expect(!FileManager.default.fileExists(atPath: root + prefix + "/share/modelwarden"))
        #expect(FileManager.default.fileExists(atPath: configPath))
    }
}
#endif

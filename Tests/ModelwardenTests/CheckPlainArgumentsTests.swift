import Foundation
import Testing

/// `check` in its plain spelling (`check PATH --format json`) is parsed without ArgumentParser; the same line with the
/// paths after `--` (`check --format json -- PATH`) always goes through ArgumentParser. Both must behave the same:
/// exit code, standard output and error, and the files written.
@Suite struct CheckPlainArgumentsTests {
    /// One command line: `options` and `paths`; `{out}` stands for a folder of its own for each spelling.
    struct Line: CustomStringConvertible {
        var options: [String]
        var paths: [String]
        /// How many option words come before the paths in the plain spelling.
        var pathsAfter = 0

        var description: String { (["check"] + options + paths).joined(separator: " ") }

        var plain: [String] { ["check"] + options.prefix(pathsAfter) + paths + options.dropFirst(pathsAfter) }

        var throughArgumentParser: [String] { ["check"] + options + ["--"] + paths }
    }

    @Test(arguments: lines())
    func bothSpellingsBehaveTheSame(line: Line) throws {
        let plain = try outcome(of: line.plain)
        let parsed = try outcome(of: line.throughArgumentParser)
        #expect(plain.status == parsed.status, "\(line)")
        #expect(plain.stdout == parsed.stdout, "\(line)")
        #expect(plain.stderr == parsed.stderr, "\(line)")
        #expect(plain.files == parsed.files, "\(line)")
    }

    /// Lines that the plain parse takes, and lines it leaves to ArgumentParser (repeated, invalid, failing validation).
    static func lines() -> [Line] {
        let estate = Paths.deployments
        let fixtures = fixtureFolder()
        var lines: [Line] = [
            Line(options: [], paths: [estate]),
            Line(options: ["--no-config", "--fail-on", "never"], paths: [fixtures + "/empty"]),
            Line(options: ["--format", "json", "--no-color"], paths: [estate]),
            Line(options: ["--color", "--fail-on", "warning"], paths: [estate]),
            Line(options: ["--no-color", "--fail-on", "info"], paths: [fixtures + "/clean"]),
            Line(options: ["--no-config", "--fail-on", "warning"], paths: [fixtures + "/clean"]),
            Line(options: ["--format", "sarif", "--output", "{out}/report.sarif", "--format", "text"], paths: [estate], pathsAfter: 2),
            Line(options: ["--format", "junit", "--format", "markdown", "--output", "{out}/a.xml", "--output", "{out}/b.md"], paths: [estate]),
            Line(options: ["--write-baseline", "{out}/baseline.json", "--format", "github"], paths: [estate]),
            Line(options: ["--baseline", fixtures + "/no-such-baseline.json"], paths: [estate]),
            Line(options: ["--skip-rule", "data-control/unapproved-provider", "--skip-rule", "license/unknown-license",
                           "--ignore", "*.env", "--log-level", "error"], paths: [fixtures + "/clean", fixtures + "/info"]),
            Line(options: ["--skip-rule", "no-such/rule"], paths: [fixtures + "/info"]),
            Line(options: ["--policies", fixtures + "/broken", "--fail-on", "error"], paths: [fixtures + "/clean"]),
            Line(options: ["--policies", Paths.policies, "--no-ignore", "--follow-symlinks", "--explain-roles"], paths: [fixtures + "/info"]),
            Line(options: ["--explain-roles", "--format", "json"], paths: [fixtures + "/info"]),
            Line(options: ["--no-config", "--format", "json"], paths: [fixtures + "/clean", fixtures + "/info"], pathsAfter: 1),
            Line(options: ["--output", "{out}/a", "--output", "{out}/b"], paths: [estate]),
            Line(options: ["--fail-on", "nevr"], paths: [estate]),
            Line(options: ["--format", "yaml"], paths: [estate]),
            Line(options: ["--no-config", "--no-config"], paths: [fixtures + "/clean"]),
            Line(options: ["--color", "--no-color"], paths: [estate]),
            Line(options: ["--fail-on", "info", "--fail-on", "never"], paths: [estate]),
            Line(options: ["--fail-on"], paths: [estate]),
            Line(options: ["--no-config"], paths: [fixtures + "/no-such-folder"]),
            Line(options: ["--no-config"], paths: [fixtures + "/broken"]),
        ]
        lines.append(Line(options: ["--log-level", "critical", "--stdin-name", "x.yaml"], paths: [estate]))
        return lines
    }

    /// A folder with the shapes the lines need, made once per test process. The lines name it, so it outlives the
    /// tests; the folders of earlier test processes that are gone are removed here instead.
    static func fixtureFolder() -> String {
        let temporary = FileManager.default.temporaryDirectory
        let prefix = "modelwarden-plain-arguments-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(prefix) {
            if let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
        let root = temporary.appendingPathComponent(prefix + "\(ProcessInfo.processInfo.processIdentifier)")
        let files = [
            "clean/.env": "OPENAI_MODEL=gpt-4o-2024-08-06\n",
            "clean/.modelwarden.yaml": "schemaVersion: 1\norganization: {approved_providers: [openai]}\n",
            "info/.env": "OPENAI_MODEL=gpt-4o\n",
            "info/.modelwarden.yaml": "schemaVersion: 1\norganization: {approved_providers: [openai]}\n",
            "broken/bad.yaml": "apiVersion: v1\nkind: Pod\nmetadata: [\n",
        ]
        for (path, text) in files {
            let file = root.appendingPathComponent(path)
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: file)
        }
        try? FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        return root.path
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var files: [String: Data]
    }

    /// Runs one spelling with `{out}` as a fresh folder; the folder's name is put back as `{out}` in the output.
    func outcome(of arguments: [String]) throws -> Outcome {
        let out = try TempFolder()
        let result = try run(Paths.binary, arguments.map { $0.replacingOccurrences(of: "{out}", with: out.path) })
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [] {
            files[name] = FileManager.default.contents(atPath: out.path + "/" + name)
        }
        return Outcome(status: result.status, stdout: result.stdout.replacingOccurrences(of: out.path, with: "{out}"),
                       stderr: result.stderr.replacingOccurrences(of: out.path, with: "{out}"), files: files)
    }
}

import Foundation
import Testing

/// `modelwarden report` from a recorded history of Deployments/ and from a one-off scan.
@Suite(.serialized) struct ReportCommandTests {
    /// A store with two scans of the example estate, the second after one deployment changed model.
    static func history() throws -> (TempFolder, String) {
        let folder = try TempFolder()
        let estate = folder.path + "/estate"
        try FileManager.default.copyItem(atPath: Paths.deployments, toPath: estate)
        let db = folder.path + "/audit.sqlite"
        let first = try run(Paths.binary, ["scan", estate, "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        let file = estate + "/k8s/kr-devtools/code-assistant.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "mistralai/Codestral-22B-v0.1", with: "Qwen/Qwen2.5-Coder-7B-Instruct").write(toFile: file, atomically: true, encoding: .utf8)
        let second = try run(Paths.binary, ["scan", estate, "--db", db])
        #expect(second.status == 0, "\(second.stderr)")
        return (folder, db)
    }

    func report(_ arguments: [String]) throws -> ProcessResult {
        try run(Paths.binary, ["report"] + arguments)
    }

    @Test func csvHasARowPerUsageAndFinding() throws {
        let (folder, db) = try Self.history()
        let result = try report(["--db", db, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.first?.hasPrefix("record,deployment,model") == true)
        // 35 usages now (the estate's model folder included), plus the Codestral usage that is gone; findings of both scans.
        let usages = rows.filter { $0.hasPrefix("usage,") }
        #expect(usages.count == 36)
        #expect(usages.contains { $0.includes("mistralai/Codestral-22B-v0.1") && $0.includes(",gone,") })
        #expect(rows.contains { $0.hasPrefix("finding,") && $0.includes("license/non-commercial-in-production") && $0.includes(",resolved,") })
        _ = folder
    }

    @Test func jsonParsesWithItsSections() throws {
        let (folder, db) = try Self.history()
        let result = try report(["--db", db, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["summary", "usagesByHosting", "licenses", "externalServices", "waivers", "scans", "usages", "findings", "findingsOverTime"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect((object["scans"] as? [Any])?.count == 2)
        let licenses = try #require(object["licenses"] as? [[String: Any]])
        let llama = try #require(licenses.first { $0["id"] as? String == "llama3.1" })
        let uses = try #require(llama["uses"] as? [[String: Any]])
        #expect(uses.contains { ($0["attributionMet"] as? Bool) == false })
        _ = folder
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: Paths.shared.appendingPathComponent("tools/validate-schema").path)))
    func cycloneDXFromTheHistoryIsValid() throws {
        let (folder, db) = try Self.history()
        let path = folder.path + "/bom.json"
        let result = try report(["--db", db, "--format", "cyclonedx", "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        let validate = try run("/usr/bin/env", ["python3", Paths.shared.appendingPathComponent("tools/validate-schema").path, "cyclonedx", path])
        #expect(validate.status == 0, "\(validate.stdout)")
        let bom = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let components = try #require(bom["components"] as? [[String: Any]])
        #expect(components.filter { $0["type"] as? String == "machine-learning-model" }.count >= 25)
        #expect((bom["services"] as? [Any])?.isEmpty == false)
    }

    @Test func noticeAndOneOffScan() throws {
        let notice = try report([Paths.deployments, "--format", "notice"])
        #expect(notice.status == 0, "\(notice.stderr)")
        #expect(notice.stdout.includes("Built with Llama"))
        #expect(notice.stdout.includes("Llama 3.1 is licensed under the Llama 3.1 Community License"))
        let korean = try report([Paths.deployments, "--format", "notice", "--lang", "ko"])
        #expect(korean.stdout.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) })
        let missing = try report(["--db", "/nonexistent/audit.sqlite", "--format", "csv"])
        #expect(missing.status == 2 && missing.stderr.includes("no history"))
    }
}

@Suite(.serialized) struct ReportHumanFormatsTests {
    @Test func htmlAndMarkdownFromTheHistoryInBothLanguages() throws {
        let (folder, db) = try ReportCommandTests.history()
        for lang in ["en", "ko"] {
            let html = try run(Paths.binary, ["report", "--db", db, "--format", "html", "--lang", lang])
            #expect(html.status == 0, "\(html.stderr)")
            #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
            #expect(html.stdout.includes("<html lang=\"\(lang)\""))
            // Self-contained: nothing is loaded from the network (links to licence texts are fine).
            #expect(!html.stdout.includes("<script") && !html.stdout.includes("src=\"http") && !html.stdout.includes("<link"))
            #expect(html.stdout.includes("<svg"))
            #expect(html.stdout.includes("mistralai/Codestral-22B-v0.1"))
            let markdown = try run(Paths.binary, ["report", "--db", db, "--format", "markdown", "--lang", lang])
            #expect(markdown.status == 0)
            #expect(markdown.stdout.split(separator: "\n").filter { $0.hasPrefix("## ") }.count == 7)
            let hangul = { (text: String) in text.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) } }
            #expect(html.stdout.includes("모델 인벤토리") == (lang == "ko"))
            #expect(hangul(markdown.stdout) == (lang == "ko"))
            if lang == "ko" {
                #expect(html.stdout.includes("모델 인벤토리") && markdown.stdout.includes("모델 인벤토리"))
                #expect(html.stdout.includes("년") && html.stdout.includes("월"))
            }
        }
        _ = folder
    }
}

import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports
import ModelwardenStore
import Testing

/// A compliance report built by hand: 10 usages (2 no longer in use), 8 findings (4 open, 2 waived, 2 resolved),
/// 4 licences in use (one unknown to the catalog), 2 external APIs, 2 waivers (one expired), 5 days of findings, 5 scans.
enum SampleReport {
    static let usages: [ComplianceReport.UsageRecord] = [
        usage("Deployment shop/recommendations", "meta-llama/Llama-3.1-70B-Instruct", "meta", "llama", "llama3.1", "conditional", "self-hosted",
              runtime: "vllm", file: "k8s/shop/recommendations.yaml", line: 41),
        usage("Deployment shop/search-rerank", "google/gemma-2-9b-it", "google", "gemma", "gemma", "conditional", "self-hosted",
              runtime: "tgi", file: "k8s/shop/search.yaml", line: 27),
        usage("InferenceService support/summarizer", "mistralai/Mistral-7B-Instruct-v0.3", "mistral", "mistral", "apache-2.0", "permissive", "self-hosted",
              runtime: "kserve", file: "k8s/support/kserve-summarizer.yaml", line: 18),
        usage("Deployment support/chat-assistant", "gpt-4o-2024-08-06", "openai", "gpt-4o", "openai-api-terms", "commercial-api", "external-api",
              api: "openai", file: "k8s/support/chat-assistant.yaml", line: 63),
        usage("Deployment support/email-triage", "claude-3-5-sonnet-20241022", "anthropic", "claude", "anthropic-commercial-terms", "commercial-api",
              "external-api", api: "anthropic", file: "compose/email-triage/docker-compose.yml", line: 22),
        usage("Deployment tracking/eta-explainer", "meta-llama/Llama-3.1-8B-Instruct", "meta", "llama", "llama3.1", "conditional", "self-hosted",
              runtime: "ollama", file: "k8s/tracking/eta-explainer.yaml", line: 35),
        usage("Deployment merchant/listing-writer", "gpt-4o-mini", "openai", "gpt-4o", "openai-api-terms", "commercial-api", "external-api",
              api: "openai", file: "litellm/merchant-proxy.yaml", line: 9),
        usage("Deployment devtools/code-helper", "bigcode/starcoder2-15b", "bigcode", "starcoder", "unknown", nil, "self-hosted",
              runtime: "vllm", file: "kr-devtools/code-helper.yaml", line: 52),
        usage("Deployment warehouse/pick-assist", "Qwen/Qwen2-7B-Instruct", "alibaba", "qwen", "apache-2.0", "permissive", "self-hosted",
              runtime: "vllm", file: "k8s/warehouse/pick-assist.yaml", line: 30, active: false),
        usage("Deployment driver/route-notes", "gemini-1.5-flash", "google", "gemini", "gemini-api-terms", "commercial-api", "external-api",
              api: "google-gemini-api", file: "env/driver-app.env", line: 4, active: false),
    ]

    static let findings: [ComplianceReport.FindingRecord] = [
        finding("license/attribution-missing", "Attribution missing", "error", "open", "Deployment shop/recommendations", "meta-llama/Llama-3.1-70B-Instruct",
                "k8s/shop/recommendations.yaml", 41, "llama3.1 requires \"Built with Llama\"; the deployment declares no attribution.",
                "Add modelwarden.io/attribution: \"Built with Llama\" and show it in the product."),
        finding("data-control/sensitive-data-to-external-api", "Sensitive data to an external API", "error", "open", "Deployment support/email-triage",
                "claude-3-5-sonnet-20241022", "compose/email-triage/docker-compose.yml", 22,
                "confidential personal data is sent to anthropic, which has no zero-data-retention agreement.",
                "Route the workload to a self-hosted model or sign a ZDR agreement."),
        finding("license/unknown-license", "Unknown licence", "warning", "open", "Deployment devtools/code-helper", "bigcode/starcoder2-15b",
                "kr-devtools/code-helper.yaml", 52, "bigcode/starcoder2-15b is not in the catalog.", "Add the model family and its licence to Policies/models."),
        finding("inventory/unpinned-model", "Unpinned model", "info", "open", "Deployment merchant/listing-writer", "gpt-4o-mini",
                "litellm/merchant-proxy.yaml", 9, "gpt-4o-mini is an alias that moves to new snapshots.", "Pin a dated snapshot such as gpt-4o-mini-2024-07-18."),
        finding("data-control/unapproved-provider", "Unapproved provider", "error", "waived", "Deployment driver/route-notes", "gemini-1.5-flash",
                "env/driver-app.env", 4, "google-gemini-api has no agreement with the organisation.", "Use an approved provider.",
                waiver: "Pilot until the Vertex AI contract is signed (approved by legal, ticket LEG-214)"),
        finding("license/attribution-missing", "Attribution missing", "error", "waived", "Deployment tracking/eta-explainer", "meta-llama/Llama-3.1-8B-Instruct",
                "k8s/tracking/eta-explainer.yaml", 35, "llama3.1 requires \"Built with Llama\".", "Declare the attribution.",
                waiver: "Attribution is shown on the tracking site's about page"),
        finding("license/non-commercial-in-production", "Non-commercial licence in production", "error", "resolved", "Deployment warehouse/pick-assist",
                "Qwen/Qwen2-7B-Instruct", "k8s/warehouse/pick-assist.yaml", 30, "the model's licence forbids commercial use.", "Replace the model."),
        finding("inventory/unpinned-model", "Unpinned model", "info", "resolved", "Deployment support/chat-assistant", "gpt-4o",
                "k8s/support/chat-assistant.yaml", 63, "gpt-4o is an alias.", "Pin a dated snapshot."),
    ]

    static func usage(_ deployment: String, _ model: String?, _ vendor: String, _ family: String, _ license: String, _ kind: String?, _ hosting: String,
                      runtime: String? = nil, api: String? = nil, file: String, line: Int, active: Bool = true) -> ComplianceReport.UsageRecord {
        ComplianceReport.UsageRecord(deployment: deployment, model: model, vendor: vendor, family: family, license: license, licenseKind: kind,
                                     hosting: hosting, runtime: runtime, api: api, file: file, line: line,
                                     firstSeen: "2026-11-25T08:00:00.000Z", lastSeen: active ? "2026-11-29T08:00:00.000Z" : "2026-11-27T08:00:00.000Z",
                                     active: active)
    }

    static func finding(_ rule: String, _ title: String, _ severity: String, _ status: String, _ deployment: String?, _ model: String?, _ file: String,
                        _ line: Int, _ message: String, _ remediation: String, waiver: String? = nil) -> ComplianceReport.FindingRecord {
        ComplianceReport.FindingRecord(rule: rule, title: title, severity: severity, status: status, deployment: deployment, model: model, file: file,
                                       line: line, column: 18, message: message, remediation: remediation, waiver: waiver,
                                       firstSeen: "2026-11-25T08:00:00.000Z", lastSeen: "2026-11-29T08:00:00.000Z")
    }

    static func make(usages: [ComplianceReport.UsageRecord] = usages, findings: [ComplianceReport.FindingRecord] = findings) -> ComplianceReport {
        let catalog = Shipped.policy.catalog
        typealias Use = ComplianceReport.LicenseInUse.Use
        let licenses = [
            ComplianceReport.LicenseInUse(license: catalog.licenses["llama3.1"], id: "llama3.1", uses: [
                Use(deployment: "Deployment shop/recommendations", models: ["meta-llama/Llama-3.1-70B-Instruct"], product: "frachtwerk-shop",
                    declaredAttribution: nil, attributionMet: false, monthlyActiveUsers: 126_000_000, thresholdExceeded: false),
                Use(deployment: "Deployment tracking/eta-explainer", models: ["meta-llama/Llama-3.1-8B-Instruct"], product: "parcel-tracking",
                    declaredAttribution: "Built with Llama", attributionMet: true, monthlyActiveUsers: 41_000_000, thresholdExceeded: false),
            ]),
            ComplianceReport.LicenseInUse(license: catalog.licenses["gemma"], id: "gemma", uses: [
                Use(deployment: "Deployment shop/search-rerank", models: ["google/gemma-2-9b-it"], product: "frachtwerk-shop",
                    declaredAttribution: nil, attributionMet: true, monthlyActiveUsers: 126_000_000, thresholdExceeded: false),
            ]),
            ComplianceReport.LicenseInUse(license: catalog.licenses["apache-2.0"], id: "apache-2.0", uses: [
                Use(deployment: "InferenceService support/summarizer", models: ["mistralai/Mistral-7B-Instruct-v0.3"], product: "customer-support",
                    declaredAttribution: nil, attributionMet: true, monthlyActiveUsers: 9_500_000, thresholdExceeded: false),
            ]),
            ComplianceReport.LicenseInUse(license: nil, id: "unknown", uses: [
                Use(deployment: "Deployment devtools/code-helper", models: ["bigcode/starcoder2-15b"], product: "dev-platform",
                    declaredAttribution: nil, attributionMet: true, monthlyActiveUsers: 2_300, thresholdExceeded: false),
            ]),
        ]
        let external = [
            ComplianceReport.ExternalService(provider: catalog.providers["openai"], id: "openai", endpoints: ["api.openai.com"],
                                             classifications: ["internal", "public"],
                                             deployments: ["Deployment support/chat-assistant", "Deployment merchant/listing-writer"],
                                             models: ["gpt-4o-2024-08-06", "gpt-4o-mini"]),
            ComplianceReport.ExternalService(provider: catalog.providers["anthropic"], id: "anthropic", endpoints: ["api.anthropic.com"],
                                             classifications: ["confidential"], deployments: ["Deployment support/email-triage"],
                                             models: ["claude-3-5-sonnet-20241022"]),
        ]
        let waivers = [
            Waiver(rule: "data-control/unapproved-provider", deployments: [.init(kind: "Deployment", namespace: "driver", name: "route-notes")], models: [],
                   reason: "Pilot until the Vertex AI contract is signed (approved by legal, ticket LEG-214)", approvedBy: "j.becker@frachtwerk.example",
                   expires: PolicyDate("2026-12-15")!, location: SourceLocation(file: "Policies/waivers.yaml", line: 4, column: 3)),
            Waiver(rule: "license/attribution-missing", deployments: [.init(namespace: "tracking", name: "eta-*")], models: ["meta-llama/*"],
                   reason: "Attribution is shown on the tracking site's about page", approvedBy: "m.kim@frachtwerk.example",
                   expires: PolicyDate("2026-11-20")!, location: SourceLocation(file: "Policies/waivers.yaml", line: 14, column: 3)),
        ]
        let days = [
            ComplianceReport.DayCount(day: "2026-11-25", error: 5, warning: 3, info: 2),
            ComplianceReport.DayCount(day: "2026-11-26", error: 4, warning: 3, info: 2),
            ComplianceReport.DayCount(day: "2026-11-27", error: 4, warning: 2, info: 1),
            ComplianceReport.DayCount(day: "2026-11-28", error: 3, warning: 1, info: 1),
            ComplianceReport.DayCount(day: "2026-11-29", error: 2, warning: 1, info: 1),
        ]
        let scans = [
            ComplianceReport.ScanRecord(id: 1, finishedAt: "2026-11-25T08:00:03.120Z", status: "complete", files: 27, usages: 11, findingsOpen: 10, findingsWaived: 1),
            ComplianceReport.ScanRecord(id: 2, finishedAt: "2026-11-26T08:00:02.840Z", status: "complete", files: 27, usages: 11, findingsOpen: 9, findingsWaived: 1),
            ComplianceReport.ScanRecord(id: 3, finishedAt: "2026-11-27T08:00:02.410Z", status: "complete", files: 26, usages: 10, findingsOpen: 7, findingsWaived: 2),
            ComplianceReport.ScanRecord(id: 4, finishedAt: "2026-11-28T08:00:01.020Z", status: "unchanged", files: 26, usages: 10, findingsOpen: 5, findingsWaived: 2),
            ComplianceReport.ScanRecord(id: 5, finishedAt: "2026-11-29T08:00:02.950Z", status: "complete", files: 25, usages: 8, findingsOpen: 4, findingsWaived: 2),
        ]
        let open = findings.filter { $0.status == "open" }
        return ComplianceReport(
            organization: "Frachtwerk Group SE", toolVersion: "0.4.0", generatedAt: "2026-11-29T09:30:00Z", since: "2026-11-01", until: "2026-11-29",
            source: "store",
            summary: .init(deployments: 8, models: 8, usages: usages.filter(\.active).count, selfHosted: 5, external: 3,
                           openErrors: open.filter { $0.severity == "error" }.count, openWarnings: open.filter { $0.severity == "warning" }.count,
                           openInfo: open.filter { $0.severity == "info" }.count, waived: findings.filter { $0.status == "waived" }.count,
                           resolved: findings.filter { $0.status == "resolved" }.count),
            byHosting: [.init(label: "self-hosted", count: 5), .init(label: "external-api", count: 3)],
            byVendor: [.init(label: "meta", count: 2), .init(label: "openai", count: 2), .init(label: "google", count: 1),
                       .init(label: "mistral", count: 1), .init(label: "anthropic", count: 1), .init(label: "bigcode", count: 1)],
            byLicenseKind: [.init(label: "conditional", count: 3), .init(label: "commercial-api", count: 3), .init(label: "permissive", count: 1),
                            .init(label: "unknown", count: 1)],
            findingsOverTime: days, licenses: licenses, externalServices: external, waivers: waivers, scans: scans,
            usages: RowStream(usages), findings: RowStream(findings))
    }

    /// The day `days` after `start` (`YYYY-MM-DD`).
    static func day(_ start: String, plus days: Int) -> String {
        var date = PolicyDate(start)!
        for _ in 0..<days {
            date = PolicyDate(String(format: "%04d-%02d-%02d", date.year, date.month, date.day + 1))
                ?? PolicyDate(String(format: "%04d-%02d-01", date.month == 12 ? date.year + 1 : date.year, date.month == 12 ? 1 : date.month + 1))!
        }
        return date.description
    }

    static func html(_ report: ComplianceReport = make(), language: ComplianceReport.Language = .en) throws -> String {
        var sink = StringSink()
        try HTMLReportWriter().write(report, language: language, to: &sink)
        return sink.text
    }
}

/// Counts writes, to see that a writer streams.
private struct CountingSink: ReportSink {
    var writes = 0
    var bytes = 0
    mutating func write(_ text: String) {
        writes += 1
        bytes += text.utf8.count
    }
}

fileprivate extension String {
    /// How many times a needle occurs, without overlaps (bytewise: Foundation's `range(of:)` is slow on long text).
    func occurrences(of needle: String) -> Int {
        let hay = Array(utf8), pattern = Array(needle.utf8)
        guard !pattern.isEmpty, hay.count >= pattern.count else { return 0 }
        var count = 0, index = 0
        let first = pattern[0], last = hay.count - pattern.count
        while index <= last {
            if hay[index] == first, hay[index..<index + pattern.count].elementsEqual(pattern) {
                count += 1
                index += pattern.count
            } else {
                index += 1
            }
        }
        return count
    }
}

@Suite struct HTMLReportTests {
    @Test func documentHasEverySectionAndOneRowPerUsage() throws {
        let html = try SampleReport.html()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</html>\n"))
        let s = ReportStrings.en
        for heading in [s.summary, s.usageOverview, s.inventory, s.noLongerInUse, s.findings, s.obligations, s.waivers, s.externalAPIs, s.scanHistory,
                        s.usagesByHosting, s.usagesByVendor, s.usagesByLicenseKind, s.findingsOverTime] {
            #expect(html.contains(">\(HTMLReportWriter.escape(heading))</"), "missing heading \(heading)")
        }
        #expect(html.occurrences(of: "<tr class=\"usage") == SampleReport.usages.count)
        #expect(html.occurrences(of: "<tr class=\"usage gone\"") == 2)
        #expect(html.occurrences(of: "<tr class=\"finding") == SampleReport.findings.count)
        // Header facts.
        #expect(html.contains("Frachtwerk Group SE"))
        #expect(html.contains("1 Nov 2026 – 29 Nov 2026"))
        #expect(html.contains("29 Nov 2026, 09:30 UTC"))
        // Evidence and remediation.
        #expect(html.contains("k8s/shop/recommendations.yaml:41:18"))
        #expect(html.contains("Pin a dated snapshot such as gpt-4o-mini-2024-07-18."))
        // The obligation checklist: one unmet attribution, the threshold rule of llama3.1.
        #expect(html.occurrences(of: "class=\"check check-bad\"") == 1)
        #expect(html.contains("Monthly active users &gt; 700,000,000"))
        #expect(html.contains("126,000,000"))
        // The expired waiver is marked as such; the other expires in 16 days.
        #expect(html.occurrences(of: "<tr class=\"waiver waiver-expired\"") == 1)
        #expect(html.contains("expired 9 days ago"))
        #expect(html.contains("in 16 days"))
        // Four charts, as inline SVG.
        #expect(html.occurrences(of: "<svg class=\"bars\"") == 3)
        #expect(html.occurrences(of: "<svg class=\"timeline\"") == 1)
    }

    @Test func tagsAreBalanced() throws {
        for language in ComplianceReport.Language.allCases {
            let html = try SampleReport.html(language: language)
            for tag in ["table", "tr", "tbody", "thead", "section", "svg", "ul", "div", "td", "figure", "article", "dl"] {
                #expect(html.occurrences(of: "<\(tag)>") + html.occurrences(of: "<\(tag) ") == html.occurrences(of: "</\(tag)>"), "unbalanced <\(tag)> in \(language)")
            }
        }
    }

    @Test func loadsNothingFromTheNetworkAndRunsNoScript() throws {
        let html = try SampleReport.html().lowercased()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains(" src="))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
        #expect(!html.contains("@font-face"))
        #expect(!html.contains("javascript:"))
        // The only web addresses in attributes are links to licence texts, as plain anchors.
        #expect(html.occurrences(of: "=\"http") == html.occurrences(of: "<a href=\"http"))
        #expect(html.occurrences(of: "<a href=\"http") > 0)
    }

    @Test func escapesEveryText() throws {
        var usages = SampleReport.usages
        usages[0].model = "<script>alert('x')</script>"
        usages[1].deployment = "Deployment a&b/\"quoted\""
        var findings = SampleReport.findings
        findings[0].message = "model <img src=x onerror=alert(1)> is bad"
        let html = try SampleReport.html(SampleReport.make(usages: usages, findings: findings))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("Deployment a&amp;b/&quot;quoted&quot;"))
        #expect(!html.contains("<img"))
        #expect(html.contains("model &lt;img src=x onerror=alert(1)&gt; is bad"))
        #expect(HTMLReportWriter.escape("a\u{0}b\u{1B}c") == "a\u{FFFD}b\u{FFFD}c")
    }

    @Test func koreanReportUsesKoreanWords() throws {
        let html = try SampleReport.html(language: .ko)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"ko\">"))
        for text in ["AI 모델 컴플라이언스 보고서", "모델 인벤토리", "라이선스 의무 점검", "위반 사항", "예외(웨이버)", "스캔 이력", "외부 API", "자체 호스팅",
                     "미해결", "해결됨", "충족", "미충족", "2026년 11월 29일", "2026년 11월 1일 ~ 2026년 11월 29일", "월간 활성 사용자(MAU) 700,000,000 초과",
                     "9일 전 만료", "16일 남음", "대외비"] {
            #expect(html.contains(text), "missing \(text)")
        }
        for english in ["Model inventory", "Licence obligations", "Scan history", "Self-hosted", "Open findings", "No longer in use", "Remediation"] {
            #expect(!html.contains(english), "English left in the Korean report: \(english)")
        }
        // Identifiers stay as they are.
        #expect(html.contains("meta-llama/Llama-3.1-70B-Instruct"))
        #expect(html.contains("k8s/shop/recommendations.yaml:41"))
        #expect(html.contains("llama3.1"))
    }

    @Test func sameReportSameBytes() throws {
        for language in ComplianceReport.Language.allCases {
            #expect(try SampleReport.html(language: language) == SampleReport.html(language: language))
        }
    }

    @Test func streamsEachListOnceRowByRow() throws {
        final class Reads: @unchecked Sendable {
            var usages = 0
            var findings = 0
        }
        let reads = Reads()
        let rows = 20_000
        var report = SampleReport.make()
        let template = SampleReport.usages[0]
        report.usages = RowStream { body in
            reads.usages += 1
            for index in 0..<rows {
                var usage = template
                usage.line = index + 1
                usage.active = index < rows / 2
                try body(usage)
            }
        }
        let findings = SampleReport.findings
        report.findings = RowStream { body in
            reads.findings += 1
            for finding in findings { try body(finding) }
        }
        var sink = CountingSink()
        try HTMLReportWriter().write(report, language: .en, to: &sink)
        #expect(reads.usages == 1)
        #expect(reads.findings == 1)
        #expect(sink.writes > rows / 2)
        var text = StringSink()
        try HTMLReportWriter().write(report, language: .en, to: &text)
        #expect(text.text.occurrences(of: "<tr class=\"usage\">") == rows / 2)
        // Retired usages beyond the page's limit are counted, not listed.
        #expect(text.text.occurrences(of: "<tr class=\"usage gone\">") == HTMLReportWriter.retiredRowLimit)
        #expect(text.text.includes("9,000 earlier usages that are no longer in use are not listed here"))
    }

    @Test func emptyReportSaysSo() throws {
        var report = SampleReport.make(usages: [], findings: [])
        report.licenses = []
        report.externalServices = []
        report.waivers = []
        report.scans = []
        report.findingsOverTime = []
        report.byHosting = []
        report.byVendor = []
        report.byLicenseKind = []
        report.since = nil
        report.until = nil
        report.source = "scan"
        let s = ReportStrings.en
        let html = try SampleReport.html(report)
        for text in [s.noUsages, s.noFindings, s.noLicenses, s.noExternalAPIs, s.noWaivers, s.noScans, s.noData, "As of 29 Nov 2026", s.sourceScan] {
            #expect(html.contains(HTMLReportWriter.escape(text)), "missing \(text)")
        }
        #expect(html.occurrences(of: "<table") == html.occurrences(of: "</table>"))
        #expect(html.occurrences(of: "<tr class=\"usage") == 0)
    }

    @Test func openFindingsAreAlwaysAccountedFor() throws {
        let closed = SampleReport.findings.filter { $0.status != "open" }
        var report = SampleReport.make(findings: closed)
        report.summary.openErrors = 0
        report.summary.openWarnings = 0
        report.summary.openInfo = 0
        let html = try SampleReport.html(report)
        #expect(html.contains(ReportStrings.en.noOpenFindings))
        #expect(html.contains("Open (0)"))
        #expect(html.contains("Waived (2)"))
        #expect(html.contains("Resolved (2)"))
    }

    @Test func numbersAndDatesFollowTheLanguage() {
        let en = ReportStrings.for(.en), ko = ReportStrings.for(.ko)
        #expect(en.number(1_234_567) == "1,234,567")
        #expect(ko.number(1_000) == "1,000")
        #expect(en.number(999) == "999")
        #expect(en.number(-1_500) == "-1,500")
        #expect(en.date("2026-11-29") == "29 Nov 2026")
        #expect(ko.date("2026-11-29T08:00:00.000Z") == "2026년 11월 29일")
        #expect(en.dateTime("2026-11-29T09:30:00.000+09:00") == "29 Nov 2026, 09:30 UTC+09:00")
        #expect(ko.dateTime("2026-11-29T09:30:00Z") == "2026년 11월 29일 09:30 (UTC)")
        #expect(en.date("not a date") == "not a date")
        #expect(ko.period(since: nil, until: nil) == "전체 기록")
        #expect(ko.days(3) == "3일")
        #expect(en.days(1) == "1 day")
    }

    @Test func exampleEstateReport() throws {
        let result = Auditor(policy: Shipped.estate, today: Shipped.today).audit(paths: [Paths.deployments])
        let report = ReportBuilder(policy: Shipped.estate, toolVersion: "test", generatedAt: "2026-11-29T09:30:00Z").report(from: result)
        for language in ComplianceReport.Language.allCases {
            let html = try SampleReport.html(report, language: language)
            #expect(html.occurrences(of: "<tr class=\"usage") == report.summary.usages)
            #expect(html.occurrences(of: "<table") == html.occurrences(of: "</table>"))
            #expect(html.occurrences(of: "<tr") == html.occurrences(of: "</tr>"))
            if let target = ProcessInfo.processInfo.environment["MODELWARDEN_HTML_PREVIEW"], target.hasSuffix(".html") {
                let stem = String(target.dropLast(5))
                let base = stem.hasSuffix("-en") ? String(stem.dropLast(3)) : stem
                try html.write(toFile: "\(base)-estate-\(language.rawValue).html", atomically: true, encoding: .utf8)
            }
        }
    }

    /// Writes the sample report in both languages for a look in a browser:
    /// `MODELWARDEN_HTML_PREVIEW=/tmp/report-en.html swift test --filter HTMLReportTests` writes /tmp/report-en.html and
    /// /tmp/report-ko.html (a folder writes report-en.html and report-ko.html into it).
    @Test func writesPreviewWhenAsked() throws {
        guard let target = ProcessInfo.processInfo.environment["MODELWARDEN_HTML_PREVIEW"], !target.isEmpty else { return }
        for language in ComplianceReport.Language.allCases {
            let path: String
            if target.hasSuffix(".html") {
                let stem = String(target.dropLast(5))
                let base = stem.hasSuffix("-en") ? String(stem.dropLast(3)) : stem
                path = "\(base)-\(language.rawValue).html"
            } else {
                path = URL(fileURLWithPath: target).appendingPathComponent("report-\(language.rawValue).html").path
            }
            try SampleReport.html(language: language).write(toFile: path, atomically: true, encoding: .utf8)
            // A longer history too: 60 days of findings, 14 vendors (the chart keeps ten and sums the rest).
            var long = SampleReport.make()
            long.findingsOverTime = (0..<60).map { index in
                ComplianceReport.DayCount(day: SampleReport.day("2026-10-01", plus: index), error: 12 - index / 6, warning: 20 - index / 4, info: 3 + index % 4)
            }
            long.byVendor = (0..<14).map { ComplianceReport.Slice(label: "vendor-\($0 + 1)", count: 140 - $0 * 9) }
            let longPath = path.replacingOccurrences(of: ".html", with: "-long.html")
            try SampleReport.html(long, language: language).write(toFile: longPath, atomically: true, encoding: .utf8)
        }
    }
}

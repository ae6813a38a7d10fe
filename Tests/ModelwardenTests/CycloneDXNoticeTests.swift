import Foundation
import ModelwardenCore
@testable import ModelwardenReports
import Testing

/// The CycloneDX ML-BOM and NOTICE report writers, over a report built by hand.
@Suite struct CycloneDXNoticeTests {
    static let validator = Paths.shared.appendingPathComponent("tools/validate-schema").path
    static let spdxSchema = Paths.shared.appendingPathComponent("schemas/spdx.SNAPSHOT.schema.json").path

    static let llamaModel = "meta-llama/Llama-3.1-8B-Instruct"
    static let mistralModel = "mistralai/Mistral-7B-Instruct-v0.3"
    static let unknownModel = "acme/in-house-13b"
    static let leakedKey = "sk-proj-AbCdEf0123456789xyz"

    /// A Llama 3.1 self-hosted model, a Mistral 7B (Apache-2.0), GPT-4o through OpenAI from a confidential deployment,
    /// a model of unknown licence, a retired usage, a row without a model and a key pasted where a model goes.
    static func sampleReport(organization: String = "Northwind Freight", extraModel: String? = nil) -> ComplianceReport {
        let catalog = Shipped.policy.catalog
        typealias Use = ComplianceReport.LicenseInUse.Use
        func usage(_ deployment: String, _ model: String?, vendor: String, family: String, license: String, kind: String?, hosting: String,
                   runtime: String? = nil, api: String? = nil, line: Int, active: Bool = true) -> ComplianceReport.UsageRecord {
            .init(deployment: deployment, model: model, vendor: vendor, family: family, license: license, licenseKind: kind, hosting: hosting,
                  runtime: runtime, api: api, file: "deploy/\(deployment.split(separator: "/").last!).yaml", line: line,
                  firstSeen: "2026-11-01T08:00:00Z", lastSeen: "2026-11-29T08:00:00Z", active: active)
        }
        var usages = [
            usage("support/chat-assistant", llamaModel, vendor: "meta", family: "llama-3.1", license: "llama3.1", kind: "conditional",
                  hosting: "self-hosted", runtime: "vllm", line: 21),
            usage("search/reranker", mistralModel, vendor: "mistral", family: "mistral-7b", license: "apache-2.0", kind: "permissive",
                  hosting: "self-hosted", runtime: "tgi", line: 14),
            usage("support/chat-assistant-canary", llamaModel, vendor: "meta", family: "llama-3.1", license: "llama3.1", kind: "conditional",
                  hosting: "self-hosted", runtime: "vllm", line: 22),
            usage("billing/invoice-bot", "gpt-4o", vendor: "openai", family: "gpt-4o", license: "openai-api-terms", kind: "commercial-api",
                  hosting: "external-api", api: "openai", line: 9),
            usage("billing/invoice-bot", nil, vendor: "openai", family: "unknown", license: "openai-api-terms", kind: "commercial-api",
                  hosting: "external-api", api: "openai", line: 30),
            usage("lab/experiment", unknownModel, vendor: "unknown", family: "unknown", license: "unknown", kind: nil,
                  hosting: "self-hosted", runtime: "llamacpp", line: 5),
            usage("lab/experiment", leakedKey, vendor: "unknown", family: "unknown", license: "unknown", kind: nil,
                  hosting: "self-hosted", runtime: "llamacpp", line: 6),
            usage("old/retired", "tiiuae/falcon-7b", vendor: "tii", family: "falcon", license: "apache-2.0", kind: "permissive",
                  hosting: "self-hosted", runtime: "tgi", line: 3, active: false),
        ]
        if let extraModel {
            usages.append(usage("lab/extra", extraModel, vendor: "unknown", family: "unknown", license: "unknown", kind: nil,
                                hosting: "self-hosted", runtime: "ollama", line: 1))
        }
        let licenses: [ComplianceReport.LicenseInUse] = [
            .init(license: catalog.licenses["apache-2.0"], id: "apache-2.0", uses: [
                Use(deployment: "search/reranker", models: [mistralModel], product: nil, declaredAttribution: nil, attributionMet: true,
                    monthlyActiveUsers: nil, thresholdExceeded: false),
            ]),
            .init(license: catalog.licenses["llama3.1"], id: "llama3.1", uses: [
                Use(deployment: "support/chat-assistant", models: [llamaModel], product: "Parcel Assistant", declaredAttribution: "Built with Llama",
                    attributionMet: true, monthlyActiveUsers: 120_000, thresholdExceeded: false),
                Use(deployment: "support/chat-assistant-canary", models: [llamaModel], product: "Parcel Assistant", declaredAttribution: nil,
                    attributionMet: false, monthlyActiveUsers: 120_000, thresholdExceeded: false),
            ]),
            .init(license: catalog.licenses["openai-api-terms"], id: "openai-api-terms", uses: [
                Use(deployment: "billing/invoice-bot", models: ["gpt-4o"], product: "Invoicing", declaredAttribution: nil, attributionMet: true,
                    monthlyActiveUsers: nil, thresholdExceeded: false),
            ]),
            .init(license: nil, id: "unknown", uses: [
                Use(deployment: "lab/experiment", models: [unknownModel, leakedKey], product: nil, declaredAttribution: nil, attributionMet: true,
                    monthlyActiveUsers: nil, thresholdExceeded: false),
            ]),
        ]
        let services = [
            ComplianceReport.ExternalService(provider: catalog.providers["openai"], id: "openai", endpoints: ["api.openai.com", "*.openai.azure.com"],
                                             classifications: ["confidential"], deployments: ["billing/invoice-bot"], models: ["gpt-4o"]),
        ]
        let summary = ComplianceReport.Summary(deployments: 5, models: 5, usages: 7, selfHosted: 5, external: 2, openErrors: 1, openWarnings: 2,
                                               openInfo: 0, waived: 0, resolved: 0)
        return ComplianceReport(
            organization: organization, toolVersion: "0.9.0", generatedAt: "2026-11-29T10:00:00Z", since: "2026-11-01", until: "2026-11-29",
            source: "store", summary: summary, byHosting: [], byVendor: [], byLicenseKind: [], findingsOverTime: [], licenses: licenses,
            externalServices: services, waivers: [], scans: [], usages: RowStream(usages), findings: RowStream([]))
    }

    static func render(_ writer: some ComplianceReportWriter, _ report: ComplianceReport = sampleReport(),
                       language: ComplianceReport.Language = .en) throws -> String {
        var sink = StringSink()
        try writer.write(report, language: language, to: &sink)
        return sink.text
    }

    static func bom(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func component(_ bom: [String: Any], named name: String) -> [String: Any]? {
        (bom["components"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    static func license(of component: [String: Any]?) -> [String: Any]? {
        ((component?["licenses"] as? [[String: Any]])?.first?["license"]) as? [String: Any]
    }

    // MARK: - CycloneDX

    @Test(.enabled(if: FileManager.default.fileExists(atPath: validator)))
    func cycloneDXValidatesAgainstTheSchema() throws {
        let text = try Self.render(CycloneDXReportWriter())
        let folder = try TempFolder()
        let file = try folder.write("bom.cdx.json", text)
        let result = try run(Self.validator, ["cyclonedx", file])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("valid"))

        let bom = try Self.bom(text)
        #expect(bom["bomFormat"] as? String == "CycloneDX")
        #expect(bom["specVersion"] as? String == "1.6")
        #expect(bom["version"] as? Int == 1)
        let metadata = try #require(bom["metadata"] as? [String: Any])
        #expect(metadata["timestamp"] as? String == "2026-11-29T10:00:00Z")
        let tools = (metadata["tools"] as? [String: Any])?["components"] as? [[String: Any]]
        #expect(tools?.first?["name"] as? String == "modelwarden")
        #expect(tools?.first?["version"] as? String == "0.9.0")

        // Llama: no SPDX id, the licence by name and URL.
        let llama = Self.component(bom, named: Self.llamaModel)
        #expect(llama?["type"] as? String == "machine-learning-model")
        #expect(llama?["group"] as? String == "meta")
        let llamaLicense = Self.license(of: llama)
        #expect(llamaLicense?["id"] == nil)
        #expect((llamaLicense?["name"] as? String)?.contains("LLAMA 3.1") == true)
        #expect((llamaLicense?["url"] as? String)?.hasPrefix("https://") == true)
        let properties = (llama?["properties"] as? [[String: String]]) ?? []
        #expect(properties.filter { $0["name"] == "modelwarden:deployment" }.compactMap { $0["value"] }
            == ["support/chat-assistant", "support/chat-assistant-canary"])
        #expect(properties.contains { $0["name"] == "modelwarden:runtime" && $0["value"] == "vllm" })
        #expect(properties.contains { $0["name"] == "modelwarden:hosting" && $0["value"] == "self-hosted" })
        #expect(properties.contains { $0["name"] == "modelwarden:family" && $0["value"] == "llama-3.1" })
        #expect(properties.contains { $0["name"] == "modelwarden:license-id" && $0["value"] == "llama3.1" })

        // Mistral: the SPDX id.
        #expect(Self.license(of: Self.component(bom, named: Self.mistralModel))?["id"] as? String == "Apache-2.0")
        // Unknown: a name, never an id.
        let unknown = Self.license(of: Self.component(bom, named: Self.unknownModel))
        #expect(unknown?["name"] as? String == "unknown")
        #expect(unknown?["id"] == nil)
        // GPT-4o is a component too (an API model in use); retired usages and rows without a model are not.
        #expect(Self.component(bom, named: "gpt-4o") != nil)
        #expect(Self.component(bom, named: "tiiuae/falcon-7b") == nil)
        #expect((bom["components"] as? [[String: Any]])?.count == 5)

        // The OpenAI service: URI endpoints (no patterns), outbound confidential data, across the trust boundary.
        let services = try #require(bom["services"] as? [[String: Any]])
        #expect(services.count == 1)
        let openai = services[0]
        #expect(openai["name"] as? String == "OpenAI API")
        #expect((openai["provider"] as? [String: Any])?["name"] as? String == "openai")
        #expect(openai["endpoints"] as? [String] == ["https://api.openai.com"])
        #expect(openai["authenticated"] as? Bool == true)
        #expect(openai["x-trust-boundary"] as? Bool == true)
        let data = try #require(openai["data"] as? [[String: String]])
        #expect(data == [["flow": "outbound", "classification": "confidential"]])
        let serviceProperties = (openai["properties"] as? [[String: String]]) ?? []
        #expect(serviceProperties.contains { $0["name"] == "modelwarden:deployment" && $0["value"] == "billing/invoice-bot" })
        #expect(serviceProperties.contains { $0["name"] == "modelwarden:model" && $0["value"] == "gpt-4o" })

        // Dependencies reference only bom-refs that exist, and the service depends on the model it serves.
        var refs = Set(((bom["components"] as? [[String: Any]]) ?? []).compactMap { $0["bom-ref"] as? String })
        refs.formUnion(services.compactMap { $0["bom-ref"] as? String })
        refs.insert(try #require((metadata["component"] as? [String: Any])?["bom-ref"] as? String))
        let dependencies = try #require(bom["dependencies"] as? [[String: Any]])
        for dependency in dependencies {
            #expect(refs.contains(dependency["ref"] as? String ?? ""))
            for target in dependency["dependsOn"] as? [String] ?? [] { #expect(refs.contains(target)) }
        }
        let gptRef = Self.component(bom, named: "gpt-4o")?["bom-ref"] as? String
        let serviceDependency = dependencies.first { $0["ref"] as? String == openai["bom-ref"] as? String }
        #expect(serviceDependency?["dependsOn"] as? [String] == [gptRef].compactMap { $0 })

        // A key pasted where a model goes never reaches the output.
        #expect(!text.contains("sk-proj"))
    }

    @Test func cycloneDXIsDeterministic() throws {
        let first = try Self.render(CycloneDXReportWriter())
        let second = try Self.render(CycloneDXReportWriter())
        #expect(first == second)

        let serial = try #require(try Self.bom(first)["serialNumber"] as? String)
        #expect(serial.wholeMatch(of: /urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        // A different estate gets a different serial number.
        let other = try Self.render(CycloneDXReportWriter(), Self.sampleReport(extraModel: "qwen2.5:7b"))
        #expect(try Self.bom(other)["serialNumber"] as? String != serial)
    }

    @Test func knownSPDXIdsAreOnTheSPDXList() throws {
        let path = Self.spdxSchema
        guard FileManager.default.fileExists(atPath: path) else { return }
        let schema = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let listed = Set(try #require(schema["enum"] as? [String]))
        #expect(CycloneDXReportWriter.knownSPDX.subtracting(listed).isEmpty)
        // Every SPDX id the shipped catalog uses is written as an id.
        for license in Shipped.policy.catalog.licenses.values {
            if let spdx = license.spdx { #expect(CycloneDXReportWriter.knownSPDX.contains(spdx), "\(license.id): \(spdx)") }
        }
    }

    @Test func cycloneDXWithNothingInUseIsStillWellFormed() throws {
        let empty = ComplianceReport(
            organization: "", toolVersion: "0.9.0", generatedAt: "2026-11-29T10:00:00Z", since: nil, until: nil, source: "scan",
            summary: .init(deployments: 0, models: 0, usages: 0, selfHosted: 0, external: 0, openErrors: 0, openWarnings: 0, openInfo: 0,
                           waived: 0, resolved: 0),
            byHosting: [], byVendor: [], byLicenseKind: [], findingsOverTime: [], licenses: [], externalServices: [], waivers: [], scans: [],
            usages: RowStream([]), findings: RowStream([]))
        let text = try Self.render(CycloneDXReportWriter(), empty)
        let bom = try Self.bom(text)
        #expect((bom["components"] as? [Any])?.isEmpty == true)
        if FileManager.default.fileExists(atPath: Self.validator) {
            let folder = try TempFolder()
            let result = try run(Self.validator, ["cyclonedx", try folder.write("empty.json", text)])
            #expect(result.status == 0, "\(result.stdout)")
        }
    }

    // MARK: - NOTICE

    @Test func noticeListsNoticesAttributionsAndLicences() throws {
        let text = try Self.render(NoticeReportWriter())
        let llamaNotice = try #require(Shipped.policy.catalog.licenses["llama3.1"]?.notice)
        #expect(text.contains("Built with Llama"))
        #expect(text.contains(llamaNotice))
        #expect(text.contains("https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"))
        #expect(text.contains("Product: Parcel Assistant"))
        #expect(text.contains("(no product label)"))

        // Apache-2.0: the standard notice and the Mistral model under it, in the unlabelled product's section.
        let unlabelled = try #require(text.range(of: "(no product label)"))
        let apacheSection = String(text[unlabelled.upperBound...])
        #expect(apacheSection.contains("SPDX Apache-2.0"))
        #expect(apacheSection.contains("Licensed under the Apache License, Version 2.0"))
        #expect(apacheSection.contains(Self.mistralModel))

        // API terms are not a licence to ship: listed only at the end, under services used under API terms.
        let api = try #require(text.range(of: "Services used under API terms"))
        #expect(!text[..<api.lowerBound].contains("openai-api-terms"))
        #expect(text[api.lowerBound...].contains("openai-api-terms"))
        #expect(text[api.lowerBound...].contains("gpt-4o"))
        #expect(!text.contains("Product: Invoicing"))

        // The unknown licence is flagged, and the pasted key never printed.
        #expect(text.contains("Models under an unknown licence"))
        #expect(text.contains(Self.unknownModel))
        #expect(!text.contains("sk-proj"))

        // Deterministic.
        #expect(text == (try Self.render(NoticeReportWriter())))
    }

    @Test func noticeInKoreanKeepsTheLegalTextVerbatim() throws {
        let text = try Self.render(NoticeReportWriter(), language: .ko)
        let llamaNotice = try #require(Shipped.policy.catalog.licenses["llama3.1"]?.notice)
        let heading = try #require(text.split(separator: "\n").first)
        #expect(heading.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) })
        #expect(text.contains("제품: Parcel Assistant"))
        #expect(text.contains("(제품 라벨 없음)"))
        #expect(text.contains("API 약관에 따라 사용하는 서비스"))
        #expect(text.contains(llamaNotice))
        #expect(text.contains("Built with Llama"))
        #expect(text.contains("Licensed under the Apache License, Version 2.0"))
        #expect(!text.contains("Product:"))
    }
}

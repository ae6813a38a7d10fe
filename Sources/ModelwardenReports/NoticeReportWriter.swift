import ModelwardenCore

/// A plain-text NOTICE / attribution file to ship with the products: per product, every model licence in use with
/// its notice lines (verbatim), the attribution to display, the licence text to include and the models and
/// deployments it covers. API terms (`commercial-api`) are not redistributed: they are listed at the end as
/// services used under API terms, followed by any model whose licence is unknown.
///
/// Korean output translates headings and explanations; notice texts, licence names and the standard Apache-2.0 and
/// MIT notices stay verbatim in English, since they are legal text. Products, licences, models and deployments are
/// sorted, so the same report gives the same bytes. Only the aggregates are read; the usage stream is not needed.
public struct NoticeReportWriter: ComplianceReportWriter {
    public init() {}

    /// Standard notices for licences whose catalog entry has no notice of its own, by SPDX id.
    static let standardNotices: [String: [String]] = [
        "Apache-2.0": [
            "Licensed under the Apache License, Version 2.0 (the \"License\"); you may not use this file except in compliance with the License.",
            "You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0",
            "Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on an \"AS IS\" BASIS,",
            "WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the specific language governing",
            "permissions and limitations under the License.",
        ],
        "MIT": [
            "Licensed under the MIT License. The copyright notice and the permission notice of the MIT License shall be included in all",
            "copies or substantial portions of the Software.",
        ],
    ]

    static let rule = String(repeating: "=", count: 72)

    public func write(_ report: ComplianceReport, language: ComplianceReport.Language, to sink: inout some ReportSink) throws {
        let text = Text(language)
        var shipped: [(license: License, uses: [ComplianceReport.LicenseInUse.Use])] = []
        var apiTerms: [ComplianceReport.LicenseInUse] = []
        var unknown: [ComplianceReport.LicenseInUse] = []
        for entry in report.licenses.sorted(by: { $0.id < $1.id }) {
            guard let license = entry.license, entry.id != "unknown" else { unknown.append(entry); continue }
            if license.kind == .commercialAPI { apiTerms.append(entry) } else { shipped.append((license, entry.uses)) }
        }

        try sink.write(text.title + "\n")
        if !report.organization.isEmpty { try sink.write(Self.safe(report.organization) + "\n") }
        try sink.write("\n" + text.intro + "\n")
        try sink.write(text.generated(Self.safe(report.toolVersion), report.generatedAt) + "\n")

        // Products in order, labelled ones first, then the deployments that carry no product label.
        var products = Set<String?>()
        for entry in shipped { for use in entry.uses { products.insert(use.product.flatMap { $0.trimmed.isEmpty ? nil : $0 }) } }
        let ordered = products.compactMap { $0 }.sorted(by: CycloneDXReportWriter.ordered).map(Optional.some)
            + (products.contains(nil) ? [nil] : [])

        if shipped.isEmpty { try sink.write("\n" + text.nothingToShip + "\n") }
        for product in ordered {
            try sink.write("\n" + Self.rule + "\n" + text.product(product.map(Self.safe) ?? text.noProduct) + "\n" + Self.rule + "\n")
            for (license, uses) in shipped {
                let mine = uses.filter { ($0.product.flatMap { $0.trimmed.isEmpty ? nil : $0 }) == product }
                guard !mine.isEmpty else { continue }
                try writeLicense(license, uses: mine, text: text, to: &sink)
            }
        }

        if !apiTerms.isEmpty {
            try sink.write("\n" + Self.rule + "\n" + text.apiHeading + "\n" + Self.rule + "\n\n" + text.apiExplanation + "\n")
            for entry in apiTerms {
                let license = entry.license!
                try sink.write("\n- " + Self.safe(license.name) + " [" + entry.id + "]\n")
                if let url = Self.url(of: license) { try sink.write("  " + text.terms + ": " + url + "\n") }
                try writeCoverage(entry.uses, text: text, to: &sink)
            }
        }

        if !unknown.isEmpty {
            try sink.write("\n" + Self.rule + "\n" + text.unknownHeading + "\n" + Self.rule + "\n\n" + text.unknownExplanation + "\n")
            for entry in unknown {
                try sink.write("\n- " + (entry.id == "unknown" ? text.unknownLicence : Self.safe(entry.id)) + "\n")
                try writeCoverage(entry.uses, text: text, to: &sink)
            }
        }
    }

    func writeLicense(_ license: License, uses: [ComplianceReport.LicenseInUse.Use], text: Text, to sink: inout some ReportSink) throws {
        var heading = Self.safe(license.name) + " [" + license.id
        if let spdx = license.spdx { heading += ", SPDX " + spdx }
        try sink.write("\n" + heading + "]\n")
        if let notice = license.notice?.trimmed, !notice.isEmpty {
            try sink.write("  " + text.notice + ":\n")
            for line in notice.split(separator: "\n", omittingEmptySubsequences: false) { try sink.write("    " + Self.safe(String(line)) + "\n") }
        } else if let spdx = license.spdx, let standard = Self.standardNotices[spdx] {
            try sink.write("  " + text.standardNotice + ":\n")
            for line in standard { try sink.write("    " + line + "\n") }
        }
        if let attribution = license.attribution?.trimmed, !attribution.isEmpty {
            try sink.write("  " + text.attribution + ": " + Self.safe(attribution) + "\n")
        }
        try sink.write("  " + text.licenceText(Self.url(of: license)) + "\n")
        try writeCoverage(uses, text: text, to: &sink)
    }

    func writeCoverage(_ uses: [ComplianceReport.LicenseInUse.Use], text: Text, to sink: inout some ReportSink) throws {
        let models = Self.distinct(uses.flatMap(\.models).map(Self.safe)).sorted(by: CycloneDXReportWriter.ordered)
        let deployments = Self.distinct(uses.map(\.deployment).map(Self.safe)).sorted(by: CycloneDXReportWriter.ordered)
        if !models.isEmpty { try sink.write("  " + text.models + ": " + models.joined(separator: ", ") + "\n") }
        if !deployments.isEmpty { try sink.write("  " + text.deployments + ": " + deployments.joined(separator: ", ") + "\n") }
    }

    static func url(of license: License) -> String? {
        (license.url.map { [$0] } ?? license.sources).map(\.trimmed).first { !$0.isEmpty && !CycloneDXReportWriter.looksKeyed($0) }
    }

    static func safe(_ text: String) -> String { CycloneDXReportWriter.safe(text) }

    static func distinct(_ items: [String]) -> [String] { CycloneDXReportWriter.unique(items.filter { !$0.isEmpty }) }

    /// The words of the file in one language. Legal text never goes through here.
    struct Text {
        let language: ComplianceReport.Language
        init(_ language: ComplianceReport.Language) { self.language = language }
        var ko: Bool { language == .ko }

        var title: String { ko ? "타사 AI 모델 고지 (NOTICE)" : "THIRD-PARTY AI MODEL NOTICES" }
        var intro: String {
            ko ? "이 파일은 아래 제품이 사용하는 타사 AI 모델의 고지, 저작자 표시 및 라이선스를 정리한 것입니다. 각 제품에 이 파일과 여기에 명시된 각 라이선스의 사본을 함께 포함하십시오. 라이선스 고지 문구는 법적 문서이므로 영어 원문 그대로 싣습니다."
               : "This file lists the notices, attributions and licences of the third-party AI models that the products below use. Ship it with each product, together with a copy of each licence it names."
        }
        func generated(_ version: String, _ at: String) -> String {
            ko ? "생성: Modelwarden \(version), \(at)" : "Generated by Modelwarden \(version) at \(at)."
        }
        var nothingToShip: String { ko ? "고지가 필요한 타사 모델 라이선스가 없습니다." : "No third-party model licence in use needs a notice." }
        func product(_ name: String) -> String { ko ? "제품: \(name)" : "Product: \(name)" }
        var noProduct: String { ko ? "(제품 라벨 없음)" : "(no product label)" }
        var notice: String { ko ? "고지 (원문 그대로 유지)" : "Notice (keep verbatim)" }
        var standardNotice: String {
            ko ? "표준 고지 (이 모델과 함께 라이선스 사본을 제공해야 합니다)" : "Standard notice (a copy of the licence must accompany these models)"
        }
        var attribution: String { ko ? "표시해야 할 저작자 표시" : "Attribution to display" }
        func licenceText(_ url: String?) -> String {
            switch (ko, url) {
            case (true, let url?): return "라이선스 원문: 제품과 함께 라이선스 사본을 제공해야 합니다: \(url)"
            case (true, nil): return "라이선스 원문: 제품과 함께 라이선스 사본을 제공해야 합니다 (카탈로그에 URL 없음)"
            case (false, let url?): return "Licence text: ship a copy of the licence with the product: \(url)"
            case (false, nil): return "Licence text: ship a copy of the licence with the product (the catalog has no URL for it)"
            }
        }
        var models: String { ko ? "모델" : "Models" }
        var deployments: String { ko ? "배포" : "Deployments" }
        var terms: String { ko ? "약관" : "Terms" }
        var apiHeading: String { ko ? "API 약관에 따라 사용하는 서비스" : "Services used under API terms" }
        var apiExplanation: String {
            ko ? "아래 모델은 외부 API를 통해 제공자의 서비스 약관에 따라 호출됩니다. API 약관은 재배포 대상이 아니므로 위의 고지에 포함하지 않았습니다."
               : "These models are called through external APIs under the providers' terms of service. API terms are not redistributed, so they are not part of the notices above."
        }
        var unknownHeading: String { ko ? "라이선스를 알 수 없는 모델" : "Models under an unknown licence" }
        var unknownExplanation: String {
            ko ? "제품 출시 전에 각 모델의 라이선스를 확인하십시오. 위의 고지가 완전하지 않을 수 있습니다."
               : "Find each model's licence before shipping: the notices above may not be complete."
        }
        var unknownLicence: String { ko ? "알 수 없는 라이선스" : "unknown licence" }
    }
}

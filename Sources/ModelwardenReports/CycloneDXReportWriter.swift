import ModelwardenCore

/// A CycloneDX 1.6 ML-BOM (JSON) of the estate: one `machine-learning-model` component per distinct model in
/// active use, one service per external model API the organisation sends data to, and the dependencies between
/// the estate, its services and its models.
///
/// The output is deterministic: the serial number is a UUID-shaped hash of the content (no randomness), and every
/// list is sorted, so the same report gives the same bytes. The usages stream is read once; only one aggregate per
/// distinct model is held, and the components are written one by one. Key-shaped strings are never written.
/// The language is ignored: a BOM is machine-readable, and its vocabulary is the specification's.
public struct CycloneDXReportWriter: ComplianceReportWriter {
    public init() {}

    static let schemaURL = "http://cyclonedx.org/schema/bom-1.6.schema.json"
    static let estateRef = "estate"

    /// SPDX identifiers written as `license.id`. The schema only accepts ids from the SPDX list, and a policy set may
    /// carry any text in `spdx`, so an id outside this list is written as a named licence instead (with the id kept
    /// in a property). Every entry is on the SPDX licence list (the tests check it against the schema's copy).
    static let knownSPDX: Set<String> = [
        "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0", "Artistic-2.0", "BSD-2-Clause", "BSD-3-Clause",
        "BSL-1.0", "CC-BY-4.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "CC-BY-SA-4.0",
        "CC-BY-3.0", "CC-BY-NC-3.0", "CC-BY-SA-3.0", "CC-BY-NC-SA-3.0", "CC0-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
        "CDLA-Permissive-1.0", "EPL-2.0", "EUPL-1.2", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
        "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-2.0",
        "ODbL-1.0", "OFL-1.1", "PDDL-1.0", "Unlicense", "UPL-1.0", "WTFPL", "Zlib",
    ]

    public func write(_ report: ComplianceReport, language: ComplianceReport.Language, to sink: inout some ReportSink) throws {
        // One pass over the usages: the distinct models in active use, with everything their component shows.
        var models: [String: ModelAggregate] = [:]
        try report.usages.forEach { usage in
            guard usage.active, let written = usage.model else { return }
            let name = Self.safe(written)
            models[name, default: ModelAggregate(name: name)].add(usage)
        }
        let licenses = Dictionary(report.licenses.compactMap { use in use.license.map { (use.id, $0) } }, uniquingKeysWith: { first, _ in first })
        let modelNames = models.keys.sorted(by: Self.ordered)
        var serviceIDs = Set<String>()
        let services = report.externalServices.sorted { $0.id < $1.id }.filter { serviceIDs.insert($0.id).inserted }

        let serviceRefs = Dictionary(services.map { ($0.id, "service:" + Self.safe($0.id)) }, uniquingKeysWith: { first, _ in first })
        var toolRefs = Set<String>()
        let tools = report.tools.filter { toolRefs.insert(Self.toolRef($0.server)).inserted }

        // The serial number hashes everything the BOM states, so it changes exactly when the content does.
        var hash = ContentHash()
        hash.add(report.organization, report.toolVersion, report.generatedAt, report.since ?? "", report.until ?? "", report.source)
        for name in modelNames { models[name]!.hash(into: &hash) }
        for service in services {
            hash.add("service", service.id)
            hash.add(service.endpoints)
            hash.add(service.classifications)
            hash.add(service.deployments)
            hash.add(service.models)
        }
        for tool in tools { hash.add("tool", Self.toolRef(tool.server), tool.server.url ?? "", tool.server.package ?? "", tool.server.version ?? "", tool.dataClassification ?? "") }

        try sink.write("{\n")
        try sink.write("  \"$schema\": \"\(Self.schemaURL)\",\n")
        try sink.write("  \"bomFormat\": \"CycloneDX\",\n")
        try sink.write("  \"specVersion\": \"1.6\",\n")
        try sink.write("  \"serialNumber\": \"urn:uuid:\(hash.uuid)\",\n")
        try sink.write("  \"version\": 1,\n")
        try sink.write("  \"metadata\": " + Self.nested(metadata(report), level: 1) + ",\n")

        try sink.write("  \"components\": [")
        for (index, name) in modelNames.enumerated() {
            try sink.write((index == 0 ? "\n    " : ",\n    ") + Self.nested(models[name]!.component(licenses: licenses), level: 2))
        }
        try sink.write(modelNames.isEmpty ? "],\n" : "\n  ],\n")

        try sink.write("  \"services\": [")
        let serviceValues = services.map { self.service($0, ref: serviceRefs[$0.id]!) } + tools.map(self.toolService)
        for (index, value) in serviceValues.enumerated() {
            try sink.write((index == 0 ? "\n    " : ",\n    ") + Self.nested(value, level: 2))
        }
        try sink.write(serviceValues.isEmpty ? "],\n" : "\n  ],\n")

        // The estate depends on every model and service; a service depends on the models it serves; models on nothing
        // known (declared, so that their dependencies read as none rather than unknown).
        var dependencies: [JSONValue] = []
        let allRefs = modelNames.map { models[$0]!.ref } + services.map { serviceRefs[$0.id]! } + tools.map { Self.toolRef($0.server) }
        dependencies.append(.object([("ref", .string(Self.estateRef)), ("dependsOn", .array(Self.unique(allRefs).map(JSONValue.string)))]))
        for service in services {
            let served = Self.unique(service.models.map(Self.safe).filter { models[$0] != nil }.sorted(by: Self.ordered).map { models[$0]!.ref })
            dependencies.append(.object([("ref", .string(serviceRefs[service.id]!)), ("dependsOn", .array(served.map(JSONValue.string)))]))
        }
        try sink.write("  \"dependencies\": [")
        for (index, dependency) in dependencies.enumerated() {
            try sink.write((index == 0 ? "\n    " : ",\n    ") + Self.nested(dependency, level: 2))
        }
        for name in modelNames {
            let entry = JSONValue.object([("ref", .string(models[name]!.ref)), ("dependsOn", .array([]))])
            try sink.write(",\n    " + Self.nested(entry, level: 2))
        }
        try sink.write("\n  ]\n}\n")
    }

    // MARK: - Parts

    func metadata(_ report: ComplianceReport) -> JSONValue {
        var period = ""
        if report.since != nil || report.until != nil { period = ", \(report.since ?? "the first scan") to \(report.until ?? "now")" }
        let owner = (report.organization.isEmpty ? "the organisation" : report.organization) + "'s"
        let description = "The AI models that \(owner) deployments run or call, and the external model APIs they send data to"
            + " (Modelwarden, \(report.source == "store" ? "recorded history" : "one-off scan")\(period))."
        var properties: [JSONValue] = [Self.property("modelwarden:source", report.source)]
        if let since = report.since { properties.append(Self.property("modelwarden:since", since)) }
        if let until = report.until { properties.append(Self.property("modelwarden:until", until)) }
        let summary = report.summary
        properties += [
            Self.property("modelwarden:deployments", String(summary.deployments)),
            Self.property("modelwarden:usages", String(summary.usages)),
            Self.property("modelwarden:self-hosted", String(summary.selfHosted)),
            Self.property("modelwarden:external", String(summary.external)),
            Self.property("modelwarden:open-errors", String(summary.openErrors)),
            Self.property("modelwarden:open-warnings", String(summary.openWarnings)),
            Self.property("modelwarden:waived", String(summary.waived)),
        ]
        return .object([
            ("timestamp", .string(report.generatedAt)),
            ("lifecycles", .array([.object([("phase", .string("operations"))])])),
            ("tools", .object([("components", .array([.object([
                ("type", .string("application")),
                ("author", .string("Modelwarden")),
                ("name", .string("modelwarden")),
                ("version", .string(Self.safe(report.toolVersion))),
            ])]))])),
            ("component", .object([
                ("type", .string("platform")),
                ("bom-ref", .string(Self.estateRef)),
                ("name", .string(report.organization.isEmpty ? "AI model estate" : Self.safe(report.organization) + " AI model estate")),
                ("description", .string(Self.safe(description))),
            ])),
            ("properties", .array(properties)),
        ])
    }

    func service(_ service: ComplianceReport.ExternalService, ref: String) -> JSONValue {
        let provider = service.provider
        var pairs: [(String, JSONValue)] = [
            ("bom-ref", .string(ref)),
            ("provider", .object([("name", .string(Self.safe(provider?.vendor ?? provider?.name ?? service.id)))])),
            ("name", .string(Self.safe(provider?.name ?? service.id))),
        ]
        if let summary = provider?.summary { pairs.append(("description", .string(Self.safe(summary)))) }
        var endpoints = service.endpoints.compactMap(Self.endpoint)
        if endpoints.isEmpty { endpoints = (provider?.hosts ?? []).compactMap(Self.endpoint) }
        endpoints = Self.unique(endpoints)
        if !endpoints.isEmpty { pairs.append(("endpoints", .array(endpoints.map(JSONValue.string)))) }
        pairs.append(("authenticated", .bool(true)))
        pairs.append(("x-trust-boundary", .bool(true)))
        pairs.append(("trustZone", .string("external")))
        var classifications = Self.unique(service.classifications.map(Self.safe)).sorted { Self.sensitivity($0) > Self.sensitivity($1) || (Self.sensitivity($0) == Self.sensitivity($1) && $0 < $1) }
        if classifications.isEmpty { classifications = ["unknown"] }
        pairs.append(("data", .array(classifications.map { .object([("flow", .string("outbound")), ("classification", .string($0))]) })))

        var properties: [JSONValue] = [Self.property("modelwarden:provider-id", service.id)]
        if let provider {
            if let license = provider.licenseID { properties.append(Self.property("modelwarden:license-id", license)) }
            properties.append(Self.property("modelwarden:trains-on-api-data", provider.trainsOnAPIData.rawValue))
            if let days = provider.retentionDays { properties.append(Self.property("modelwarden:retention-days", String(days))) }
            properties.append(Self.property("modelwarden:zero-data-retention-available", provider.zeroDataRetentionAvailable ? "true" : "false"))
        }
        for deployment in Self.unique(service.deployments.map(Self.safe)).sorted() { properties.append(Self.property("modelwarden:deployment", deployment)) }
        for model in Self.unique(service.models.map(Self.safe)).sorted(by: Self.ordered) { properties.append(Self.property("modelwarden:model", model)) }
        pairs.append(("properties", .array(properties)))
        return .object(pairs)
    }

    /// An MCP server as a service: a remote one has its endpoint and crosses a trust boundary unless it is on loopback;
    /// a local one runs a package on the agent's machine. Its data flows both ways with the classification of what
    /// wires it in.
    func toolService(_ tool: ResolvedToolServer) -> JSONValue {
        let server = tool.server
        var pairs: [(String, JSONValue)] = [
            ("bom-ref", .string(Self.toolRef(server))),
            ("name", .string(Self.safe(server.name))),
        ]
        if server.pinned, let version = server.version { pairs.append(("version", .string(Self.safe(version)))) }
        let what = server.url != nil ? "remote MCP server" : "MCP server launched with \(server.launcher ?? "a binary")"
        pairs.append(("description", .string(Self.safe("\(what), configured for \(server.client) in \(server.location)"))))
        if let url = server.url, let endpoint = Self.endpoint(url) { pairs.append(("endpoints", .array([.string(endpoint)]))) }
        pairs.append(("authenticated", .bool(!server.auth.isEmpty)))
        let crosses = server.isRemote && server.hostScope != .loopback
        pairs.append(("x-trust-boundary", .bool(crosses)))
        pairs.append(("trustZone", .string(server.isRemote ? (server.hostScope?.rawValue ?? "unknown") : "local")))
        pairs.append(("data", .array([.object([("flow", .string("bi-directional")), ("classification", .string(tool.dataClassification ?? "unknown"))])])))
        var properties: [JSONValue] = [
            Self.property("modelwarden:kind", "mcp-server"),
            Self.property("modelwarden:client", server.client),
            Self.property("modelwarden:transport", server.transport.rawValue),
            Self.property("modelwarden:file", server.location.description),
            Self.property("modelwarden:enabled", server.enabled ? "true" : "false"),
        ]
        if let launcher = server.launcher { properties.append(Self.property("modelwarden:launcher", launcher)) }
        if let package = server.package {
            properties.append(Self.property("modelwarden:package", package))
            properties.append(Self.property("modelwarden:pinned", server.pinned ? "true" : "false"))
        }
        if let version = server.version { properties.append(Self.property("modelwarden:package-version", version)) }
        for auth in server.auth { properties.append(Self.property("modelwarden:auth", auth)) }
        for name in server.env { properties.append(Self.property("modelwarden:env", name)) }
        if let by = tool.classifiedBy { properties.append(Self.property("modelwarden:classified-by", by)) }
        pairs.append(("properties", .array(properties)))
        return .object(pairs)
    }

    /// One reference per server: its file and key.
    static func toolRef(_ server: ToolServer) -> String {
        "mcp:" + safe(server.location.file) + "#" + safe(server.name)
    }

    // MARK: - Helpers

    /// A host or URL as an endpoint URI: hosts get `https://`; patterns (`*`) and anything carrying a key are dropped.
    static func endpoint(_ text: String) -> String? {
        let text = text.trimmed
        guard !text.isEmpty, !text.includes("*"), !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return nil }
        let pieces = text.split(whereSeparator: { "/?&=:@#;,".contains($0) })
        if pieces.contains(where: { Secrets.looksLikeKey(String($0)) }) { return nil }
        return text.includes("://") ? text : "https://" + text
    }

    /// Text with any key-shaped string replaced.
    static func safe(_ text: String) -> String {
        if Secrets.looksLikeKey(text) { return Secrets.redacted }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count > 1, words.contains(where: { Secrets.looksLikeKey(String($0)) }) else { return text }
        return words.map { Secrets.looksLikeKey(String($0)) ? Secrets.redacted : String($0) }.joined(separator: " ")
    }

    static func property(_ name: String, _ value: String) -> JSONValue {
        .object([("name", .string(name)), ("value", .string(safe(value)))])
    }

    /// Case-insensitive order with a case-sensitive tie-break, so the order is total and stable.
    static func ordered(_ a: String, _ b: String) -> Bool {
        let (la, lb) = (a.lowercased(), b.lowercased())
        return la != lb ? la < lb : a < b
    }

    static func sensitivity(_ classification: String) -> Int {
        ["public": 1, "internal": 2, "confidential": 3, "restricted": 4][classification] ?? 0
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// A value serialised for a place `level` indentation steps deep (JSON strings hold no raw line breaks).
    static func nested(_ value: JSONValue, level: Int) -> String {
        let pad = "\n" + String(repeating: "  ", count: level)
        var out = ""
        for character in value.serialized() {
            if character == "\n" { out += pad } else { out.append(character) }
        }
        return out
    }

    /// The licence entries of one component: SPDX id where the catalog has a listed one, else the licence's name
    /// and URL; `unknown` as a name, never as an id.
    static func licenseEntry(id: String, license: License?) -> JSONValue {
        guard let license, id != "unknown" else {
            let name = id == "unknown" || id.isEmpty ? "unknown" : safe(id)
            return .object([("license", .object([("name", .string(name))]))])
        }
        if let spdx = license.spdx, knownSPDX.contains(spdx) {
            return .object([("license", .object([("id", .string(spdx))]))])
        }
        var pairs: [(String, JSONValue)] = [("name", .string(safe(license.name)))]
        if let url = (license.url.map { [$0] } ?? license.sources).compactMap(licenseURL).first { pairs.append(("url", .string(url))) }
        return .object([("license", .object(pairs))])
    }

    static func licenseURL(_ text: String) -> String? {
        let text = text.trimmed
        guard text.includes("://"), !text.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" }), !looksKeyed(text) else { return nil }
        return text
    }

    static func looksKeyed(_ text: String) -> Bool {
        text.split(whereSeparator: { "/?&=:@#;,".contains($0) }).contains { Secrets.looksLikeKey(String($0)) }
    }
}

extension CycloneDXReportWriter {
    /// Everything one model's component shows, gathered from its active usages.
    struct ModelAggregate {
        var name: String
        var vendors: Set<String> = []
        var families: Set<String> = []
        var licenses: Set<String> = []
        var licenseKinds: Set<String> = []
        var hostings: Set<String> = []
        var runtimes: Set<String> = []
        var apis: Set<String> = []
        var deployments: Set<String> = []

        init(name: String) { self.name = name }

        var ref: String { "model:" + name }

        mutating func add(_ usage: ComplianceReport.UsageRecord) {
            vendors.insert(usage.vendor)
            families.insert(usage.family)
            licenses.insert(usage.license)
            if let kind = usage.licenseKind { licenseKinds.insert(kind) }
            hostings.insert(usage.hosting)
            if let runtime = usage.runtime { runtimes.insert(runtime) }
            if let api = usage.api { apis.insert(api) }
            deployments.insert(usage.deployment)
        }

        func hash(into hash: inout ContentHash) {
            hash.add("model", name)
            for set in [vendors, families, licenses, licenseKinds, hostings, runtimes, apis, deployments] { hash.add(set.sorted()) }
        }

        func component(licenses catalog: [String: License]) -> JSONValue {
            typealias W = CycloneDXReportWriter
            var pairs: [(String, JSONValue)] = [("type", .string("machine-learning-model")), ("bom-ref", .string(ref))]
            let knownVendors = vendors.filter { !$0.isEmpty && $0 != "unknown" }.sorted()
            if let vendor = knownVendors.first { pairs.append(("group", .string(W.safe(vendor)))) }
            pairs.append(("name", .string(name)))
            let licenseIDs = licenses.sorted()
            let entries = licenseIDs.map { W.licenseEntry(id: $0, license: catalog[$0]) }
            // The schema wants each entry once (a name may repeat when two unknown spellings meet).
            var seen = Set<String>()
            let distinct = entries.filter { seen.insert($0.serialized(indent: nil)).inserted }
            if !distinct.isEmpty { pairs.append(("licenses", .array(distinct))) }

            var properties: [JSONValue] = []
            func add(_ key: String, _ values: Set<String>) {
                for value in values.filter({ !$0.isEmpty }).sorted() { properties.append(W.property("modelwarden:" + key, value)) }
            }
            add("hosting", hostings)
            add("runtime", runtimes)
            add("api", apis)
            add("vendor", Set(knownVendors.dropFirst()))
            add("family", families)
            add("license-id", Set(licenseIDs))
            add("license-kind", licenseKinds)
            for id in licenseIDs {
                if let spdx = catalog[id]?.spdx, !W.knownSPDX.contains(spdx) { properties.append(W.property("modelwarden:license-spdx", spdx)) }
            }
            add("deployment", deployments)
            pairs.append(("properties", .array(properties)))
            return .object(pairs)
        }
    }

    /// A 128-bit FNV-1a hash (two 64-bit lanes with different offsets) shaped as an RFC 4122 name-based UUID.
    struct ContentHash {
        private var high: UInt64 = 0xcbf2_9ce4_8422_2325
        private var low: UInt64 = 0x8422_2325_cbf2_9ce4
        private static let prime: UInt64 = 0x0000_0100_0000_01b3

        mutating func add(_ texts: String...) { add(texts) }

        mutating func add(_ texts: [String]) {
            for text in texts {
                for byte in text.utf8 { mix(byte) }
                mix(0x1f)  // a separator no text contains, so ["ab", "c"] and ["a", "bc"] differ
            }
            mix(0x1e)
        }

        private mutating func mix(_ byte: UInt8) {
            high = (high ^ UInt64(byte)) &* Self.prime
            low = (low ^ UInt64(byte ^ 0x5a)) &* Self.prime
        }

        var uuid: String {
            // Version 5 (name-based) and the RFC 4122 variant.
            let high = (self.high & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_5000
            let low = (self.low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
            let hex = Self.hex(high, 16) + Self.hex(low, 16)
            let chars = Array(hex)
            func part(_ from: Int, _ count: Int) -> String { String(chars[from..<(from + count)]) }
            return [part(0, 8), part(8, 4), part(12, 4), part(16, 4), part(20, 12)].joined(separator: "-")
        }

        private static func hex(_ value: UInt64, _ width: Int) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: width - digits.count) + digits
        }
    }
}

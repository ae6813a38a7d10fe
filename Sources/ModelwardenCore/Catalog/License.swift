import Foundation

/// A licence or a set of API terms, with what it demands.
public struct License: Sendable, Hashable {
    /// Whether a licence name as a model file writes it (`llama3.1`, `Apache-2.0`, `other/qwen`, `other`) is this
    /// licence: its id, Hugging Face id or SPDX id, case-insensitively.
    public func isNamed(_ declared: String) -> Bool {
        let name = declared.lowercased().trimmingCharacters(in: .whitespaces)
        let names = [id, hfID, spdx].compactMap { $0?.lowercased() }
        return names.contains(name) || names.contains("other/" + name) || names.contains { $0.hasPrefix("other/") && $0.dropFirst(6) == name }
    }

    public enum Kind: String, Sendable, CaseIterable {
        case permissive, conditional
        case nonCommercial = "non-commercial"
        case researchOnly = "research-only"
        case commercialAPI = "commercial-api"
    }

    public struct Threshold: Sendable, Hashable {
        public var metric: String
        public var value: Int
        public var comparison: String
        public var measuredAt: String?
        public var consequence: String?
    }

    public var id: String
    public var name: String
    public var spdx: String?
    public var hfID: String?
    public var kind: Kind
    public var url: String?
    public var obligations: [String]
    public var restrictions: [String]
    public var thresholds: [Threshold]
    public var attribution: String?
    public var notice: String?
    public var namePrefix: String?
    public var euMultimodalRestriction: Bool
    public var confidence: String?
    public var notes: String?
    public var sources: [String]
    public var asOf: PolicyDate?
    public var file: String

    /// The monthly-active-user threshold, if the licence has one.
    public var monthlyActiveUserThreshold: Int? {
        thresholds.first { $0.metric == "monthly-active-users" }?.value
    }
}

/// An external model API: how to recognise it and what it does with the data sent to it.
public struct Provider: Sendable, Hashable {
    public enum Training: String, Sendable, CaseIterable {
        case no, yes
        case dependsOnTier = "depends-on-tier"
    }

    public var id: String
    public var name: String
    public var vendor: String?
    public var licenseID: String?
    public var hosts: [String]
    public var envVars: [String]
    public var prefixes: [String]
    /// Model ids that only this provider serves, as case-insensitive regexes over the normalised id.
    public var modelIDs: [CatalogPattern] = []
    public var trainsOnAPIData: Training
    public var retentionDays: Int?
    public var zeroDataRetentionAvailable: Bool
    public var summary: String?
    public var notes: String?
    public var sources: [String]
    public var asOf: PolicyDate?
    public var file: String

    public static func == (a: Provider, b: Provider) -> Bool {
        a.id == b.id && a.file == b.file && a.licenseID == b.licenseID && a.hosts == b.hosts && a.envVars == b.envVars
            && a.prefixes == b.prefixes && a.modelIDs.map(\.source) == b.modelIDs.map(\.source)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(file)
    }

    /// Whether a model id (normalised) is one only this provider serves.
    public func serves(normalized id: String) -> Bool {
        let range = NSRange(id.startIndex..., in: id)
        return modelIDs.contains { $0.regex.firstMatch(in: id, range: range) != nil }
    }

    /// The maker of the models this API serves when it serves only its own (openai, anthropic), else nil.
    public var modelVendor: String? {
        switch id {
        case "openai", "azure-openai": return "openai"
        case "anthropic": return "anthropic"
        case "google-gemini-api", "google-vertex-ai": return "google"
        case "mistral": return "mistral"
        case "cohere": return "cohere"
        default: return nil
        }
    }

    /// Whether a host name belongs to this provider (`*.openai.azure.com`, `bedrock-runtime.*.amazonaws.com`).
    public func matches(host: String) -> Bool {
        let host = host.lowercased()
        return hosts.contains { hostPattern($0, matches: host) }
    }
}

func hostPattern(_ pattern: String, matches host: String) -> Bool {
    let pattern = pattern.lowercased()
    if !pattern.includes("*") { return pattern == host }
    if pattern.hasPrefix("*."), !pattern.dropFirst(2).contains("*") {
        let suffix = pattern.dropFirst(1)
        return host.hasSuffix(suffix)
    }
    // A `*` stands for one or more characters of a label (regions, resource names).
    let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
    var rest = Substring(host)
    for (index, piece) in pieces.enumerated() {
        if index == 0 {
            guard rest.hasPrefix(piece) else { return false }
            rest = rest.dropFirst(piece.count)
        } else if index == pieces.count - 1 {
            return rest.count > piece.count && rest.hasSuffix(piece) && !rest.dropLast(piece.count).isEmpty
        } else {
            guard let range = rest.dropFirst().range(of: piece) else { return false }
            rest = rest[range.upperBound...]
        }
    }
    return rest.isEmpty
}

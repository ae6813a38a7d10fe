import Foundation
import Synchronization

/// Licences, model families and providers of a policy set, with lookups for scanners and the resolver.
public final class Catalog: Sendable {
    public let licenses: [String: License]
    public let providers: [String: Provider]
    public let models: [ModelEntry]
    private let providersByEnvVar: [String: String]
    private let prefixes: [(prefix: String, provider: String)]
    private let cache = Mutex<[String: ModelMatch?]>([:])
    private let hostCache = Mutex<[String: String?]>([:])
    /// `provider(servingOnly:)` by normalised id: every usage asks, and an estate names few distinct models.
    private let servingCache = Mutex<[String: Provider?]>([:])
    private let providersInOrder: [Provider]

    /// Repository owners (`meta-llama`, `facebook`, `Qwen`) and the vendor that publishes under each, lower-cased.
    public let organizations: [String: String]
    /// Vendor ids in name order, for owners named after one (`deepseek-ai`).
    private let vendors: [String]

    public init(licenses: [License], providers: [Provider], models: [ModelEntry], organizations: [String: String] = [:]) {
        self.organizations = organizations
        vendors = Set(models.map(\.vendor)).sorted()
        self.licenses = Dictionary(licenses.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.providers = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.models = models
        var byEnv: [String: String] = [:]
        for provider in providers.sorted(by: { $0.id < $1.id }) {
            for name in provider.envVars where byEnv[name] == nil { byEnv[name] = provider.id }
        }
        providersByEnvVar = byEnv
        providersInOrder = providers.sorted { $0.id < $1.id }
        var allPrefixes: [(prefix: String, provider: String)] = []
        for provider in providers {
            for prefix in provider.prefixes { allPrefixes.append((prefix.lowercased(), provider.id)) }
        }
        // Longest prefix first, so `bedrock/converse/` wins over `bedrock/`.
        prefixes = allPrefixes.sorted { a, b in
            a.prefix.count != b.prefix.count ? a.prefix.count > b.prefix.count : a.prefix < b.prefix
        }
    }

    /// The publisher of a model the catalog does not know, from its repository owner (`speakleash/Bielik-11B` is
    /// SpeakLeash's): the owner's listed vendor, a known vendor the owner is named after (`deepseek-ai`, `mistralai`),
    /// else the owner itself. Identity only: the licence stays unknown.
    public func publisher(ofRepository reference: String) -> String? {
        let parts = Catalog.normalize(reference).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let owner = parts.first.map(String.init), !owner.isEmpty, !parts[1].isEmpty,
              // A registry (`nvcr.io`, `hf.co`), a placeholder or a server's route prefix (`ollama/`) is not an owner.
              owner.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), owner.contains(where: \.isLetter),
              parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }),
              !Catalog.routePrefixes.contains(owner)
        else { return nil }
        if let vendor = organizations[owner] { return vendor }
        if let vendor = vendors.first(where: { owner == $0 || owner == $0 + "ai" || owner.hasPrefix($0 + "-") }) { return vendor }
        return owner
    }

    /// Prefixes that say where a request goes, not who made the model (LiteLLM, Ollama, local stores).
    static let routePrefixes: Set<String> = ["ollama", "vllm", "openai", "local", "models", "model", "library", "huggingface", "hf",
                                             "llamafile", "lmstudio", "sagemaker", "bedrock", "azure", "vertex", "tgi", "sglang"]

    /// Lower-cased, `_` and spaces as `-`, URI schemes of model stores removed.
    public static func normalize(_ reference: String) -> String {
        var text = reference.trimmed.lowercased()
        for scheme in ["hf://", "huggingface://", "ollama://", "pvc://", "s3://", "gs://", "oci://", "file://"] where text.hasPrefix(scheme) {
            text.removeFirst(scheme.count)
        }
        return dashingSeparators(text)
    }

    /// `_` and spaces as `-`. ASCII text (nearly every reference, and every usage is normalised several times) is
    /// rewritten on its bytes; other text Character by Character.
    static func dashingSeparators(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.map { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: " ") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
        }
        return dashingSeparatorsByCharacter(text)
    }

    static func dashingSeparatorsByCharacter(_ text: String) -> String {
        String(text.map { $0 == "_" || $0 == " " ? "-" : $0 })
    }

    /// The catalog entry for a model reference: the longest pattern match wins, then load order.
    public func match(_ reference: String) -> ModelMatch? {
        let normalized = Catalog.normalize(reference)
        if let cached = cache.withLock({ $0[normalized] }) { return cached }
        let result = computeMatch(normalized)
        cache.withLock { $0[normalized] = result }
        return result
    }

    private func computeMatch(_ normalized: String) -> ModelMatch? {
        let range = NSRange(normalized.startIndex..., in: normalized)
        var best: (entry: ModelEntry, pattern: String, length: Int, text: String, point: String?)?
        for entry in models {
            for pattern in entry.patterns {
                let source = pattern.source
                guard let found = pattern.regex.firstMatch(in: normalized, range: range), found.range.length > 0 else { continue }
                if best == nil || found.range.length > best!.length {
                    let text = (normalized as NSString).substring(with: found.range)
                    // A `(?<point>...)` group captures a point release that the family reports (`gpt-5` + `.4`).
                    var point: String?
                    if source.contains("(?<point>"), case let pointRange = found.range(withName: "point"), pointRange.location != NSNotFound {
                        point = (normalized as NSString).substring(with: pointRange)
                    }
                    best = (entry, source, found.range.length, text, point)
                }
            }
        }
        guard let best else { return nil }
        let checkpoint = best.entry.checkpoints.first { $0.match.firstMatch(in: normalized, range: range) != nil }
        return ModelMatch(model: best.entry, normalized: normalized, pattern: best.pattern, matchedText: best.text, checkpoint: checkpoint,
                          pointRelease: best.point)
    }

    public func provider(forEnvVar name: String) -> Provider? {
        providersByEnvVar[name].flatMap { providers[$0] }
    }

    public func provider(forHost host: String) -> Provider? {
        if let cached = hostCache.withLock({ $0[host] }) { return cached.flatMap { providers[$0] } }
        let found = providersInOrder.first { $0.matches(host: host) }
        hostCache.withLock { $0[host] = .some(found?.id) }
        return found
    }

    /// The provider named by a model string's prefix (`bedrock/`, `anthropic/`), with the rest of the string.
    public func provider(forPrefixOf model: String) -> (provider: Provider, rest: String)? {
        let lower = model.lowercased()
        for (prefix, id) in prefixes where lower.hasPrefix(prefix) {
            guard let provider = providers[id] else { continue }
            return (provider, String(model.dropFirst(prefix.count)))
        }
        return nil
    }

    /// The provider that alone can serve a model id written without a prefix: a Bedrock model id or inference
    /// profile (`us.anthropic.claude-3-5-sonnet-20241022-v2:0`), a Vertex name (`claude-3-5-sonnet-v2@20241022`,
    /// `publishers/google/models/gemini-1.5-pro`), an Azure-only spelling (`gpt-35-turbo`). First by provider id.
    public func provider(servingOnly model: String) -> Provider? {
        let normalized = Catalog.normalize(model)
        if let cached = servingCache.withLock({ $0[normalized] }) { return cached }
        let found = providersInOrder.first { $0.serves(normalized: normalized) }
        servingCache.withLock { $0[normalized] = .some(found) }
        return found
    }

    /// Every environment variable name that some provider is known by.
    public var providerEnvVarNames: Set<String> { Set(providersByEnvVar.keys) }
}

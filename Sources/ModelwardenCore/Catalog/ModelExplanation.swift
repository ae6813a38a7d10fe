import Foundation

/// What the catalog concludes about one model id, and the chain of links that led there: the id as written, a
/// provider prefix or a packaging suffix removed, what the model file itself declares, the catalog entry, its base
/// models, and the licence. `modelwarden explain` prints it as text or JSON.
public struct ModelExplanation: Sendable, Codable {
    /// One step from a name to the next, and what justified it.
    public struct Link: Sendable, Codable, Hashable {
        public var model: String
        /// `as written`, `name pattern`, `model card base_model:`, `GGUF metadata`, `catalog pattern`, `catalog base_model`, ...
        public var via: String
        public var detail: String?

        public init(model: String, via: String, detail: String? = nil) {
            self.model = model
            self.via = via
            self.detail = detail
        }
    }

    public var model: String
    public var normalized: String
    public var provider: String?
    /// How the provider was found: `prefix` or `model id` (an id only that provider serves).
    public var providerEvidence: String?
    public var entry: String?
    public var entryFile: String?
    public var vendor: String?
    public var family: String?
    public var openWeights: Bool?
    public var modalities: [String]
    public var pattern: String?
    public var matchedText: String?
    public var checkpoint: String?
    public var checkpointNote: String?
    public var license: String?
    /// Why this licence governs: the entry's licence, a checkpoint's, or the serving provider's terms.
    public var licenseEvidence: String?
    public var declaredLicense: String?
    public var chain: [Link]

    /// Explains a model id; `declared` are links read from the model's own files (name, base model, licence).
    public init(_ written: String, catalog: Catalog, declared: [Link] = [], declaredLicense: String? = nil) {
        model = written
        var lookup = written
        var chain = [Link(model: written, via: "as written")]
        var provider: Provider?
        if let prefixed = catalog.provider(forPrefixOf: written) {
            provider = prefixed.provider
            providerEvidence = "prefix"
            lookup = prefixed.rest
            chain.append(Link(model: lookup, via: "provider prefix", detail: "\(prefixed.provider.id) prefix removed"))
        } else if let serving = catalog.provider(servingOnly: written) {
            provider = serving
            providerEvidence = "model id"
        }
        normalized = Catalog.normalize(lookup)
        self.provider = provider?.id
        let stripped = ModelExplanation.packagingRemoved(lookup)
        if let stripped, stripped != lookup {
            chain.append(Link(model: stripped, via: "name pattern", detail: "publisher and quantisation or packaging suffix removed"))
        }
        chain += declared
        // The model's own name first, then the name and base models its files declare.
        let candidates = [lookup] + declared.map(\.model)
        let match = candidates.lazy.compactMap { catalog.match($0) }.first
        modalities = match?.modalities ?? []
        self.declaredLicense = declaredLicense
        guard let match else {
            if let provider, let terms = provider.licenseID {
                license = terms
                licenseEvidence = "terms of \(provider.id)"
                chain.append(Link(model: terms, via: "provider terms", detail: provider.id))
            }
            self.chain = chain
            return
        }
        let entry = match.model
        self.entry = entry.id
        entryFile = entry.file
        vendor = entry.vendor
        family = match.family
        openWeights = entry.openWeights
        pattern = match.pattern
        matchedText = match.matchedText
        checkpoint = match.checkpoint?.pattern
        checkpointNote = match.checkpoint?.note
        chain.append(Link(model: entry.id, via: "catalog pattern", detail: "'\(match.pattern)' matched '\(match.matchedText)' in \(entry.file)"))
        var base = entry.baseModel
        var seen: Set<String> = [entry.id]
        while let id = base, seen.insert(id).inserted, let parent = catalog.models.first(where: { $0.id == id }) {
            chain.append(Link(model: parent.id, via: "catalog base_model", detail: parent.licenseID.map { "licence \($0)" }))
            base = parent.baseModel
        }
        // Open weights keep their own licence on any API; closed models are governed by the serving API's terms.
        if !entry.openWeights, let provider, let terms = provider.licenseID {
            license = terms
            licenseEvidence = "terms of \(provider.id), which serves this closed model"
        } else if let id = match.licenseID {
            license = id
            licenseEvidence = match.checkpoint?.licenseID != nil ? "checkpoint '\(match.checkpoint!.pattern)' of \(entry.id)" : "licence of \(entry.id)"
        }
        if let license { chain.append(Link(model: license, via: "licence", detail: licenseEvidence)) }
        self.chain = chain
    }

    /// The upstream model name a quantised or repackaged copy carries (`bartowski/Meta-Llama-3.1-8B-Instruct-GGUF`
    /// is `Meta-Llama-3.1-8B-Instruct`), or nil when nothing was removed.
    public static func packagingRemoved(_ reference: String) -> String? {
        var name = reference.split(separator: "/").last.map(String.init) ?? reference
        let original = name
        let patterns = [
            #"(?i)[-.](?:i?q[0-9]_[a-z0-9_]+|f16|f32|bf16|fp16)(?:-[0-9]{5}-of-[0-9]{5})?\.gguf$"#,
            #"(?i)\.gguf$"#,
            #"(?i)[:](?:i?q[0-9]_[a-z0-9_]+|f16|bf16|fp16)$"#,
            #"(?i)-(?:gguf|awq(?:-int4)?|gptq(?:-int[48])?|fp8(?:-dynamic|-kv)?|int[48]|bnb-4bit|mlx(?:-[0-9]bit)?|exl2|onnx|quantized\.w[0-9]a[0-9]+)$"#,
        ]
        var changed = true
        while changed {
            changed = false
            for pattern in patterns {
                if let range = name.range(of: pattern, options: .regularExpression) {
                    name.removeSubrange(range)
                    changed = true
                }
            }
        }
        let ownerless = reference.contains("/") && name != original
        return name != original || ownerless ? name : nil
    }
}

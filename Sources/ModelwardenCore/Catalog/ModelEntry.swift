import Foundation

/// A model family (or one checkpoint line) of the catalog, with the patterns that recognise it.
public struct ModelEntry: Sendable {
    public struct Checkpoint: Sendable {
        public var matcher: CatalogPattern
        public var match: NSRegularExpression { matcher.regex }
        public var pattern: String { matcher.source }
        public var licenseID: String?
        public var modalities: [String]?
        public var note: String?
    }

    public var id: String
    public var family: String
    public var vendor: String
    public var licenseID: String?
    public var openWeights: Bool
    public var modalities: [String]
    public var baseModel: String?
    public var api: String?
    public var patterns: [CatalogPattern]
    public var checkpoints: [Checkpoint]
    public var notes: String?
    public var sources: [String]
    public var file: String
    /// Load order, for deterministic tie-breaks.
    public var order: Int
}


/// The result of matching a model reference against the catalog.
public struct ModelMatch: Sendable {
    public var model: ModelEntry
    public var normalized: String
    public var pattern: String
    public var matchedText: String
    public var checkpoint: ModelEntry.Checkpoint?
    /// The point release a pattern's `point` group captured (`.4` of `gpt-5.4-nano`), if any.
    public var pointRelease: String? = nil

    /// The entry's family, with the point release when its pattern captures one (`gpt-5.4`).
    public var family: String {
        guard let pointRelease, !pointRelease.isEmpty else { return model.family }
        return model.family + pointRelease
    }

    public var licenseID: String? { checkpoint?.licenseID ?? model.licenseID }
    public var modalities: [String] { checkpoint?.modalities ?? model.modalities }
    public var isMultimodal: Bool { modalities.contains { $0 != "text" && $0 != "embedding" } }
}

import ModelwardenYAML

/// Data by shape, for YAML and JSON files: API specifications, JSON Schemas, evaluation results and catalogs of
/// supported models. Each predicate reads the parsed documents and names what it saw.
enum ContentShapes {
    static let openAPI = ShapeRolePredicate(name: "openapi-document") { documents in
        guard let top = documents.first, let key = ["openapi", "swagger"].first(where: { top[$0]?.scalar != nil }) else { return nil }
        return "API specification ('\(key): \(top[key]?.scalar ?? "")'); its examples are not deployments"
    }

    static let jsonSchema = ShapeRolePredicate(name: "json-schema-document") { documents in
        guard let top = documents.first, let schema = top["$schema"]?.scalar, schema.contains("json-schema.org"),
              top["properties"] != nil || top["definitions"] != nil || top["$defs"] != nil else { return nil }
        return "JSON Schema (defaults and examples describe options, not a deployment)"
    }

    static let evaluationResults = ShapeRolePredicate(name: "evaluation-results") { documents in
        // Kubernetes objects (`apiVersion` and `kind` at the top of every document) are never a results file; most
        // manifests are one, so their trees are not walked.
        guard !documents.allSatisfy(isKubernetesObject) else { return nil }
        var scores = Set<String>(), runs = Set<String>()
        for document in documents {
            forEachKey(document, budget: 3000) { key in
                if scoreKeys.matches(key) { scores.insert(key) }
                if runKeys.matches(key) { runs.insert(key) }
            }
        }
        guard scores.count >= 2 && !runs.isEmpty else { return nil }
        return "evaluation or benchmark results (scores: \(scores.sorted().prefix(3).joined(separator: ", ")); run: \(runs.sorted().first ?? ""))"
    }

    static func isKubernetesObject(_ document: YAMLNode) -> Bool {
        document["apiVersion"]?.scalar != nil && document["kind"]?.scalar != nil
    }

    static let supportedModels = ShapeRolePredicate(name: "supported-model-catalog") { documents in
        guard let catalog = SupportedModelCatalog.entries(documents), !catalog.isEmpty else { return nil }
        return "catalog of \(catalog.count) supported model\(catalog.count == 1 ? "" : "s") (capability fields, nothing selects one)"
    }

    static let all = [openAPI, jsonSchema, evaluationResults, supportedModels]

    static let scoreWords = ["score", "scores", "accuracy", "f1", "precision", "recall", "coverage", "correct", "incorrect", "pass_rate",
                             "win_rate", "hallucination_rate", "exact_match", "bleu", "rouge", "perplexity", "pass@1", "success_rate", "elo"]
    static let runWords = ["latency", "latency_seconds", "duration", "elapsed", "timestamp", "runtime", "time_taken", "seconds",
                           "started_at", "finished_at", "completed_at", "total_time", "run_id", "total_queries", "num_samples", "n_samples"]

    /// Every file's keys pass through these, so the affixes are built once and compared as bytes.
    static let scoreKeys = KeyWordMatcher(words: scoreWords, extraPrefixes: ["avg_"])
    static let runKeys = KeyWordMatcher(words: runWords)

    static func isScoreKey(_ key: String) -> Bool { scoreKeys.matches(key) }

    static func isRunKey(_ key: String) -> Bool { runKeys.matches(key) }

    /// Mapping keys at any depth, up to a budget of nodes so a huge file costs little.
    static func forEachKey(_ node: YAMLNode, budget: Int, _ body: (String) -> Void) {
        var stack = [node]
        var visited = 0
        while let current = stack.popLast(), visited < budget {
            visited += 1
            if let pairs = current.pairs {
                for pair in pairs {
                    if let key = pair.key.scalar { body(key) }
                    stack.append(pair.value)
                }
            } else if let items = current.sequence {
                stack.append(contentsOf: items.prefix(50))
            }
        }
    }
}

/// A key that is one of the words, or carries one as a `_`-separated prefix or suffix (`f1_macro`, `mean_latency`),
/// or starts with an extra prefix followed by the word (`avg_score`); ASCII case is ignored.
struct KeyWordMatcher: Sendable {
    private let words: [[UInt8]]
    private let prefixes: [[UInt8]]
    private let suffixes: [[UInt8]]

    init(words: [String], extraPrefixes: [String] = []) {
        self.words = words.map { Array($0.utf8) }
        self.prefixes = words.map { Array(($0 + "_").utf8) } + extraPrefixes.flatMap { extra in words.map { Array((extra + $0).utf8) } }
        self.suffixes = words.map { Array(("_" + $0).utf8) }
    }

    func matches(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { bytes in
            if words.contains(where: { bytes.count == $0.count && Self.equalFolded(bytes, from: 0, $0) }) { return true }
            // Every affix holds a `_`; most keys (camelCase Kubernetes fields) have none.
            guard bytes.contains(UInt8(ascii: "_")) else { return false }
            return prefixes.contains { bytes.count >= $0.count && Self.equalFolded(bytes, from: 0, $0) }
                || suffixes.contains { bytes.count >= $0.count && Self.equalFolded(bytes, from: bytes.count - $0.count, $0) }
        }
    }

    /// Whether `bytes` from `start` begin with `word` (lower-case ASCII), ignoring ASCII case.
    private static func equalFolded(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ word: [UInt8]) -> Bool {
        for offset in word.indices {
            let byte = bytes[start + offset]
            if (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != word[offset] { return false }
        }
        return true
    }
}

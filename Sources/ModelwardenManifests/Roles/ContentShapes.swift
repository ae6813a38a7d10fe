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
        var keys = Set<String>()
        for document in documents { collectKeys(document, into: &keys, budget: 3000) }
        let scores = keys.filter(isScoreKey)
        let runs = keys.filter(isRunKey)
        guard scores.count >= 2 && !runs.isEmpty else { return nil }
        return "evaluation or benchmark results (scores: \(scores.sorted().prefix(3).joined(separator: ", ")); run: \(runs.sorted().first ?? ""))"
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

    static func isScoreKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return scoreWords.contains { lower == $0 || lower.hasSuffix("_" + $0) || lower.hasPrefix($0 + "_") || lower.hasPrefix("avg_" + $0) }
    }

    static func isRunKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return runWords.contains { lower == $0 || lower.hasSuffix("_" + $0) || lower.hasPrefix($0 + "_") }
    }

    /// Mapping keys at any depth, up to a budget of nodes so a huge file costs little.
    static func collectKeys(_ node: YAMLNode, into keys: inout Set<String>, budget: Int) {
        var stack = [node]
        var visited = 0
        while let current = stack.popLast(), visited < budget {
            visited += 1
            if let pairs = current.pairs {
                for pair in pairs {
                    if let key = pair.key.scalar { keys.insert(key) }
                    stack.append(pair.value)
                }
            } else if let items = current.sequence {
                stack.append(contentsOf: items.prefix(50))
            }
        }
    }
}

import Foundation
import ArgumentParser
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports

extension Modelwarden {
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Show what the catalog knows about a model id (family, licence, obligations, thresholds, and why), or print a rule's page.")

        @Argument(help: ArgumentHelp(
            "A rule id of the policy set in use (license/attribution-missing): prints its page. Otherwise a model id as written in a deployment (meta-llama/Llama-3.1-8B-Instruct, llama3.1:8b, bedrock/...), or the path of a GGUF file or a Hugging Face model folder, whose declared name, base models and licence join the chain.",
            valueName: "rule-or-model-id"))
        var model: String?

        @Flag(name: .long, help: "List the facts rules can read instead.")
        var facts = false

        @Option(name: .long, help: "Output format for a model id: text or json.")
        var format: ExplainFormat = .text

        @OptionGroup var options: PolicyOptions

        func validate() throws {
            if model == nil && !facts { throw ValidationError("Name a rule id or a model id, or pass --facts.") }
        }

        func run() throws {
            if facts {
                for (path, meaning) in UsageFacts.catalog + ToolFacts.catalog { print("\(path.padding(toLength: 36, withPad: " ", startingAt: 0)) \(meaning)") }
                return
            }
            let policy = try options.loadPolicy(logger: options.makeLogger())
            let written = model!
            if let page = RuleDocumentation(policy: policy).page(forRule: written) {
                print(page, terminator: "")
                return
            }
            // A model file or folder on disk adds what it declares about itself to the chain.
            let explanation: ModelExplanation
            do {
                if let file = try ModelFileDeclarations.read(written) {
                    explanation = ModelExplanation(file.model, catalog: policy.catalog, declared: file.links, declaredLicense: file.license)
                } else {
                    explanation = ModelExplanation(written, catalog: policy.catalog)
                }
            } catch {
                throw ValidationError("\(written): \(error)")
            }
            switch format {
            case .json: try printJSON(explanation)
            case .text: printText(explanation, catalog: policy.catalog)
            }
        }

        private func printJSON(_ explanation: ModelExplanation) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(explanation), as: UTF8.self))
        }

        private func printText(_ explanation: ModelExplanation, catalog: Catalog) {
            print("model       \(explanation.model)")
            print("normalised  \(explanation.normalized)")
            if let id = explanation.provider, let provider = catalog.providers[id] {
                let how = explanation.providerEvidence == "prefix" ? "from the prefix" : "the only provider that serves this model id"
                print("provider    \(provider.id) (\(provider.name)) \(how)")
            }
            if let declared = explanation.declaredLicense {
                let differs = explanation.license.flatMap { catalog.licenses[$0] }.map { !$0.isNamed(String(declared.prefix { $0 != " " })) } ?? false
                print("declared    \(declared)" + (differs ? "; differs from the catalog's \(explanation.license!) (license/declared-license-mismatch)" : ""))
            }
            if explanation.chain.count > 2 {
                print("chain       " + explanation.chain.map { "\($0.model) [\($0.via)]" }.joined(separator: " -> "))
            }
            guard let entryID = explanation.entry, let entry = catalog.models.first(where: { $0.id == entryID }) else {
                print("catalog     no entry matches: vendor, family and licence unknown (license/unknown-license would fire)")
                if let terms = explanation.license { print("licence     \(terms) (\(explanation.licenseEvidence ?? ""))") }
                return
            }
            print("entry       \(entry.id) (\(entry.file))")
            print("why         pattern '\(explanation.pattern ?? "")' matched '\(explanation.matchedText ?? "")'" + (explanation.checkpoint.map { "; checkpoint '\($0)'" } ?? ""))
            if let note = explanation.checkpointNote { print("            \(note)") }
            print("vendor      \(entry.vendor)")
            print("family      \(explanation.family ?? entry.family)")
            print("weights     \(entry.openWeights ? "open" : "closed (API only)")")
            print("modalities  \(explanation.modalities.joined(separator: ", "))")
            if let base = entry.baseModel { print("base model  \(base)") }
            guard let licenseID = explanation.license, let license = catalog.licenses[licenseID] else {
                print("licence     unknown")
                return
            }
            print("licence     \(license.id): \(license.name) [\(license.kind.rawValue)]" + (license.spdx.map { " SPDX \($0)" } ?? ""))
            for obligation in license.obligations { print("  must      \(obligation)") }
            for restriction in license.restrictions { print("  must not  \(restriction)") }
            for threshold in license.thresholds {
                print("  threshold \(threshold.metric) \(threshold.comparison) \(threshold.value)" + (threshold.measuredAt.map { ", measured \($0)" } ?? "") + (threshold.consequence.map { ": \($0)" } ?? ""))
            }
            if let attribution = license.attribution { print("  display   \"\(attribution)\"") }
            if let notice = license.notice { print("  notice    \(notice)") }
            let multimodal = explanation.modalities.contains { $0 != "text" && $0 != "embedding" }
            if license.euMultimodalRestriction { print("  EU        rights for multimodal models withheld from EU-based licensees" + (multimodal ? " (this model is multimodal)" : "")) }
            if let notes = license.notes { print("  notes     \(notes)") }
            print("  sources   \(license.sources.joined(separator: ", "))" + (license.asOf.map { " (as of \($0)" + ")" } ?? ""))
        }
    }

    enum ExplainFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }
}

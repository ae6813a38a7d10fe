import ArgumentParser
import ModelwardenCore
import ModelwardenReports

extension Modelwarden {
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the catalog knows about a model id (family, licence, obligations, thresholds, and why), or print a rule's page.")

        @Argument(help: ArgumentHelp(
            "A rule id of the policy set in use (license/attribution-missing): prints its page. Otherwise a model id as written in a deployment (meta-llama/Llama-3.1-8B-Instruct, llama3.1:8b, bedrock/...).",
            valueName: "rule-or-model-id"))
        var model: String?

        @Flag(name: .long, help: "List the facts rules can read instead.")
        var facts = false

        @OptionGroup var options: PolicyOptions

        func validate() throws {
            if model == nil && !facts { throw ValidationError("Name a rule id or a model id, or pass --facts.") }
        }

        func run() throws {
            if facts {
                for (path, meaning) in UsageFacts.catalog { print("\(path.padding(toLength: 36, withPad: " ", startingAt: 0)) \(meaning)") }
                return
            }
            let policy = try options.loadPolicy(logger: options.makeLogger())
            let written = model!
            if let page = RuleDocumentation(policy: policy).page(forRule: written) {
                print(page, terminator: "")
                return
            }
            let catalog = policy.catalog
            var lookup = written
            var provider: Provider?
            if let prefixed = catalog.provider(forPrefixOf: written) {
                provider = prefixed.provider
                lookup = prefixed.rest
            }
            print("model       \(written)")
            print("normalised  \(Catalog.normalize(lookup))")
            if let provider { print("provider    \(provider.id) (\(provider.name)) from the prefix") }
            guard let match = catalog.match(lookup) else {
                print("catalog     no entry matches: vendor, family and licence unknown (license/unknown-license would fire)")
                return
            }
            let entry = match.model
            print("entry       \(entry.id) (\(entry.file))")
            print("why         pattern '\(match.pattern)' matched '\(match.matchedText)'" + (match.checkpoint.map { "; checkpoint '\($0.pattern)'" } ?? ""))
            if let note = match.checkpoint?.note { print("            \(note)") }
            print("vendor      \(entry.vendor)")
            print("family      \(entry.family)")
            print("weights     \(entry.openWeights ? "open" : "closed (API only)")")
            print("modalities  \(match.modalities.joined(separator: ", "))")
            if let base = entry.baseModel { print("base model  \(base)") }
            let licenseID = entry.openWeights ? match.licenseID : (provider?.licenseID ?? match.licenseID)
            guard let licenseID, let license = catalog.licenses[licenseID] else {
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
            if license.euMultimodalRestriction { print("  EU        rights for multimodal models withheld from EU-based licensees" + (match.isMultimodal ? " (this model is multimodal)" : "")) }
            if let notes = license.notes { print("  notes     \(notes)") }
            print("  sources   \(license.sources.joined(separator: ", "))" + (license.asOf.map { " (as of \($0))" } ?? ""))
        }
    }
}

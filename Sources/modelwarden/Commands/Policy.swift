import ArgumentParser
import Foundation
import ModelwardenCore
import ModelwardenManifests
import ModelwardenReports

extension Modelwarden {
    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Check and show the policy set.", subcommands: [Validate.self, Test.self, Show.self])
    }
}

/// `policy validate|test [PATH]`: the set in force here, or with PATH (a policy folder or a
/// `.modelwarden.yaml`-shaped file) layered over the built-in set and the repository's configuration.
struct PolicyFolderArguments: ParsableArguments {
    @Argument(help: "A policy folder or configuration file to check (default: the policy set in force here).")
    var path: String?

    @OptionGroup var options: PolicyOptions

    func validate() throws {
        if path != nil && options.policies != nil { throw ValidationError("Give the policy folder either as PATH or as --policies, not both.") }
    }

    /// The layers to check, with every problem printed; nil when the set is invalid.
    func load() -> (layers: [PolicyLayer], result: PolicyLoader.Result) {
        var source = options.source(scanning: [])
        if let path { source.explicit = path }
        let layers = source.layers()
        return (layers, PolicyLoader.load(layers: layers))
    }
}

extension Modelwarden.Policy {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Validate every policy file and report all problems as file:line:column; exit 2 when any is wrong.")

        @OptionGroup var arguments: PolicyFolderArguments

        func run() throws {
            let (layers, loaded) = arguments.load()
            let origins = layers.map(\.origin).joined(separator: " + ")
            for diagnostic in loaded.diagnostics { print(diagnostic.description) }
            guard let policy = loaded.policy else {
                print("\(loaded.errors.count) errors in \(origins)")
                throw ExitCode(2)
            }
            let catalog = policy.catalog
            print("ok: \(origins): \(catalog.licenses.count) licences, \(catalog.models.count) model entries, \(catalog.providers.count) providers, \(policy.rules.count) rules, \(policy.waivers.count) waivers")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run every rule's examples and check each reaches its expected verdict; exit 1 when one does not.")

        @OptionGroup var arguments: PolicyFolderArguments

        func run() throws {
            let (_, loaded) = arguments.load()
            guard let policy = loaded.policy else {
                for diagnostic in loaded.diagnostics { print(diagnostic.description) }
                throw ExitCode(2)
            }
            let outcomes = PolicyTester(policy: policy).run()
            var failed = 0
            for outcome in outcomes {
                if outcome.passed {
                    print("PASS \(outcome.rule): \(outcome.example)")
                } else {
                    failed += 1
                    print("FAIL \(outcome.rule): \(outcome.example) (\(outcome.location)): expected \(outcome.expected.rawValue), got \(outcome.actual.rawValue); rules fired: \(outcome.fired.isEmpty ? "none" : outcome.fired.joined(separator: ", "))")
                    for diagnostic in outcome.diagnostics { print("     \(diagnostic)") }
                }
            }
            let untested = policy.rules.filter { $0.examples.isEmpty }.map(\.id)
            if !untested.isEmpty { print("rules without examples: \(untested.joined(separator: ", "))") }
            print("\(outcomes.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the merged policy set with the origin of every entry: layers, organisation, rules, waivers, ignores, catalog.")

        @Argument(help: "Paths whose repository configuration applies, as for check (default: the working folder).")
        var paths: [String] = []

        @Option(name: .long, help: "text or json.")
        var format: Format = .text

        @OptionGroup var options: PolicyOptions

        func run() throws {
            let policy = try options.loadPolicy(scanning: paths, logger: options.makeLogger())
            let description = PolicySetDescription(policy: policy)
            print(format == .json ? description.json() : description.text(), terminator: "")
        }
    }
}

import ArgumentParser
import Foundation
import ModelwardenCore
import ModelwardenManifests

extension Modelwarden {
    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a policy set.", subcommands: [Validate.self, Test.self])
    }
}

extension Modelwarden.Policy {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every policy file and report all problems as file:line:column; exit 2 when any is wrong.")

        @Argument(help: "Policy folder (default: the shipped policies).")
        var directory: String?

        func run() throws {
            let folder = try directory ?? PolicyOptions().policyDirectory()
            let loaded = PolicyLoader.load(from: folder)
            for diagnostic in loaded.diagnostics { print(diagnostic.description) }
            guard let policy = loaded.policy else {
                print("\(loaded.errors.count) errors in \(folder)")
                throw ExitCode(2)
            }
            let catalog = policy.catalog
            print("ok: \(folder): \(catalog.licenses.count) licences, \(catalog.models.count) model entries, \(catalog.providers.count) providers, \(policy.rules.count) rules, \(policy.waivers.count) waivers")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every rule's examples and check each reaches its expected verdict; exit 1 when one does not.")

        @Argument(help: "Policy folder (default: the shipped policies).")
        var directory: String?

        func run() throws {
            let folder = try directory ?? PolicyOptions().policyDirectory()
            let loaded = PolicyLoader.load(from: folder)
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
}

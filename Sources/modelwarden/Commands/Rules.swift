import ArgumentParser
import Foundation
import ModelwardenCore
import ModelwardenReports

extension Modelwarden {
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rules",
            abstract: "List the rules of the policy set in use, or write their documentation pages.",
            subcommands: [List.self, Docs.self], defaultSubcommand: List.self)
    }
}

extension Modelwarden.Rules {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every rule: id, severity, category, title (the policy set's rules, then the built-in ones).")

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Option(name: .long, help: "Output format: text or json.")
        var format: Format = .text

        @OptionGroup var options: PolicyOptions

        func run() throws {
            let policy = try options.loadPolicy(scanning: [], logger: options.makeLogger())
            let listed = RuleListing(policy: policy)
            print(format == .json ? listed.json() : listed.text(), terminator: "")
        }
    }

    struct Docs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "docs",
            abstract: "Write one Markdown page per rule and an index; with --check, write nothing and exit 1 when a page is stale or missing.")

        @Option(name: .long, help: "Folder of the pages.")
        var output = "docs/rules"

        @Flag(name: .long, help: "Only check that the pages match the policy set; name each stale or missing page and exit 1.")
        var check = false

        @OptionGroup var options: PolicyOptions

        func run() throws {
            let policy = try options.loadPolicy(scanning: [], logger: options.makeLogger())
            let documentation = RuleDocumentation(policy: policy)
            if check {
                let outdated = documentation.outdatedPages(in: output)
                for page in outdated { print(page) }
                guard outdated.isEmpty else {
                    print("\(outdated.count) rule pages out of date in \(output): run `modelwarden rules docs --output \(output)`")
                    throw ExitCode(1)
                }
                print("ok: \(documentation.pages().count) rule pages in \(output) match the policy set")
                return
            }
            let changed = try documentation.write(to: output)
            for page in changed { print(page.problem == .orphaned ? "removed \(page.path)" : "wrote \(page.path)") }
            print("\(documentation.pages().count) rule pages in \(output), \(changed.count) changed")
        }
    }
}

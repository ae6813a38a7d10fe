import ArgumentParser
import Logging
import ModelwardenManifests
import ModelwardenReports

extension Modelwarden.Check {
    /// `check` from a command line in its plain spelling: `check`, then paths and `check`'s own options, each option
    /// and its value as separate words (`--format json`), a single-valued option or flag at most once, every value one
    /// ArgumentParser accepts and `validate()` passing. nil for anything else (`--help`, `--version`, `--`, `-`,
    /// `--option=value`, short or unknown options, a value starting with a dash, a repeated option, an invalid value,
    /// a validation error), so that ArgumentParser parses that line and reports whatever it finds, as it always did.
    ///
    /// Why: ArgumentParser builds a command's argument set by reflection and instantiates each property wrapper's
    /// generic type by its mangled name; in a binary of this size every first conformance lookup scans some eleven
    /// thousand records, and the parse of `check` was a quarter of the CPU time of checking an empty folder.
    /// The values set here are the ones ArgumentParser's decoding sets, defaults included; `CommandLineTests` runs
    /// the same lines in both spellings and compares exit codes and output.
    init?(plainArguments arguments: [String]) {
        guard arguments.first == "check" else { return nil }
        var words = PlainWords(arguments.dropFirst())
        var paths: [String] = []
        // Defaults as declared in Check, PolicyOptions, StandardInputOptions and WalkOptions.
        var policies: String?
        var noConfig = false
        var skipRules: [String] = []
        var ignores: [String] = []
        var logLevel = Logger.Level.warning
        var noIgnore = false
        var followSymlinks = false
        var formats: [OutputFormat] = []
        var outputs: [String] = []
        var failOn = FailOn.error
        var baseline: String?
        var writeBaseline: String?
        var color: Bool?
        var explainRoles = false

        while let word = words.next() {
            guard word.hasPrefix("-") else {
                paths.append(word)
                continue
            }
            switch word {
            case "--format": guard let format = words.value().flatMap(OutputFormat.init(argument:)) else { return nil }
                formats.append(format)
            case "--output": guard let output = words.value() else { return nil }
                outputs.append(output)
            case "--skip-rule": guard let rule = words.value() else { return nil }
                skipRules.append(rule)
            case "--ignore": guard let glob = words.value() else { return nil }
                ignores.append(glob)
            case "--policies": guard words.once(word), let value = words.value() else { return nil }
                policies = value
            case "--log-level": guard words.once(word), let level = words.value().flatMap(Logger.Level.init(argument:)) else { return nil }
                logLevel = level
            case "--fail-on": guard words.once(word), let threshold = words.value().flatMap(FailOn.init(argument:)) else { return nil }
                failOn = threshold
            case "--baseline": guard words.once(word), let value = words.value() else { return nil }
                baseline = value
            case "--write-baseline": guard words.once(word), let value = words.value() else { return nil }
                writeBaseline = value
            case "--no-config": guard words.once(word) else { return nil }
                noConfig = true
            case "--no-ignore": guard words.once(word) else { return nil }
                noIgnore = true
            case "--follow-symlinks": guard words.once(word) else { return nil }
                followSymlinks = true
            case "--explain-roles": guard words.once(word) else { return nil }
                explainRoles = true
            case "--color", "--no-color": guard words.once("--color") else { return nil }
                color = word == "--color"
            default:
                return nil
            }
        }
        // `paths` has no default: ArgumentParser asks for at least one.
        guard !paths.isEmpty else { return nil }

        var input = StandardInputOptions()
        input.stdinName = StandardInputStream.defaultName
        var options = PolicyOptions()
        options.policies = policies
        options.noConfig = noConfig
        options.skipRules = skipRules
        options.ignores = ignores
        options.logLevel = logLevel
        var walk = WalkOptions()
        walk.noIgnore = noIgnore
        walk.followSymlinks = followSymlinks
        var check = Self()
        check.paths = paths
        check.format = formats
        check.output = outputs
        check.failOn = failOn
        check.baseline = baseline
        check.writeBaseline = writeBaseline
        check.color = color
        check.explainRoles = explainRoles
        // ArgumentParser validates each option group as it decodes it, then the command.
        do {
            try input.validate()
            try options.validate()
            try walk.validate()
            check.input = input
            check.options = options
            check.walk = walk
            try check.validate()
        } catch {
            return nil
        }
        self = check
    }
}

/// The words after the command name, read left to right.
private struct PlainWords {
    private var rest: ArraySlice<String>
    private var seen: Set<String> = []

    init(_ words: ArraySlice<String>) { rest = words }

    mutating func next() -> String? { rest.popFirst() }

    /// An option's value: the next word, unless there is none or it starts with a dash (ArgumentParser's own rules
    /// for those cases are left to it).
    mutating func value() -> String? {
        guard let word = rest.first, !word.hasPrefix("-") else { return nil }
        return rest.popFirst()
    }

    /// False when this option was given before.
    mutating func once(_ option: String) -> Bool { seen.insert(option).inserted }
}

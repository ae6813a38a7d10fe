import ModelwardenCore
import ModelwardenManifests
import ModelwardenYAML

/// What each libFuzzer target feeds its input to. The executables under `Fuzz/Targets` only forward to these, so a
/// crash input kept as a regression test (`FuzzRegressionTests`) runs the very same code.
public enum FuzzEntryPoints {
    /// The entry points by target name, for `Fuzz/run.sh` and the regression tests.
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "yaml": yaml, "scanners": scanners, "policy": policy, "env": envFile, "modelfile": modelfile, "jsonc": jsonWithComments,
    ]

    /// The libyaml wrapper: parse with tight limits, then walk and re-write every node.
    public static func yaml(_ bytes: [UInt8]) {
        let stream = YAMLParser.parse(bytes, limits: YAMLLimits(maxAliasExpansion: 10_000, maxDepth: 64))
        for document in stream.documents { _ = YAMLWriter.write(document) }
        _ = stream.error?.description
    }

    /// One scanner chosen by the first byte, then the whole cross-file audit of what it found.
    public static func scanners(_ bytes: [UInt8]) {
        guard let selector = bytes.first, let text = String(validating: bytes.dropFirst(), as: UTF8.self) else { return }
        let target = ScannerSelection.targets[Int(selector) % ScannerSelection.targets.count]
        let auditor = Auditor(policy: FuzzPolicy.builtin, limits: FuzzPolicy.limits, scanners: target.scanners, today: FuzzPolicy.today)
        let file = ManifestFile(path: target.fileName, absolutePath: "/fuzz/" + target.fileName, text: text)
        let scan = target.asStream ? auditor.scanYAML(file) : auditor.scan(file)
        _ = auditor.audit([(file, scan)], extraDiagnostics: [])
    }

    /// The policy reader: the input as one file of a policy folder (the first byte chooses which), alone or, when the
    /// first byte's high bit is set, above the built-in set (references resolve, but each run reads it all: slow).
    public static func policy(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let places = ["rules/fuzz.yaml", "models/fuzz.yaml", "licenses/fuzz.yaml", "providers/fuzz.yaml", "organization.yaml", "waivers.yaml",
                      ".modelwarden.yaml"]
        let place = places[Int(selector) % places.count]
        let file = PolicyFile(relativePath: place, displayPath: "fuzz/" + place, bytes: Array(bytes.dropFirst()))
        let kind: PolicyLayer.Kind = place == ".modelwarden.yaml" ? .configuration : .folder
        let layer = PolicyLayer(kind: kind, origin: "fuzz", files: [file], baseFolder: "/fuzz")
        _ = PolicyLoader.load(layers: selector >= 128 ? [PolicyLayer.builtin, layer] : [layer], today: FuzzPolicy.today)
    }

    public static func envFile(_ bytes: [UInt8]) {
        textScan(bytes, name: ".env", scanner: EnvFileScanner())
    }

    public static func modelfile(_ bytes: [UInt8]) {
        textScan(bytes, name: "Modelfile", scanner: ModelfileScanner())
    }

    /// JSON with comments and trailing commas: blanking must keep every position, and the result must parse or fail cleanly.
    public static func jsonWithComments(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let normalised = JSONWithComments.normalised(text)
        let before = Array(text.unicodeScalars), after = Array(normalised.unicodeScalars)
        precondition(before.count == after.count, "blanking comments changed the length")
        for index in before.indices where (before[index] == "\n") != (after[index] == "\n") {
            preconditionFailure("blanking comments moved a line break")
        }
        _ = YAMLParser.parse(normalised, limits: FuzzPolicy.limits.yaml)
    }

    private static func textScan(_ bytes: [UInt8], name: String, scanner: any ManifestScanner) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let auditor = Auditor(policy: FuzzPolicy.builtin, limits: FuzzPolicy.limits, scanners: [scanner], today: FuzzPolicy.today)
        let file = ManifestFile(path: "app/" + name, absolutePath: "/fuzz/app/" + name, text: text)
        _ = auditor.audit([(file, auditor.scan(file))], extraDiagnostics: [])
    }
}

/// The built-in policy set, loaded once per fuzzing process.
enum FuzzPolicy {
    static let today = PolicyDate("2026-06-01")!
    static let limits = ScanLimits(maxFileBytes: 1 << 20, yaml: YAMLLimits(maxAliasExpansion: 10_000, maxDepth: 64))
    static let builtin: PolicySet = {
        guard let policy = PolicyLoader.load(layers: [PolicyLayer.builtin], today: today).policy else { fatalError("built-in policies invalid") }
        return policy
    }()
}

import Foundation
import ModelwardenBuiltinPolicies
import ModelwardenCore
import ModelwardenYAML
import Testing

/// The built-in policy set is parsed when the executable is built and carried as compact YAML trees: a start
/// decodes them instead of running libyaml. These tests hold the compact form to the text it was made from.
@Suite struct CompactPolicyTests {
    @Test func everyEmbeddedTreeEqualsParsingItsText() throws {
        #expect(BuiltinPolicies.files.count > 80)
        for file in BuiltinPolicies.files {
            let parsed = YAMLParser.parse(file.text)
            #expect(parsed.error == nil, "\(file.path)")
            let decoded = YAMLCompact.decode(file.tree)
            #expect(decoded != nil, "\(file.path): the compact tree does not decode")
            #expect(decoded == parsed.documents.first, "\(file.path): the compact tree differs from parsing the text")
        }
    }

    /// A folder of policies (`--policies`) reuses the build-time tree of each file that is byte for byte a shipped
    /// one, and parses any other file, however small the difference.
    @Test func aFolderFileEqualToAShippedOneTakesItsBuildTimeTree() throws {
        let folder = try TempFolder()
        for file in PolicyLayer.builtin.files { try folder.write(file.relativePath, Data(file.bytes)) }
        let edited = try #require(PolicyLayer.builtin.files.first { $0.relativePath.hasPrefix("rules/") })
        try folder.write(edited.relativePath, Data(edited.bytes + Array("\n# edited\n".utf8)))
        let layer = PolicyLayer.folder(folder.path)
        #expect(layer.files.count == PolicyLayer.builtin.files.count)
        for file in layer.files {
            #expect((file.compactTree != nil) == (file.relativePath != edited.relativePath), "\(file.relativePath)")
        }
        // The same set as one made from the texts alone.
        var textOnly = layer
        textOnly.files = layer.files.map { PolicyFile(relativePath: $0.relativePath, displayPath: $0.displayPath, bytes: $0.bytes) }
        let compact = PolicyLoader.load(layers: [PolicyLayer.builtin, layer], today: Shipped.today)
        let parsed = PolicyLoader.load(layers: [PolicyLayer.builtin, textOnly], today: Shipped.today)
        #expect(compact.policy?.digest == parsed.policy?.digest && compact.policy != nil)
    }

    /// The same files with and without their build-time trees make the same set, down to every field and the digest.
    @Test func theSetFromCompactTreesEqualsTheSetParsedFromText() throws {
        let textOnly = PolicyLayer(
            kind: .folder, origin: "built-in",
            files: PolicyLayer.builtin.files.map { PolicyFile(relativePath: $0.relativePath, displayPath: $0.displayPath, bytes: $0.bytes) },
            baseFolder: "/")
        #expect(PolicyLayer.builtin.files.allSatisfy { $0.compactTree != nil })
        #expect(textOnly.files.allSatisfy { $0.compactTree == nil })
        let compact = PolicyLoader.load(layers: [PolicyLayer.builtin], today: Shipped.today)
        let parsed = PolicyLoader.load(layers: [textOnly], today: Shipped.today)
        let fromTrees = try #require(compact.policy, "\(compact.diagnostics)")
        let fromText = try #require(parsed.policy, "\(parsed.diagnostics)")
        #expect(compact.diagnostics.map(\.description) == parsed.diagnostics.map(\.description))
        #expect(fromTrees.digest == fromText.digest)
        #expect(fromTrees.rules.count > 10)
        #expect(fromTrees.catalog.models.count > 100)
        #expect(rendering(fromTrees) == rendering(fromText))
    }

    @Test func treesRoundTripStylesTagsMarksAndUnicode() throws {
        let text = """
            plain: value
            'single': "double \\u00e9"
            tagged: !custom 12
            empty:
            list: [1, {a: b}, []]
            block: |
              line one
              line two
            folded: >
              folded text
            unicode: "模型 ✓"
            anchors: &base {x: 1}
            merged: {<<: *base, y: 2}

            """
        let document = try #require(YAMLParser.parse(text).documents.first)
        let bytes = YAMLCompact.encode(document)
        #expect(String(validating: bytes, as: UTF8.self) != nil, "the compact form is valid UTF-8")
        let decoded = bytes.withUnsafeBufferPointer { YAMLCompact.decode($0) }
        #expect(decoded == document)
        #expect(decoded?["tagged"]?.tag == "!custom")
        #expect(decoded?["block"]?.content == .scalar("line one\nline two\n", .literal))
        #expect(decoded?["merged"]?["x"]?.int == 1)
    }

    @Test func aTruncatedOrPaddedTreeIsRejectedNotMisread() throws {
        let document = try #require(YAMLParser.parse("a: [1, 2, 3]\nb: text\n").documents.first)
        let bytes = YAMLCompact.encode(document)
        for length in 0..<bytes.count {
            let cut = Array(bytes[..<length])
            #expect(cut.withUnsafeBufferPointer { YAMLCompact.decode($0) } == nil, "cut at \(length)")
        }
        let padded = bytes + [0]
        #expect(padded.withUnsafeBufferPointer { YAMLCompact.decode($0) } == nil)
    }

    /// The embedder refuses a policy folder whose YAML does not parse, naming the file, line and column.
    @Test func theEmbedderStopsTheBuildOnBrokenYAML() throws {
        let embedder = URL(fileURLWithPath: Paths.binary).deletingLastPathComponent().appendingPathComponent("policy-embedder").path
        try #require(FileManager.default.isExecutableFile(atPath: embedder), "build the package first")
        let folder = try TempFolder()
        try folder.write("Policies/rules/good.yaml", "rules: []\n")
        try folder.write("Policies/rules/broken.yaml", "rules:\n  - id: x\n   title: [unclosed\n")
        let output = folder.url.appendingPathComponent("out.swift").path
        let broken = try run(embedder, [folder.url.appendingPathComponent("Policies").path, output])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("rules/broken.yaml:3:"), "\(broken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))

        try folder.write("Policies/rules/broken.yaml", "a: 1\n---\nb: 2\n")
        let twoDocuments = try run(embedder, [folder.url.appendingPathComponent("Policies").path, output])
        #expect(twoDocuments.status == 1)
        #expect(twoDocuments.stderr.contains("expected exactly one YAML document, found 2"), "\(twoDocuments.stderr)")

        try FileManager.default.removeItem(atPath: folder.url.appendingPathComponent("Policies/rules/broken.yaml").path)
        let good = try run(embedder, [folder.url.appendingPathComponent("Policies").path, output])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8).contains("(\"rules/good.yaml\", \"rules: []\\n\", "))
    }

    /// Every stored field of the set, as `dump` writes it.
    private func rendering(_ policy: PolicySet) -> String {
        var text = ""
        dump(policy.rules, to: &text)
        dump(policy.catalog.models.map { ($0.id, $0.licenseID, $0.patterns.map(\.source), $0.checkpoints.map(\.pattern), $0.order) }, to: &text)
        dump(policy.catalog.licenses.sorted { $0.key < $1.key }.map(\.value), to: &text)
        dump(policy.catalog.providers.sorted { $0.key < $1.key }.map { ($0.value.id, $0.value.hosts, $0.value.modelIDs.map(\.source)) }, to: &text)
        dump(policy.catalog.organizations.sorted { $0.key < $1.key }, to: &text)
        dump(policy.organization.node, to: &text)
        dump(policy.waivers, to: &text)
        return text
    }
}

@testable import ModelwardenManifests
import Testing

/// The gitignore(5) matcher: each case is a pattern written in `/repo/.gitignore` and a path below `/repo`.
@Suite struct IgnorePatternTests {
    func ignored(_ patterns: [String], _ path: String, folder: Bool = false) -> Bool {
        let rules = IgnoreRules(extra: patterns.map { IgnorePattern(base: "/repo", pattern: $0) })
        return rules.ignoringRule(IgnoreRule.components("/repo/" + path), isDirectory: folder) != nil
    }

    @Test func aNameWithoutSlashMatchesAtAnyDepth() {
        #expect(ignored(["secrets.yaml"], "secrets.yaml"))
        #expect(ignored(["secrets.yaml"], "a/b/secrets.yaml"))
        #expect(!ignored(["secrets.yaml"], "a/b/secrets.yaml.bak"))
    }

    @Test func starAndQuestionMarkStayInsideOneComponent() {
        #expect(ignored(["*.json"], "deep/x/catalog.json"))
        #expect(!ignored(["deploy/*.yaml"], "deploy/sub/app.yaml"))
        #expect(ignored(["deploy/*.yaml"], "deploy/app.yaml"))
        #expect(ignored(["app-?.yaml"], "app-1.yaml"))
        #expect(!ignored(["app-?.yaml"], "app-10.yaml"))
        #expect(ignored(["app-[0-9].yaml"], "app-7.yaml"))
        #expect(!ignored(["app-[!0-9].yaml"], "app-7.yaml"))
    }

    @Test func aLeadingOrMiddleSlashAnchorsToTheFolder() {
        #expect(ignored(["/build"], "build", folder: true))
        #expect(!ignored(["/build"], "src/build", folder: true))
        #expect(ignored(["docs/generated"], "docs/generated", folder: true))
        #expect(!ignored(["docs/generated"], "x/docs/generated", folder: true))
    }

    @Test func aTrailingSlashOnlyMatchesFolders() {
        #expect(ignored(["out/"], "a/out", folder: true))
        #expect(!ignored(["out/"], "a/out"))
    }

    @Test func doubleStarCrossesFolders() {
        #expect(ignored(["**/fixtures"], "fixtures", folder: true))
        #expect(ignored(["**/fixtures"], "a/b/fixtures", folder: true))
        #expect(ignored(["charts/**/values-*.yaml"], "charts/values-dev.yaml"))
        #expect(ignored(["charts/**/values-*.yaml"], "charts/a/b/values-dev.yaml"))
        #expect(ignored(["logs/**"], "logs/today.json"))
        #expect(!ignored(["logs/**"], "logs", folder: true))
    }

    @Test func theLastMatchDecidesAndNegationReincludes() {
        #expect(!ignored(["*.yaml", "!keep.yaml"], "keep.yaml"))
        #expect(ignored(["*.yaml", "!keep.yaml"], "drop.yaml"))
        #expect(ignored(["!keep.yaml", "*.yaml"], "keep.yaml"))
    }

    @Test func commentsBlanksAndEscapes() {
        #expect(IgnoreRule(line: "# a comment", base: "/repo", source: "") == nil)
        #expect(IgnoreRule(line: "   ", base: "/repo", source: "") == nil)
        #expect(ignored(["\\#notes.yaml"], "#notes.yaml"))
        #expect(ignored(["\\!bang.yaml"], "!bang.yaml"))
        #expect(ignored(["trailing.yaml   "], "trailing.yaml"))
    }

    @Test func aPatternOnlyAppliesBelowItsFolder() {
        let rules = IgnoreRules(extra: [IgnorePattern(base: "/repo/sub", pattern: "*.yaml")])
        #expect(rules.ignoringRule(IgnoreRule.components("/repo/sub/a.yaml"), isDirectory: false) != nil)
        #expect(rules.ignoringRule(IgnoreRule.components("/repo/a.yaml"), isDirectory: false) == nil)
        #expect(rules.ignoringRule(IgnoreRule.components("/repo/subway/a.yaml"), isDirectory: false) == nil)
    }

    @Test func linguistAttributesSetAndUnset() {
        var attributes = LinguistAttributes()
        for (index, line) in ["*.gen.yaml linguist-generated", "docs/** linguist-documentation", "docs/keep/** -linguist-documentation",
                              "vendor/** -linguist-vendored", "# comment linguist-vendored", "*.yaml text eol=lf"].enumerated() {
            if let parsed = LinguistAttributes.line(line, base: "/repo", source: ".gitattributes:\(index + 1)") { attributes.lines.append(parsed) }
        }
        #expect(attributes.lines.count == 4)
        #expect(attributes.marking(file: IgnoreRule.components("/repo/a/b.gen.yaml"))?.attribute == "linguist-generated")
        #expect(attributes.marking(file: IgnoreRule.components("/repo/docs/x.yaml"))?.attribute == "linguist-documentation")
        #expect(attributes.marking(file: IgnoreRule.components("/repo/docs/keep/x.yaml")) == nil)
        // `docs/keep/**` unsets later, so the walk must enter docs/ and decide per file.
        #expect(attributes.marking(folder: IgnoreRule.components("/repo/docs")) == nil)
        #expect(attributes.unmarksVendored(folder: IgnoreRule.components("/repo/vendor")))
    }
}

import ModelwardenCore

/// Data by convention: where people already put tests, fixtures, snapshots, translations, documentation, lock
/// files and evaluation output. Each predicate names the folder or file that decided.
enum PathConventions {
    static let testFolders: Set<String> = ["test", "tests", "__tests__", "spec", "specs", "e2e", "testdata", "test_data", "test-data",
                                           "testing", "integration_tests", "unit_tests"]
    /// Not plain `snapshots/`: the Hugging Face cache keeps model files in `models--ORG--NAME/snapshots/REV/`.
    static let fixtureFolders: Set<String> = ["fixtures", "__fixtures__", "fixture", "__mocks__", "mocks", "__snapshots__"]
    static let translationFolders: Set<String> = ["locales", "locale", "i18n", "l10n", "translations", "lang", "langs"]
    static let documentationFolders: Set<String> = ["docs", "doc", "documentation"]
    static let resultFolderWords = ["results", "benchmark_results", "eval_results", "expt_results", "outputs"]
    static let evaluationFolders: Set<String> = ["evals", "eval", "evaluation", "evaluations", "benchmarks", "benchmark"]
    static let lockFiles: Set<String> = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "poetry.lock", "uv.lock",
                                         "pipfile.lock", "composer.lock", "go.sum", "gemfile.lock", "cargo.lock", "bun.lock", "deno.lock"]

    static let tests = PathRolePredicate(name: "tests-folder") { subject in
        guard let folder = subject.folders.first(where: { testFolders.contains($0) || $0.hasSuffix("_tests") || $0.hasSuffix("-tests") }) else {
            return nil
        }
        return "test code and fixtures (folder '\(folder)/')"
    }

    static let testFileName = PathRolePredicate(name: "test-file-name") { subject in
        let name = subject.name
        let isTest = (name.hasPrefix("test_") && name.hasSuffix(".py")) || name.hasSuffix("_test.py") || name.hasSuffix("_test.go")
            || name == "conftest.py" || name.includes(".test.") || name.includes(".spec.")
            || ((name.hasSuffix("test.java") || name.hasSuffix("tests.java")) && subject.path.split(separator: "/").last?.first?.isUppercase == true)
        return isTest ? "test file ('\(name)')" : nil
    }

    static let fixtures = PathRolePredicate(name: "fixtures-folder") { subject in
        if subject.name.hasSuffix(".snap") { return "test snapshot ('\(subject.name)')" }
        guard let folder = subject.folders.first(where: { fixtureFolders.contains($0) }) else { return nil }
        return "test fixtures or snapshots (folder '\(folder)/')"
    }

    static let translations = PathRolePredicate(name: "translations-folder") { subject in
        guard let folder = subject.folders.first(where: { translationFolders.contains($0) }) else { return nil }
        return "translations (folder '\(folder)/')"
    }

    static let documentation = PathRolePredicate(name: "documentation-folder") { subject in
        guard let folder = subject.folders.first(where: { documentationFolders.contains($0) }) else { return nil }
        return "documentation (folder '\(folder)/')"
    }

    static let lockFile = PathRolePredicate(name: "lock-file") { subject in
        let name = subject.name
        guard lockFiles.contains(name) || name.hasSuffix(".lock") || name.hasSuffix("-lock.json") || name.hasSuffix("-lock.yaml") else { return nil }
        return "lock file ('\(name)')"
    }

    static let evaluationOutput = PathRolePredicate(name: "evaluation-output-folder") { subject in
        guard let folder = subject.folders.first(where: { folder in resultFolderWords.contains { folder == $0 || folder.hasSuffix("_" + $0) } }) else {
            return nil
        }
        return "evaluation or benchmark output (folder '\(folder)/')"
    }

    /// Evaluation harness code measures models against data sets; what it calls is not what the product runs.
    /// Only code: an eval tool's own config there (`promptfooconfig.yaml`) is read by its scanner, wherever it lies.
    static let evaluationHarness = PathRolePredicate(name: "evaluation-code") { subject in
        guard CodeLanguage.of(fileName: subject.name) != nil, let folder = subject.folders.first(where: { evaluationFolders.contains($0) }) else {
            return nil
        }
        return "evaluation or benchmark harness code (folder '\(folder)/')"
    }

    static let all = [tests, testFileName, fixtures, translations, documentation, lockFile, evaluationOutput, evaluationHarness]
}

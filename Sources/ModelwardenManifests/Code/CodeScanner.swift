import Foundation
import ModelwardenCore
import Synchronization

/// Reads source code (Python, JavaScript/TypeScript, Go, Java) for the models it runs by default: string literals
/// bound to a model-context name (`ModelContextReader`) that the catalog recognises with confidence. Each is a usage
/// of the application the file belongs to; a compose service whose `build:` context holds the file takes it over.
public struct CodeScanner: Sendable {
    let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    public func scan(_ file: ManifestFile, language: CodeLanguage) -> FileScan {
        var scan = FileScan()
        let literals = ModelContextReader(language: language).literals(in: file.text)
        guard !literals.isEmpty else { return scan }
        let application = ApplicationFolder.deployment(for: file)
        for literal in literals {
            guard let match = confidentMatch(literal.text) else { continue }
            let place = CodeHosting.of(literal, match: match, catalog: catalog)
            scan.usages.append(Usage(
                deployment: application, model: literal.text,
                location: SourceLocation(file: file.path, line: literal.line, column: literal.column),
                hosting: place.hosting, runtime: place.runtime, api: place.api, evidence: "code \(literal.evidence)"))
        }
        return scan
    }

    /// The catalog entry when the literal is plainly a model id: one word, no placeholder, and the recognised part
    /// is most of it (`gpt-4o-mini`, `openai:gpt-5.4`, `thenlper/gte-small`), not a pattern inside a sentence or path,
    /// and it is shaped like an id (a version digit, a `-` or a `/`), not a bare family name (`Gemini`, `command`).
    func confidentMatch(_ text: String) -> ModelMatch? {
        guard text.count >= 2, text.count <= 120, !text.contains(where: { $0.isWhitespace || $0 == "," }),
              text.contains(where: { $0.isNumber || $0 == "-" || $0 == "/" }),
              !text.contains("{"), !text.contains("$"), !text.contains("<"), !text.contains("%"), !text.contains("://") || text.hasPrefix("hf://")
        else { return nil }
        let name = ProviderPrefix.split(text)?.rest ?? catalog.provider(forPrefixOf: text)?.rest ?? text
        guard let match = catalog.match(name) else { return nil }
        let normalized = Catalog.normalize(name)
        return match.matchedText.count >= 6 || match.matchedText.count * 2 >= normalized.count ? match : nil
    }
}

/// The application a source file belongs to: the nearest folder above it with a project manifest
/// (`pyproject.toml`, `package.json`, `go.mod`, ...), else its top folder; named after that folder.
enum ApplicationFolder {
    static let manifests = ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "package.json", "go.mod", "pom.xml",
                            "build.gradle", "build.gradle.kts", "Pipfile", "Cargo.toml"]
    private static let cache = Mutex<[String: Bool]>([:])

    static func deployment(for file: ManifestFile) -> DeploymentRef {
        DeploymentRef(kind: "Application", namespace: nil, name: name(for: file))
    }

    static func name(for file: ManifestFile) -> String {
        let folders = file.path.split(separator: "/").dropLast().map(String.init)
        // The scan root, absolute, so a scan of `.` is named after the folder rather than `.`.
        let root = file.absolutePath.hasSuffix("/" + file.path)
            ? URL(fileURLWithPath: String(file.absolutePath.dropLast(file.path.count + 1))).standardizedFileURL.path : nil
        if let root {
            var depth = folders.count
            while depth >= 0 {
                let folder = ([root] + folders.prefix(depth)).joined(separator: "/")
                if hasManifest(folder) {
                    return depth == 0 ? (root as NSString).lastPathComponent : folders[depth - 1]
                }
                depth -= 1
            }
            if folders.isEmpty { return (root as NSString).lastPathComponent }
        }
        return folders.first ?? "app"
    }

    private static func hasManifest(_ folder: String) -> Bool {
        if let known = cache.withLock({ $0[folder] }) { return known }
        let found = manifests.contains { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        cache.withLock { $0[folder] = found }
        return found
    }
}

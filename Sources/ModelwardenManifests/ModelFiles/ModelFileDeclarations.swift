import Foundation
import ModelwardenCore

/// What a model file on disk declares about itself, for `modelwarden explain PATH`: a GGUF file, a model folder
/// (README.md beside config.json, or a Hugging Face cache snapshot) or its README.md.
public enum ModelFileDeclarations {
    public struct Declared: Sendable {
        /// The model as the scanners report it (the GGUF file name, the folder's model id).
        public var model: String
        /// The links the file adds to the explanation's chain: its declared name and base models.
        public var links: [ModelExplanation.Link]
        /// The licence it declares, with where: `mit (GGUF metadata general.license)`.
        public var license: String?
    }

    /// Nil when the path is no model file; a thrown error when it is one that cannot be read (a corrupt header).
    public static func read(_ path: String) throws -> Declared? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let card = isDirectory.boolValue ? (path as NSString).appendingPathComponent("README.md") : path
        let name = (path as NSString).lastPathComponent
        let candidate = Discovery.Candidate(path: name, absolutePath: path)
        let scan: FileScan
        if !isDirectory.boolValue, GGUFScanner.claims(path) {
            scan = GGUFScanner.scan(candidate)
            if let problem = scan.diagnostics.first { throw ExplainError(message: problem.message) }
        } else if card.hasSuffix("README.md"), let text = try? String(contentsOfFile: card, encoding: .utf8) {
            // Name the card by the folder it sits in, as discovery would.
            let folder = ((card as NSString).deletingLastPathComponent as NSString).standardizingPath
            let file = ManifestFile(path: folder + "/README.md", absolutePath: card, text: text)
            var result = FileScan()
            guard ModelCardScanner().acceptsText(file) else { return nil }
            ModelCardScanner().scanText(file, into: &result)
            scan = result
        } else {
            return nil
        }
        guard let usage = scan.usages.first, let model = usage.model else { return nil }
        let fromGGUF = usage.evidence == "GGUF header"
        var links: [ModelExplanation.Link] = []
        if let declaredName = usage.declaredName { links.append(.init(model: declaredName, via: "GGUF metadata", detail: "general.name")) }
        for base in usage.declaredBaseModels {
            links.append(.init(model: base, via: fromGGUF ? "GGUF metadata" : "model card base_model:", detail: fromGGUF ? "general.base_model" : nil))
        }
        let license = usage.declaredLicense.map { "\($0) (\(usage.declaredLicenseSource ?? usage.evidence))" }
        return Declared(model: model, links: links, license: license)
    }

    public struct ExplainError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}

import Foundation
import ModelwardenCore

/// GGUF model files on disk: the header's `general.*` metadata says which model the file holds, the licence it
/// declares and the models it derives from. Only a bounded window of the header is read, never the weights; a
/// corrupt header is a diagnostic at its byte offset.
public enum GGUFScanner {
    public static func claims(_ path: String) -> Bool { path.lowercased().hasSuffix(".gguf") }

    public static func scan(_ candidate: Discovery.Candidate) -> FileScan {
        var scan = FileScan()
        let start = SourceLocation(file: candidate.path, line: 1, column: 1)
        let header: GGUFHeader
        do {
            switch ContainedRead.read(candidate, limit: GGUFHeader.window, window: GGUFHeader.window) {
            case .success(let contents):
                header = try GGUFHeader.parse([UInt8](contents.data), fileSize: contents.size)
            case .failure(.outsideRoots(let target)):
                scan.diagnostics.append(Diagnostic(start, ContainedRead.Failure.outsideRoots(target: target).reason, level: .warning))
                return scan
            case .failure(let failure):
                throw GGUFHeader.Corrupt(offset: 0, reason: failure.reason)
            }
        } catch {
            // A half-downloaded model found by the walk must not fail a CI gate; one the user named does.
            scan.diagnostics.append(Diagnostic(start, "\(error)", level: candidate.isNamed ? .error : .warning))
            if !candidate.isNamed { scan.unreadReason = "\(error)" }
            return scan
        }
        let parts = candidate.path.split(separator: "/").map(String.init)
        let fileName = parts.last ?? candidate.path
        let ref = DeploymentRef(kind: "ModelFile", namespace: nil, name: parts.dropLast().last ?? fileName)
        scan.deployments.append(Deployment(ref: ref, location: start))
        var usage = Usage(deployment: ref, model: fileName, location: start, hosting: .selfHosted, runtime: "unknown", evidence: "GGUF header")
        let metadata = header.metadata
        usage.declaredName = metadata["general.name"] ?? metadata["general.basename"]
        usage.declaredBaseModels = baseModels(metadata)
        if let license = metadata["general.license"] ?? metadata["general.license.name"] {
            usage.declaredLicense = license
            usage.declaredLicenseSource = "GGUF metadata general.license"
        }
        scan.usages.append(usage)
        return scan
    }

    /// `general.base_model.N.*`: a Hugging Face repository id from the repo URL, else organisation/name.
    static func baseModels(_ metadata: [String: String]) -> [String] {
        let count = Int(metadata["general.base_model.count"] ?? "") ?? 0
        return (0..<min(count, 16)).compactMap { index in
            let prefix = "general.base_model.\(index)."
            if let url = metadata[prefix + "repo_url"], let range = url.range(of: "huggingface.co/") {
                let path = url[range.upperBound...].split(separator: "/").prefix(2)
                if path.count == 2 { return path.joined(separator: "/") }
            }
            guard let name = metadata[prefix + "name"] else { return nil }
            return metadata[prefix + "organization"].map { "\($0)/\(name)" } ?? name
        }
    }
}

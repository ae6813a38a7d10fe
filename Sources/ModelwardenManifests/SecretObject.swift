import Foundation
import ModelwardenYAML

/// Kubernetes `Secret` objects: nothing in them is a model usage, and their `data`/`stringData` values are secrets by
/// definition, so no scanner reads them, whether the YAML parses or is read line by line.
enum SecretObject {
    static func isSecret(_ document: YAMLNode) -> Bool {
        document["kind"]?.scalar == "Secret" || document["kind"]?.scalar == "SealedSecret"
    }

    /// A broken section that declares `kind: Secret` at its top level.
    static func declaresSecret(_ lines: ArraySlice<Substring>) -> Bool {
        lines.contains { line in
            guard line.hasPrefix("kind:") else { return false }
            let value = line.dropFirst(5).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            return value == "Secret" || value == "SealedSecret"
        }
    }
}

import Foundation
import ModelwardenCore

/// `.env`, `.env.example`, `*.env`: `KEY=value` and `export KEY=value` lines, comments ignored.
public struct EnvFileScanner: ManifestScanner {
    public let format = "env-file"

    public init() {}

    public func acceptsText(_ file: ManifestFile) -> Bool {
        EnvFileScanner.isEnvFileName(file.name)
    }

    static func isEnvFileName(_ name: String) -> Bool {
        // Corpus-style flattened names (`app__.env.example`) end the same way as real ones.
        let base = name.split(separator: "_").last.map(String.init) ?? name
        return name == ".env" || name.hasPrefix(".env.") || name.hasSuffix(".env") || base.hasPrefix(".env.")
            || name.hasSuffix(".env.example") || name.hasSuffix(".env.sample") || name.hasSuffix(".env.template")
            || (name.hasSuffix(".sh") && name.lowercased().contains("env"))  // `set_env.sh`: export lines
    }

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        let variables = EnvFileScanner.parse(file)
        result.envVariables = variables
        // The app an env file configures is named by its folder.
        let directory = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "EnvFile", namespace: nil, name: directory ?? file.name)
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: 1, column: 1)))
        // AutoGen reads its model list from the `OAI_CONFIG_LIST` variable too: each entry is a client of its own.
        let configLists = variables.filter { $0.name == "OAI_CONFIG_LIST" }.compactMap(\.value).flatMap { AutoGenScanner.containers(inValue: $0, file: file) }
        let env = AppEnvConventions.refined(variables)
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [ContainerSpec(name: file.name, env: env)] + configLists))
    }

    static func parse(_ file: ManifestFile) -> [EnvVar] {
        var variables: [EnvVar] = []
        for (index, rawLine) in file.lines.enumerated() {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            var column = 1
            while let first = line.first, first == " " || first == "\t" {
                line = line.dropFirst(); column += 1
            }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") {
                line = line.dropFirst(7); column += 7
                while line.first == " " { line = line.dropFirst(); column += 1 }
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }) else { continue }
            var value = line[line.index(after: eq)...]
            var valueColumn = column + line.utf8.distance(from: line.startIndex, to: eq) + 1
            if let quote = value.first, quote == "\"" || quote == "'" {
                value = value.dropFirst(); valueColumn += 1
                if let end = value.firstIndex(of: quote) { value = value[..<end] }
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound]
            }
            let text = value.trimmingCharacters(in: .whitespaces)
            variables.append(EnvVar(
                name: name, nameLocation: Located(name, line: index + 1, column: column, file: file.path),
                value: text.isEmpty ? nil : Located(text, line: index + 1, column: valueColumn, file: file.path)))
        }
        return variables
    }
}

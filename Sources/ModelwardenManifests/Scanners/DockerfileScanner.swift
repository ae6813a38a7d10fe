import Foundation
import ModelwardenCore

/// Dockerfiles and Containerfiles: the final stage's `FROM` image names the server, `ENV` and `ARG` defaults are its
/// environment, and `CMD`, `ENTRYPOINT` and `RUN` (exec or shell form, continuations and heredocs joined) are read as
/// its command line, so `vllm serve X`, `--model X`, `ollama pull X` and `huggingface-cli download X` name the model.
public struct DockerfileScanner: ManifestScanner {
    public let format = "dockerfile"

    public init() {}

    public func acceptsText(_ file: ManifestFile) -> Bool { DockerfileScanner.isDockerfileName(file.name) }

    static func isDockerfileName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "dockerfile" || lower == "containerfile" || lower.hasSuffix(".dockerfile") || lower.hasPrefix("dockerfile.")
            || lower.hasSuffix(".containerfile")
    }

    public func scanText(_ file: ManifestFile, into result: inout FileScan) {
        let folder = file.path.split(separator: "/").dropLast().last.map(String.init)
        let ref = DeploymentRef(kind: "Dockerfile", namespace: nil, name: folder ?? file.name)
        var image: Located?
        var env: [EnvVar] = []
        var commands: [Located] = []
        for instruction in DockerfileScanner.instructions(of: file) {
            let (keyword, argument) = instruction
            switch keyword {
            case "FROM":
                // A new stage starts: only the last stage is what runs.
                let words = argument.text.split(separator: " ").filter { !$0.hasPrefix("--") }
                if let first = words.first {
                    let column = argument.column + argument.text.utf8.distance(from: argument.text.startIndex, to: first.startIndex)
                    image = Located(String(first), line: argument.line, column: column, file: file.path)
                }
                commands = []
            case "ENV", "ARG":
                env += DockerfileScanner.variables(argument, file: file)
            case "CMD", "ENTRYPOINT", "RUN":
                let parts = DockerfileScanner.execForm(argument, file: file)
                if keyword == "RUN", !ShellText.launchesModel(parts.map(\.text).joined(separator: " ")) { continue }
                commands += parts
            default:
                continue
            }
        }
        guard image != nil || !commands.isEmpty else { return }
        result.deployments.append(Deployment(ref: ref, location: SourceLocation(file: file.path, line: 1, column: 1)))
        let container = ContainerSpec(name: file.name, image: image, command: commands, env: env)
        result.workloads.append(Workload(deployment: ref, file: file.path, containers: [container]))
    }

    /// Instructions with their argument text; heredocs (`RUN <<EOF ... EOF`) are folded into the instruction.
    static func instructions(of file: ManifestFile) -> [(String, Located)] {
        var result: [(String, Located)] = []
        var heredoc: (end: String, keyword: String, text: String, line: Int, column: Int)?
        for line in ShellText.logicalLines(of: file) {
            if let open = heredoc {
                if line.text.trimmingCharacters(in: .whitespaces) == open.end {
                    result.append((open.keyword, Located(open.text, line: open.line, column: open.column, file: file.path)))
                    heredoc = nil
                } else {
                    heredoc = (open.end, open.keyword, open.text + "\n" + line.text, open.line, open.column)
                }
                continue
            }
            guard let space = line.text.firstIndex(where: { $0 == " " || $0 == "\t" }) else { continue }
            let keyword = line.text[..<space].uppercased()
            let rest = line.text[space...].drop { $0 == " " || $0 == "\t" }
            let column = line.column + line.text.utf8.distance(from: line.text.startIndex, to: rest.startIndex)
            if let marker = rest.range(of: "<<"), ["RUN", "CMD", "ENTRYPOINT"].contains(keyword) {
                let end = rest[marker.upperBound...].split(separator: " ").first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "-\"'")) } ?? ""
                if !end.isEmpty {
                    heredoc = (end, keyword, String(rest[..<marker.lowerBound]), line.line, column)
                    continue
                }
            }
            result.append((keyword, Located(String(rest), line: line.line, column: column, file: file.path)))
        }
        if let open = heredoc { result.append((open.keyword, Located(open.text, line: open.line, column: open.column, file: file.path))) }
        return result
    }

    /// `ENV A=1 B="two"`, `ENV A 1`, `ARG NAME=default`, `ARG NAME`.
    static func variables(_ argument: Located, file: ManifestFile) -> [EnvVar] {
        let line = ShellText.Line(text: argument.text, line: argument.line, column: argument.column)
        if !argument.text.contains("=") {
            // Legacy `ENV NAME value`.
            let words = argument.text.split(separator: " ", maxSplits: 1)
            guard let name = words.first else { return [] }
            let nameLocation = Located(String(name), line: argument.line, column: argument.column, file: file.path)
            guard words.count == 2 else { return [EnvVar(name: String(name), nameLocation: nameLocation, value: nil)] }
            let value = file.find(String(words[1]), from: argument.line, fallback: nameLocation)
            return [EnvVar(name: String(name), nameLocation: nameLocation, value: value)]
        }
        var variables: [EnvVar] = []
        var offset = 0
        for word in argument.text.split(separator: " ", omittingEmptySubsequences: false) {
            defer { offset += word.utf8.count + 1 }
            guard !word.isEmpty else { continue }
            let piece = ShellText.Line(text: String(word), line: line.line, column: line.column + offset)
            if let variable = ShellText.assignment(piece, file: file) { variables.append(variable) }
        }
        return variables
    }

    /// `["vllm", "serve", "x"]` as separate strings located in the file; shell form as one string.
    static func execForm(_ argument: Located, file: ManifestFile) -> [Located] {
        let text = argument.text.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("["), text.hasSuffix("]"), let data = text.data(using: .utf8),
              let items = try? JSONSerialization.jsonObject(with: data) as? [String] else { return [argument] }
        return items.map { file.find($0, from: argument.line, fallback: argument) }.map { found in
            var item = found
            item.file = file.path
            return item
        }
    }
}

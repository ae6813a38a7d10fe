import ModelwardenCore

/// What a stdio MCP server's command line launches: the launcher (`npx`, `uvx`, `docker`, ...), the package or image
/// as written without its version, the version as written, and whether that version is exact. Nothing is run.
struct MCPLaunchCommand: Equatable {
    var launcher: String
    var package: String?
    var version: String?
    var pinned: Bool = false
    /// Names of the variables a container is given with `-e NAME` or `-e NAME=value`.
    var containerEnv: [String] = []

    /// `command` and `args` as written; a command written as one string without `args` is split as a shell would.
    static func parse(command: String, args: [String]) -> MCPLaunchCommand {
        var words = args.isEmpty ? ShellText.words(command) : [command] + args
        // `cmd /c npx ...` (Windows) and `env A=1 npx ...` launch what follows.
        while let first = words.first.map(executableName), ["cmd", "cmd.exe"].contains(first), words.count > 2, words[1].lowercased() == "/c" {
            words.removeFirst(2)
        }
        if words.first.map(executableName) == "env" {
            words.removeFirst()
            while let word = words.first, word.contains("="), !word.hasPrefix("-") { words.removeFirst() }
        }
        guard let first = words.first else { return MCPLaunchCommand(launcher: "binary") }
        let rest = Array(words.dropFirst())
        switch executableName(first) {
        case "npx", "npx.cmd": return npmPackage(rest, launcher: "npx")
        case "bunx": return npmPackage(rest, launcher: "bunx")
        case "pnpm" where rest.first == "dlx", "yarn" where rest.first == "dlx": return npmPackage(Array(rest.dropFirst()), launcher: "npx")
        case "uvx": return pythonPackage(rest, launcher: "uvx", valueFlags: uvValueFlags)
        case "uv" where rest.first == "tool" && rest.dropFirst().first == "run": return pythonPackage(Array(rest.dropFirst(2)), launcher: "uvx", valueFlags: uvValueFlags)
        case "pipx" where rest.first == "run": return pythonPackage(Array(rest.dropFirst()), launcher: "pipx", valueFlags: ["--python", "--pip-args"])
        case "docker", "podman": return image(rest, launcher: executableName(first))
        case "node", "nodejs": return MCPLaunchCommand(launcher: "node")
        case "deno": return denoPackage(rest)
        default:
            let name = executableName(first)
            if name.hasPrefix("python") { return pythonModule(rest) }
            return MCPLaunchCommand(launcher: "binary")
        }
    }

    static let uvValueFlags: Set<String> = ["--python", "-p", "--index-url", "--extra-index-url", "--index", "--directory", "--with-requirements"]

    /// The last path component of an executable (`/usr/local/bin/npx` is npx).
    static func executableName(_ word: String) -> String {
        String(word.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? Substring(word)).lowercased()
    }

    /// `npx -y @scope/pkg@1.2.3 args`, `npx --package=pkg@1 bin`: the first word that is not a flag.
    private static func npmPackage(_ words: [String], launcher: String) -> MCPLaunchCommand {
        var index = 0
        var spec: String?
        while index < words.count {
            let word = words[index]
            if word == "-p" || word == "--package" {
                spec = index + 1 < words.count ? words[index + 1] : nil
                break
            }
            if word.hasPrefix("--package=") { spec = String(word.dropFirst("--package=".count)); break }
            if word == "--" { index += 1; continue }
            if word.hasPrefix("-") { index += 1; continue }
            spec = word
            break
        }
        var result = MCPLaunchCommand(launcher: launcher)
        guard let spec else { return result }
        let (name, version) = splitNPM(spec)
        result.package = name
        result.version = version
        result.pinned = version.map(isExactVersion) ?? false
        return result
    }

    /// `@scope/name@1.2.3` into name and version; the scope's own `@` is not a version separator.
    static func splitNPM(_ spec: String) -> (String, String?) {
        let body = spec.hasPrefix("npm:") ? String(spec.dropFirst(4)) : spec
        let searchStart = body.hasPrefix("@") ? body.index(after: body.startIndex) : body.startIndex
        guard let at = body[searchStart...].firstIndex(of: "@") else { return (body, nil) }
        let version = String(body[body.index(after: at)...])
        return (String(body[..<at]), version.isEmpty ? nil : version)
    }

    /// `uvx pkg==1.2.3`, `uvx pkg@1.2.3`, `uvx --from pkg==1.2.3 command`.
    private static func pythonPackage(_ words: [String], launcher: String, valueFlags: Set<String>) -> MCPLaunchCommand {
        var index = 0
        var spec: String?
        while index < words.count {
            let word = words[index]
            if word == "--from" || word == "--spec" {
                spec = index + 1 < words.count ? words[index + 1] : nil
                break
            }
            if word.hasPrefix("--from=") || word.hasPrefix("--spec=") { spec = String(word.split(separator: "=", maxSplits: 1)[1]); break }
            if word == "--with" { index += 2; continue }
            if valueFlags.contains(word) { index += 2; continue }
            if word.hasPrefix("-") { index += 1; continue }
            spec = word
            break
        }
        var result = MCPLaunchCommand(launcher: launcher)
        guard let spec else { return result }
        let (name, version, exact) = splitPython(spec)
        result.package = name
        result.version = version
        result.pinned = exact
        return result
    }

    /// `pkg==1.2.3` (exact), `pkg>=1` (a range), `pkg@1.2.3` (uv's exact form), `pkg[extra]==1`, a git or file URL.
    static func splitPython(_ spec: String) -> (String, String?, Bool) {
        if let range = spec.range(of: "==") {
            let version = String(spec[range.upperBound...])
            return (String(spec[..<range.lowerBound]), version, isExactVersion(version))
        }
        for operatorText in [">=", "<=", "~=", "!=", ">", "<"] {
            if let range = spec.range(of: operatorText) {
                return (String(spec[..<range.lowerBound]), String(spec[range.lowerBound...]), false)
            }
        }
        if !spec.contains("://"), let at = spec.firstIndex(of: "@") {
            let version = String(spec[spec.index(after: at)...])
            return (String(spec[..<at]), version, isExactVersion(version))
        }
        return (spec, nil, false)
    }

    /// `python -m package.module`: the module is what runs; `python server.py` runs a file of the repository.
    private static func pythonModule(_ words: [String]) -> MCPLaunchCommand {
        var result = MCPLaunchCommand(launcher: "python")
        if let index = words.firstIndex(of: "-m"), index + 1 < words.count { result.package = words[index + 1] }
        return result
    }

    /// `deno run -A npm:pkg@1.2.3` or `jsr:@scope/pkg@1`.
    private static func denoPackage(_ words: [String]) -> MCPLaunchCommand {
        var result = MCPLaunchCommand(launcher: "deno")
        guard let spec = words.first(where: { $0.hasPrefix("npm:") || $0.hasPrefix("jsr:") }) else { return result }
        let (name, version) = splitNPM(String(spec.dropFirst(4)))
        result.package = spec.hasPrefix("jsr:") ? "jsr:" + name : name
        result.version = version
        result.pinned = version.map(isExactVersion) ?? false
        return result
    }

    /// Options of `docker run` that take a value as the next word.
    static let dockerValueFlags: Set<String> = ["-e", "--env", "-v", "--volume", "--name", "-p", "--publish", "--network", "--net", "--env-file",
                                                "--mount", "-w", "--workdir", "-u", "--user", "--entrypoint", "--platform", "-l", "--label",
                                                "--add-host", "--cpus", "--memory", "-m", "--pull", "--restart", "-h", "--hostname", "--dns",
                                                "--cap-add", "--cap-drop", "--security-opt", "--tmpfs", "--device", "--gpus", "--ipc", "--shm-size",
                                                "--log-driver", "--runtime", "--ulimit", "--group-add", "--cidfile", "--stop-signal"]

    /// `docker run -i --rm -e TOKEN ghcr.io/org/server:1.2@sha256:...`: the image, its tag or digest, the variables.
    private static func image(_ words: [String], launcher: String) -> MCPLaunchCommand {
        var result = MCPLaunchCommand(launcher: launcher)
        var index = 0
        // `docker run`, `docker container run`.
        while index < words.count, ["container", "run"].contains(words[index]) { index += 1 }
        while index < words.count {
            let word = words[index]
            if word == "-e" || word == "--env" {
                if index + 1 < words.count { result.containerEnv.append(variableName(words[index + 1])) }
                index += 2
                continue
            }
            if word.hasPrefix("--env=") { result.containerEnv.append(variableName(String(word.dropFirst(6)))); index += 1; continue }
            if dockerValueFlags.contains(word) { index += 2; continue }
            if word.hasPrefix("-") { index += 1; continue }
            let (name, version, pinned) = splitImage(word)
            result.package = name
            result.version = version
            result.pinned = pinned
            break
        }
        return result
    }

    private static func variableName(_ assignment: String) -> String {
        String(assignment.split(separator: "=", maxSplits: 1).first ?? Substring(assignment))
    }

    /// `repo/image:tag@sha256:...`: the digest pins, a tag does not; a registry port is not a tag.
    static func splitImage(_ reference: String) -> (String, String?, Bool) {
        var name = Substring(reference)
        if let at = name.range(of: "@") {
            let digest = String(name[at.upperBound...])
            name = name[..<at.lowerBound]
            if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
            return (String(name), digest, digest.hasPrefix("sha256:") && digest.count == 71)
        }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            return (String(name[..<colon]), String(name[name.index(after: colon)...]), false)
        }
        return (String(name), nil, false)
    }

    /// `1.2.3`, `v1.2.3`, `1.2.3-beta.1`, `2025.4.1`: exact. `latest`, `^1.2`, `1.x`, `1`, `>=1` are not.
    static func isExactVersion(_ version: String) -> Bool {
        var text = Substring(version)
        if text.hasPrefix("v") { text = text.dropFirst() }
        let core = text.prefix { $0 != "-" && $0 != "+" }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

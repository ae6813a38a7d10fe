import Foundation
import ModelwardenCore

/// Finds the manifest files under the given paths, without following symlink loops or links that lead outside the
/// scanned folders (unless `followSymlinks`), leaving out what the
/// repository ignores (`.gitignore`, `.gitattributes`) and dependency trees. Skipped folders are pruned, never listed.
public enum Discovery {
    public struct Candidate: Sendable {
        /// Relative to the scanned folder (or the path as given for a file argument).
        public var path: String
        public var absolutePath: String
        /// Named on the command line rather than found in a folder: a file that cannot be read then fails the run.
        public var isNamed: Bool
        /// The real paths of the scanned folders the file must lie in when it is read; nil where links may lead
        /// anywhere (`--follow-symlinks`, or a file named on the command line).
        public var containedIn: [String]?
        /// Size and modification time from the walk's `lstat` of a regular file (nil for a link or a named file): a
        /// store compares them with its rows without asking again.
        public var status: (size: Int64, mtime: Double)? = nil

        public init(path: String, absolutePath: String, isNamed: Bool = false, containedIn: [String]? = nil) {
            self.path = path
            self.absolutePath = absolutePath
            self.isNamed = isNamed
            self.containedIn = containedIn
        }
    }

    public struct Result: Sendable {
        public var candidates: [Candidate] = []
        public var diagnostics: [Diagnostic] = []
        /// Paths left out by an ignore file, a Linguist attribute or a folder convention, with the reason.
        public var skipped: [SkippedPath] = []
    }

    static let skippedFiles: Set<String> = ["package.json", "package-lock.json", "tsconfig.json", "composer.json", "composer.lock", "renovate.json",
                                            ".eslintrc.json", ".modelwarden.yaml", ".modelwarden.yml"]
    /// Version-control state, tool caches and build state, and Modelwarden's own configuration: never read.
    public static let skippedFolders: Set<String> = [".git", ".hg", ".svn", ".build", ".swiftpm", "__pycache__", ".terraform", ".idea",
                                                     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox", ".gradle", ".next", ".nuxt",
                                                     ".yarn", ".pnpm-store", ".modelwarden"]
    /// Dependency trees installed or vendored by package managers: other projects' files, not this repository's
    /// configuration. `.gitattributes` can claim one back with `folder/** -linguist-vendored`.
    public static let vendoredFolders: Set<String> = ["node_modules", "bower_components", "jspm_packages", "site-packages", "dist-packages",
                                                      ".venv", "venv", "vendor", "third_party", "third-party", "thirdparty", "Pods"]

    /// Folders a watcher need not watch: the skipped and the vendored ones.
    public static func isNeverEntered(_ folderName: String) -> Bool {
        skippedFolders.contains(folderName) || vendoredFolders.contains(folderName)
    }

    /// Whether a file name is one the scanners read.
    public static func isCandidate(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || JSONWithComments.isJSONFileName(lower) || EnvFileScanner.isEnvFileName(name)
            || TerraformScanner.isTerraformFileName(name) || TemplateFile.isTemplatedManifestName(lower)
            || ModelfileScanner().acceptsText(ManifestFile(path: name, absolutePath: name, text: ""))
            || isConfigurationFormatName(name) || CodeLanguage.of(fileName: name) != nil
    }

    /// Files read by the configuration-format scanners of issue 15: Dockerfiles, shell scripts (read when they launch
    /// a model server), AutoGen config lists and TOML configs. Agent, eval and CI configs are YAML, already candidates.
    static func isConfigurationFormatName(_ name: String) -> Bool {
        DockerfileScanner.isDockerfileName(name) || ShellScriptScanner.isScriptName(name) || AutoGenScanner.isConfigListName(name)
            || TOMLConfigScanner.isTOMLName(name)
    }

    /// Model files read for what they declare: GGUF weights (header only) and a Hugging Face model card
    /// (README.md in a folder holding config.json).
    static func isModelFile(_ name: String, besides names: [String]) -> Bool {
        GGUFScanner.claims(name) || (name == "README.md" && names.contains("config.json"))
    }

    /// With the default options: ignore files read.
    public static func discover(_ paths: [String]) -> (candidates: [Candidate], diagnostics: [Diagnostic]) {
        let result = discover(paths, options: DiscoveryOptions())
        return (result.candidates, result.diagnostics)
    }

    public static func discover(_ paths: [String], options: DiscoveryOptions) -> Result {
        let fm = FileManager.default
        // Where links may lead without --follow-symlinks: the real paths of the scanned folders.
        let folders = paths.filter { path in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        var walker = RepositoryWalker(options: options, roots: folders.compactMap(SymbolicLinks.realPath))
        for root in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: root, isDirectory: &isDirectory) else {
                let broken = (try? fm.destinationOfSymbolicLink(atPath: root)) != nil
                walker.result.diagnostics.append(Diagnostic(SourceLocation(file: root, line: 1, column: 1), broken ? "broken symbolic link" : "no such file or folder"))
                continue
            }
            if !isDirectory.boolValue {
                walker.addNamedFile(root)
                continue
            }
            walker.walkRoot(root, relative: paths.count > 1 ? standardized(root) : "")
        }
        return walker.result
    }

    /// The candidate a walk of `root` would find at `file` (an absolute path below it), without walking: the folders
    /// on the way and the file itself are judged with the ignore files the walk would have read. Nil when the walk
    /// would leave it out; `unsure` when only a walk can tell (a link, a model file that its neighbours identify,
    /// an ignore file itself, a folder that is not there).
    public enum SingleFile: Sendable {
        case candidate(Candidate)
        case notRead
        case unsure
    }

    public static func judge(file: String, root: String, relativeRoot: String, options: DiscoveryOptions) -> SingleFile {
        let rootComponents = IgnoreRule.components(IgnoreRules.standardized(root))
        let components = IgnoreRule.components(IgnoreRules.standardized(file))
        guard components.count > rootComponents.count, Array(components.prefix(rootComponents.count)) == rootComponents,
              let name = components.last else { return .unsure }
        if name == ".gitignore" || name == ".gitattributes" || name == "README.md" { return .unsure }
        var info = stat()
        guard lstat(file, &info) == 0 else { return .notRead }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .unsure }
        guard isCandidate(name) || GGUFScanner.claims(name) else { return .notRead }
        var walker = RepositoryWalker(options: options, roots: [SymbolicLinks.realPath(root)].compactMap { $0 })
        return walker.judge(components: components, rootCount: rootComponents.count, root: root, relativeRoot: relativeRoot)
    }

    public static func standardized(_ path: String) -> String {
        var trimmed = path
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed == "." ? "" : trimmed
    }
}

/// One walk over the scanned paths: the ignore rules in force are carried down the folders as values, so a nested
/// `.gitignore` only applies below its folder.
struct RepositoryWalker {
    let options: DiscoveryOptions
    var result = Discovery.Result()
    private var visited = Set<String>()
    /// Real paths of the scanned folders.
    let roots: [String]
    /// Set while the root's own entries are walked in parallel: its folders, left for later (`walkInParallel`).
    private var deferring: [Deferred]? = nil
    /// A link to a folder was followed: a walk in parallel could reach that folder twice.
    private var metFolderLink = false

    init(options: DiscoveryOptions, roots: [String] = [], visited: Set<String> = []) {
        self.options = options
        self.roots = roots
        self.visited = visited
    }

    /// The rules in force in one folder.
    struct Rules {
        var ignores: IgnoreRules
        var attributes = LinguistAttributes()
    }

    /// A file named on the command line is always scanned, ignored or not; only the tool's own configuration is not.
    mutating func addNamedFile(_ path: String) {
        let name = (path as NSString).lastPathComponent
        if name == ".modelwarden.yaml" || name == ".modelwarden.yml" {
            result.diagnostics.append(Diagnostic(SourceLocation(file: path, line: 1, column: 1), "Modelwarden's own configuration, not a manifest; not scanned", level: .warning))
            return
        }
        result.candidates.append(Discovery.Candidate(path: name, absolutePath: path, isNamed: true))
    }

    mutating func walkRoot(_ root: String, relative: String) {
        let absolute = IgnoreRules.standardized(root)
        var rules = Rules(ignores: IgnoreRules(extra: options.extraIgnores))
        if options.useIgnoreFiles { readIgnoreFiles(above: absolute, into: &rules) }
        if options.walksFoldersInParallel, walkInParallel(root, absolute: IgnoreRule.components(absolute), relative: relative, rules: rules) { return }
        walk(root, absolute: IgnoreRule.components(absolute), relative: relative, rules: rules)
    }

    /// A folder left for later by the root's walk: where its entries go in the result, and how to walk it.
    struct Deferred: Sendable {
        var candidates: Int, diagnostics: Int, skipped: Int
        var folder: String, absolute: [String], relative: String, rules: Rules
    }

    /// Walks the root's own entries, then its folders on all cores, and puts each folder's entries where the walk
    /// one by one would have put them. Only links make the two walks differ (a folder reached twice is walked once,
    /// by whichever comes first): when any part met a link to a folder, it answers false with the walker untouched.
    private mutating func walkInParallel(_ root: String, absolute: [String], relative: String, rules: Rules) -> Bool {
        var top = self
        top.deferring = []
        top.walk(root, absolute: absolute, relative: relative, rules: rules)
        guard let deferred = top.deferring, deferred.count > 1, !top.metFolderLink else { return false }
        let seed = RepositoryWalker(options: options, roots: roots, visited: top.visited)
        let parts = ParallelMap.map(deferred) { job in
            var walker = seed
            walker.walk(job.folder, absolute: job.absolute, relative: job.relative, rules: job.rules)
            return walker
        }
        guard !parts.contains(where: \.metFolderLink) else { return false }
        // From the last folder back, so that the earlier places stay where they were.
        for (job, part) in zip(deferred, parts).reversed() {
            top.result.candidates.insert(contentsOf: part.result.candidates, at: job.candidates)
            top.result.diagnostics.insert(contentsOf: part.result.diagnostics, at: job.diagnostics)
            top.result.skipped.insert(contentsOf: part.result.skipped, at: job.skipped)
            top.visited.formUnion(part.visited)
        }
        top.deferring = nil
        self = top
        return true
    }

    /// The repository's `.git/info/exclude`, and the `.gitignore` and `.gitattributes` files between the repository
    /// root and the scanned folder, as git would apply them when the scan starts below the root.
    /// One file below `root`, judged as `walk` would judge it on its way down (see `Discovery.judge`).
    mutating func judge(components: [String], rootCount: Int, root: String, relativeRoot: String) -> Discovery.SingleFile {
        let absoluteRoot = IgnoreRules.standardized(root)
        var rules = Rules(ignores: IgnoreRules(extra: options.extraIgnores))
        if options.useIgnoreFiles { readIgnoreFiles(above: absoluteRoot, into: &rules) }
        var folder = absoluteRoot
        for depth in rootCount..<components.count {
            if options.useIgnoreFiles {
                let base = "/" + components[..<depth].joined(separator: "/")
                rules.ignores.read(folder + "/.gitignore", base: base, shownAs: folder + "/.gitignore")
                rules.attributes.read(folder + "/.gitattributes", base: base, shownAs: folder + "/.gitattributes")
            }
            let name = components[depth], path = Array(components[...depth])
            if depth == components.count - 1 {
                guard skipReason(file: name, path: path, rules: rules) == nil else { return .notRead }
            } else {
                folder += "/" + name
                // A link on the way is the walk's to judge (whether it leaves the scanned folders).
                var info = stat()
                guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return .unsure }
                guard skipReason(folder: name, path: path, rules: rules) == nil else { return .notRead }
            }
        }
        let below = components[rootCount...].joined(separator: "/")
        return .candidate(Discovery.Candidate(path: relativeRoot.isEmpty ? below : relativeRoot + "/" + below,
                                              absolutePath: absoluteRoot + "/" + below,
                                              containedIn: options.followSymlinks || roots.isEmpty ? nil : roots))
    }

    private func readIgnoreFiles(above folder: String, into rules: inout Rules) {
        guard let repository = IgnoreRules.repositoryRoot(above: folder) else { return }
        rules.ignores.read(repository + "/.git/info/exclude", base: repository, shownAs: ".git/info/exclude")
        var current = repository
        let below = IgnoreRule.components(folder).dropFirst(IgnoreRule.components(repository).count)
        for component in below {
            rules.ignores.read(current + "/.gitignore", base: current, shownAs: current + "/.gitignore")
            rules.attributes.read(current + "/.gitattributes", base: current, shownAs: current + "/.gitattributes")
            current += "/" + component
        }
    }

    private mutating func walk(_ folder: String, absolute: [String], relative: String, rules inherited: Rules) {
        let fm = FileManager.default
        // realpath(3), not Foundation's resolvingSymlinksInPath, which leaves a link's relative `..` target unresolved on
        // Linux: a link back into an ancestor then looked new at every level.
        let real = SymbolicLinks.realPath(folder) ?? (folder as NSString).resolvingSymlinksInPath
        guard visited.insert(real).inserted else {
            result.diagnostics.append(Diagnostic(SourceLocation(file: relative.isEmpty ? folder : relative, line: 1, column: 1), "symbolic link loop: folder already scanned as \(real)", level: .warning))
            return
        }
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            result.diagnostics.append(Diagnostic(SourceLocation(file: relative.isEmpty ? folder : relative, line: 1, column: 1), "cannot read folder: permission denied or not readable"))
            return
        }
        var rules = inherited
        if options.useIgnoreFiles {
            let shown = { (name: String) in relative.isEmpty ? name : "\(relative)/\(name)" }
            if names.contains(".gitignore") { rules.ignores.read(folder + "/.gitignore", base: "/" + absolute.joined(separator: "/"), shownAs: shown(".gitignore")) }
            if names.contains(".gitattributes") { rules.attributes.read(folder + "/.gitattributes", base: "/" + absolute.joined(separator: "/"), shownAs: shown(".gitattributes")) }
        }
        for name in names {
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            let childFolder = (folder as NSString).appendingPathComponent(name)
            // One lstat answers for everything but a link (nearly every entry): no second stat to ask what it is.
            var info = stat()
            let linkOrUnknown = lstat(childFolder, &info) != 0 || (info.st_mode & S_IFMT) == S_IFLNK
            if linkOrUnknown, !options.followSymlinks, let target = SymbolicLinks.escapingTarget(of: childFolder, roots: roots) {
                if target.isDirectory || Discovery.isCandidate(name) {
                    result.diagnostics.append(Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                                         "symbolic link to \(target.path), outside the scanned folders; not followed (--follow-symlinks follows it)",
                                                         level: .warning))
                }
                continue
            }
            var isDirectory: ObjCBool = ObjCBool((info.st_mode & S_IFMT) == S_IFDIR)
            guard !linkOrUnknown || fm.fileExists(atPath: childFolder, isDirectory: &isDirectory) else {
                if (try? fm.destinationOfSymbolicLink(atPath: childFolder)) != nil, Discovery.isCandidate(name) {
                    result.diagnostics.append(Diagnostic(SourceLocation(file: path, line: 1, column: 1), "broken symbolic link or symbolic link loop", level: .warning))
                }
                continue
            }
            let childPath = absolute + [name]
            if isDirectory.boolValue {
                if let reason = skipReason(folder: name, path: childPath, rules: rules) {
                    result.skipped.append(SkippedPath(path: path, reason: reason))
                    continue
                }
                if linkOrUnknown { metFolderLink = true }
                if deferring != nil {
                    deferring!.append(Deferred(candidates: result.candidates.count, diagnostics: result.diagnostics.count, skipped: result.skipped.count,
                                               folder: childFolder, absolute: childPath, relative: path, rules: rules))
                    continue
                }
                walk(childFolder, absolute: childPath, relative: path, rules: rules)
            } else if Discovery.isCandidate(name) || Discovery.isModelFile(name, besides: names) {
                if let reason = skipReason(file: name, path: childPath, rules: rules) {
                    result.skipped.append(SkippedPath(path: path, reason: reason))
                    continue
                }
                var candidate = Discovery.Candidate(path: path, absolutePath: childFolder,
                                                    containedIn: options.followSymlinks || roots.isEmpty ? nil : roots)
                if !linkOrUnknown {
                    candidate.status = (Int64(info.st_size), Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
                }
                result.candidates.append(candidate)
            }
        }
    }

    /// Why a folder is not entered, or nil to enter it.
    private func skipReason(folder name: String, path: [String], rules: Rules) -> String? {
        if Discovery.skippedFolders.contains(name) { return "version control, tool or build state (always skipped)" }
        if Discovery.vendoredFolders.contains(name) && !rules.attributes.unmarksVendored(folder: path) {
            return "vendored dependencies (\(name)/); `\(name)/** -linguist-vendored` in .gitattributes reads it"
        }
        if let rule = rules.ignores.ignoringRule(path, isDirectory: true) { return "ignored by \(rule.source): \(rule.text)" }
        if let (attribute, line) = rules.attributes.marking(folder: path) { return "\(attribute) in \(line.pattern.source): \(line.pattern.text)" }
        return nil
    }

    /// Why a candidate file is not read, or nil to read it.
    private func skipReason(file name: String, path: [String], rules: Rules) -> String? {
        if Discovery.skippedFiles.contains(name) { return "not a deployment configuration (always skipped)" }
        if let rule = rules.ignores.ignoringRule(path, isDirectory: false) { return "ignored by \(rule.source): \(rule.text)" }
        if let (attribute, line) = rules.attributes.marking(file: path) { return "\(attribute) in \(line.pattern.source): \(line.pattern.text)" }
        return nil
    }
}

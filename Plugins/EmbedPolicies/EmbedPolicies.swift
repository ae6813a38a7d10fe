import Foundation
import PackagePlugin

/// Compiles the package's `Policies/` folder into the target as Swift source (see `policy-embedder`), so the binary
/// works alone; every file of the folder is an input, so editing, adding or removing one regenerates it.
@main
struct EmbedPolicies: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let policies = context.package.directoryURL.appendingPathComponent("Policies")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedPolicyFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding the policy set from Policies/",
                executable: try context.tool(named: "policy-embedder").url,
                arguments: [policies.path, output.path],
                inputFiles: inputs(under: policies),
                outputFiles: [output])
        ]
    }

    /// The folder's files: the plugin runs on every build, so a new or removed file changes the command's inputs.
    private func inputs(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else { return [] }
        var urls: [URL] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            urls.append(url)
        }
        return urls.sorted { $0.path < $1.path }
    }
}

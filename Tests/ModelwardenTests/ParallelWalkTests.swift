import Foundation
import ModelwardenCore
@testable import ModelwardenManifests
import Testing

/// The root's folders are walked on both cores; what the walk finds, skips and reports, and in which order, must be
/// what a walk one folder after the other finds, whatever the tree holds: ignore files at every level, vendored and
/// tool folders, links inside and outside the tree (which send the walk back to one folder at a time).
@Suite struct ParallelWalkTests {
    @Test(arguments: UInt64(1)...12)
    func aParallelWalkFindsWhatAWalkOneFolderAtATimeFinds(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let folder = try TempFolder()
        let outside = try TempFolder()
        try outside.write("k8s/escaped.yaml", "kind: Deployment\n")
        let folders = ["", "a", "a/b", "a/b/c", "b", "c", "node_modules/x", "vendor", ".git", "deploy/k8s", "deploy/helm", "docs"]
        let names = ["app.yaml", "values.yaml", "docker-compose.yml", ".env", "README.md", "config.json", "Dockerfile", "notes.txt"]
        for _ in 0..<(20 + random.next(30)) {
            let place = folders[random.next(folders.count)]
            let path = (place.isEmpty ? "" : place + "/") + names[random.next(names.count)]
            try folder.write(path, "kind: Deployment\nmetadata: {name: x}\n")
        }
        let ignores = ["*.json\n", "b/\n", "!values.yaml\n*.yaml\n", "deploy/helm\n", "docs/**\n"]
        for place in ["", "a", "deploy"] where random.next(2) == 0 {
            try folder.write((place.isEmpty ? "" : place + "/") + ".gitignore", ignores[random.next(ignores.count)])
        }
        if random.next(2) == 0 { try folder.write(".gitattributes", "vendor/** -linguist-vendored\n") }
        switch random.next(4) {
        case 0: try FileManager.default.createSymbolicLink(atPath: folder.path + "/linked", withDestinationPath: folder.path + "/a")
        case 1: try FileManager.default.createSymbolicLink(atPath: folder.path + "/away", withDestinationPath: outside.path + "/k8s")
        case 2: try FileManager.default.createSymbolicLink(atPath: folder.path + "/a/loop", withDestinationPath: folder.path)
        default: break
        }
        for follow in [false, true] {
            var sequential = DiscoveryOptions(followSymlinks: follow)
            sequential.walksFoldersInParallel = false
            let one = Discovery.discover([folder.path], options: sequential)
            let both = Discovery.discover([folder.path], options: DiscoveryOptions(followSymlinks: follow))
            #expect(both.candidates.map { "\($0.path) \($0.absolutePath) \($0.containedIn ?? [])" }
                == one.candidates.map { "\($0.path) \($0.absolutePath) \($0.containedIn ?? [])" }, "seed \(seed) follow \(follow)")
            #expect(both.diagnostics.map(\.description) == one.diagnostics.map(\.description), "seed \(seed) follow \(follow)")
            #expect(both.skipped.map { "\($0.path) \($0.reason)" } == one.skipped.map { "\($0.path) \($0.reason)" }, "seed \(seed) follow \(follow)")
            #expect(!one.candidates.isEmpty)
        }
    }
}

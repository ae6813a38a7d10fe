// swift-tools-version: 6.0
import Foundation
import PackageDescription

let package = Package(
    name: "Modelwarden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "modelwarden", targets: ["modelwarden"]),
        .library(name: "ModelwardenCore", targets: ["ModelwardenCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // The system libyaml, through pkg-config `yaml-0.1` (Debian: libyaml-dev).
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Writes Policies/ as Swift source, with each file's YAML tree parsed once; run by the EmbedPolicies plugin at build time.
        .executableTarget(name: "policy-embedder", dependencies: ["ModelwardenYAML"], path: "Sources/policy-embedder"),
        .plugin(name: "EmbedPolicies", capability: .buildTool(), dependencies: ["policy-embedder"]),
        // The shipped policy set compiled in, so the binary needs no folder beside it.
        .target(name: "ModelwardenBuiltinPolicies", plugins: ["EmbedPolicies"]),
        // A thin wrapper over libyaml's event parser that builds a compact node tree with marks.
        .target(name: "ModelwardenYAML", dependencies: ["CLibYAML"]),
        // Domain types, catalog, policy language, resolver and evaluator.
        .target(
            name: "ModelwardenCore",
            dependencies: [
                "ModelwardenYAML", "ModelwardenBuiltinPolicies",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Discovery and one scanner per manifest format.
        .target(
            name: "ModelwardenManifests",
            dependencies: ["ModelwardenCore", "ModelwardenYAML", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The store: one protocol, SQLite (GRDB over the system libsqlite3) and PostgreSQL (postgres-nio): scans, files, deployments, usages, findings, events.
        .target(
            name: "ModelwardenStore",
            dependencies: [
                "ModelwardenCore", "ModelwardenManifests",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // One reporter per output format.
        .target(name: "ModelwardenReports", dependencies: ["ModelwardenCore", "ModelwardenStore", "ModelwardenYAML"]),
        // The long-running service: scanner, file watcher, policy reload, HTTP API, systemd notify, metrics.
        .target(
            name: "ModelwardenDaemon",
            dependencies: [
                "ModelwardenCore", "ModelwardenManifests", "ModelwardenReports", "ModelwardenStore", "ModelwardenYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "modelwarden",
            dependencies: [
                "ModelwardenCore", "ModelwardenManifests", "ModelwardenReports", "ModelwardenStore", "ModelwardenDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // scan --push: an HTTP client on the NIO stack the daemon already links, not URLSession (whose libcurl and
                // GnuTLS every start of the binary would load).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            // `--static-swift-stdlib` links with `-export-dynamic`, which put all 57,000 global symbols of the modules and
            // packages into the dynamic symbol table. Nothing looks them up (the runtime finds types and conformances
            // in their sections), but the runtime's start-up `dladdr` scanned them all: about a millisecond per start.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
        ),
        // The entry points of the libFuzzer targets, plain functions so that tests replay the inputs they found.
        .target(name: "ModelwardenFuzzing", dependencies: ["ModelwardenCore", "ModelwardenManifests", "ModelwardenYAML"]),
        .testTarget(
            name: "ModelwardenTests",
            dependencies: ["ModelwardenCore", "ModelwardenManifests", "ModelwardenReports", "ModelwardenYAML", "ModelwardenStore", "ModelwardenDaemon", "ModelwardenBuiltinPolicies",
                           "ModelwardenFuzzing",
                           .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer executables, one per entry point, only when Fuzz/run.sh asks for them: each defines
// LLVMFuzzerTestOneInput and gets its main() from `-sanitize=fuzzer`, so an ordinary build could not link them.
// Only Modelwarden's own parsing modules are instrumented (coverage and AddressSanitizer); dependencies are built as
// usual, which keeps the fuzz build short.
if Context.environment["MODELWARDEN_FUZZ"] != nil {
    let sanitizers = ["-sanitize=fuzzer,address"]
    for target in package.targets where ["ModelwardenYAML", "ModelwardenCore", "ModelwardenManifests", "ModelwardenFuzzing"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(sanitizers)]
    }
    // The build plugin's tool links ModelwardenYAML, instrumented above: it needs AddressSanitizer's runtime and
    // libFuzzer's without its main() (the tool has its own), from the toolchain's clang resource folder.
    let toolchain = (Context.environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/swiftc" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
        .map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().path }
    let clang = toolchain.map { $0 + "/lib/clang" }
    let versions = clang.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? []
    let fuzzerWithoutMain = versions.sorted().reversed().compactMap { version -> String? in
        let path = "\(clang!)/\(version)/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }.first
    if let embedder = package.targets.first(where: { $0.name == "policy-embedder" }) {
        embedder.linkerSettings = [.unsafeFlags(["-sanitize=address"] + (fuzzerWithoutMain.map { ["-Xlinker", $0] } ?? []))]
    }
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/Driver"))
    for name in ["yaml", "scanners", "policy", "env", "modelfile", "jsonc"] {
        package.targets.append(.executableTarget(name: "fuzz-\(name)", dependencies: ["ModelwardenFuzzing", "FuzzDriver"], path: "Fuzz/Targets/\(name)",
                                                 swiftSettings: [.unsafeFlags(sanitizers)], linkerSettings: [.unsafeFlags(sanitizers)]))
    }
}

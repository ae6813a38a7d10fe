// swift-tools-version: 6.0
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
    ],
    targets: [
        // The system libyaml, through pkg-config `yaml-0.1` (Debian: libyaml-dev).
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // A thin wrapper over libyaml's event parser that builds a compact node tree with marks.
        .target(name: "ModelwardenYAML", dependencies: ["CLibYAML"]),
        // Domain types, catalog, policy language, resolver and evaluator.
        .target(
            name: "ModelwardenCore",
            dependencies: [
                "ModelwardenYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Discovery and one scanner per manifest format.
        .target(name: "ModelwardenManifests", dependencies: ["ModelwardenCore", "ModelwardenYAML"]),
        // The SQLite store (GRDB over the system libsqlite3): scans, files, deployments, usages, findings, events.
        .target(
            name: "ModelwardenStore",
            dependencies: [
                "ModelwardenCore", "ModelwardenManifests",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // One reporter per output format.
        .target(name: "ModelwardenReports", dependencies: ["ModelwardenCore"]),
        .executableTarget(
            name: "modelwarden",
            dependencies: [
                "ModelwardenCore", "ModelwardenManifests", "ModelwardenReports", "ModelwardenStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ModelwardenTests",
            dependencies: ["ModelwardenCore", "ModelwardenManifests", "ModelwardenReports", "ModelwardenYAML", "ModelwardenStore",
                           .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

import Foundation
import ModelwardenCore
import ModelwardenManifests
import Testing

/// Paths of the package and the shared folder beside it.
enum Paths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let policies = packageRoot.appendingPathComponent("Policies").path
    static let deployments = packageRoot.appendingPathComponent("Deployments").path
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MODELWARDEN_BIN"] { return path }
        return packageRoot.appendingPathComponent(".build/debug/modelwarden").path
    }
}

/// The shipped policy set, loaded once.
enum Shipped {
    static let policy: PolicySet = {
        let loaded = PolicyLoader.load(from: Paths.policies, today: today)
        guard let policy = loaded.policy else {
            fatalError("shipped policies invalid:\n" + loaded.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return policy
    }()

    /// The shipped set with the example estate's `.modelwarden.yaml` layered on top: the Frachtwerk
    /// organisation and its waivers, as `modelwarden check Deployments` finds them.
    static let estate: PolicySet = {
        let layers = [PolicyLayer.folder(Paths.policies), PolicyLayer.configuration(Paths.deployments + "/.modelwarden.yaml")]
        let loaded = PolicyLoader.load(layers: layers, today: today)
        guard let policy = loaded.policy else {
            fatalError("example estate configuration invalid:\n" + loaded.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return policy
    }()

    /// A fixed day, so waiver expiry in tests does not depend on the calendar.
    static let today = PolicyDate("2026-11-29")!

    static func audit(_ files: [(String, String)], organization: PolicySet? = nil) -> AuditResult {
        Auditor(policy: organization ?? policy, today: today).audit(texts: files)
    }
}

/// A temporary folder removed when the value goes away.
final class TempFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("modelwarden-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var path: String { url.path }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file.path
    }
}

/// Runs a program and returns its exit code and output.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// `inheritEnvironment: false` runs with `environment` alone (no HOME, no PATH), as on a bare machine.
func run(_ executable: String, _ arguments: [String], cwd: String? = nil, environment: [String: String] = [:],
         inheritEnvironment: Bool = true) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    var env = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
    env.merge(environment) { _, new in new }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so a large output cannot fill the pipe and block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs a program with `input` on its standard input (a pipe, as in `kubectl get ... | modelwarden check -`).
func run(_ executable: String, _ arguments: [String], input: Data, cwd: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let inPipe = Pipe(), out = Pipe(), err = Pipe()
    process.standardInput = inPipe
    process.standardOutput = out
    process.standardError = err
    // A child that stops reading early (over the size limit) must give this process EPIPE, not SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    try process.run()
    // Feed and drain at once, so neither side can block on a full pipe.
    let writer = inPipe.fileHandleForWriting, errReader = err.fileHandleForReading
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
        try? writer.write(contentsOf: input)
        try? writer.close()
    }
    let errData = LockedData()
    DispatchQueue.global().async(group: group) { errData.set(errReader.readDataToEndOfFile()) }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData.get(), as: UTF8.self))
}

/// Bytes handed from a reader thread to the test.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

import Foundation
import Logging
@testable import ModelwardenStore
import PostgresNIO
import Testing

/// A throwaway PostgreSQL server for the tests: `initdb` and `pg_ctl` from /usr/lib/postgresql/*/bin, run as the
/// `postgres` user through `runuser` (the server refuses to run as root), listening only on a Unix socket in a
/// temporary folder, with password authentication. Started once per test process, stopped when it exits.
/// `MODELWARDEN_TEST_POSTGRES_URL` points the tests at a server someone else runs instead.
enum PostgresTestServer {
    static let password = "pw-\(UUID().uuidString.prefix(12))-Zq"

    static let binaries: String? = {
        guard let versions = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") else { return nil }
        for version in versions.sorted(by: >) {
            let bin = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") && FileManager.default.isExecutableFile(atPath: bin + "/pg_ctl") {
                return bin
            }
        }
        return nil
    }()

    static var runuser: String? {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Why the PostgreSQL half cannot run here, or nil when it can.
    static let unavailableReason: String? = {
        if ProcessInfo.processInfo.environment["MODELWARDEN_TEST_POSTGRES_URL"] != nil { return nil }
        guard binaries != nil else { return "PostgreSQL contract tests skipped: no initdb/pg_ctl under /usr/lib/postgresql/*/bin (apt-get install -y postgresql; .ci/run does)" }
        guard geteuid() == 0, runuser != nil else { return "PostgreSQL contract tests skipped: starting a throwaway server needs root (to run it as the postgres user through runuser)" }
        guard getpwnam("postgres") != nil else { return "PostgreSQL contract tests skipped: no postgres user" }
        return nil
    }()

    static var isAvailable: Bool { unavailableReason == nil }

    /// The server's base URL (no database), started on first use.
    static let baseURL: Result<String, any Error> = Result {
        if let url = ProcessInfo.processInfo.environment["MODELWARDEN_TEST_POSTGRES_URL"] { return url }
        return try start()
    }

    nonisolated(unsafe) private static var dataDirectory: String?

    private static func start() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modelwarden-pg-\(UUID().uuidString.prefix(8))").path
        let data = folder + "/data", socket = folder + "/socket"
        try FileManager.default.createDirectory(atPath: socket, withIntermediateDirectories: true)
        try Data(password.utf8).write(to: URL(fileURLWithPath: folder + "/pwfile"))
        _ = try run("/bin/chown", ["-R", "postgres:postgres", folder])
        _ = try run("/bin/chmod", ["700", folder])
        let bin = binaries!, runuser = runuser!
        let initdb = try run(runuser, ["-u", "postgres", "--", bin + "/initdb", "-D", data, "-U", "postgres", "--pwfile", folder + "/pwfile",
                                       "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale"])
        guard initdb.status == 0 else { throw Failure("initdb failed: \(initdb.stderr)") }
        try? FileManager.default.removeItem(atPath: folder + "/pwfile")
        // Not through pipes (the server outlives pg_ctl and would hold them open), and waited for with waitpid.
        let status = try spawnAndWait(runuser, ["-u", "postgres", "--", bin + "/pg_ctl", "-D", data, "-l", folder + "/server.log", "-w",
                                                "-o", "-k \(socket) -c listen_addresses='' -c max_connections=200 -c fsync=off", "start"])
        guard status == 0 else {
            let log = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
            throw Failure("pg_ctl start failed (\(status)):\n\(log)")
        }
        dataDirectory = data
        atexit {
            if let data = PostgresTestServer.dataDirectory, let bin = PostgresTestServer.binaries, let runuser = PostgresTestServer.runuser {
                _ = try? PostgresTestServer.spawnAndWait(runuser, ["-u", "postgres", "--", bin + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])
                try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent)
            }
        }
        return "postgres://postgres:\(password)@/postgres?host=\(socket)"
    }

    /// Runs a program with its standard streams on /dev/null (or the given files) and returns its exit status.
    static func spawnAndWait(_ path: String, _ arguments: [String], stdout: String = "/dev/null", stderr: String = "/dev/null",
                             environment: [String: String] = [:]) throws -> Int32 {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else is inherited: the server outlives this call, and a pipe another test opened at the same moment
        // (the stdin of a `check -` run) would stay open in it, so that test's child never sees end of file.
        // (glibc 2.34's posix_spawn_file_actions_addclosefrom_np, which the Glibc module does not export.)
        if let closeFrom = closeFrom { _ = closeFrom(&actions, 3) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure("cannot run \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    nonisolated(unsafe) static let closeFrom: AddCloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let counter = Counter()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    /// A URL of a new, empty database on the server.
    static func freshDatabaseURL() async throws -> String {
        let base = try baseURL.get()
        let name = "mw_\(getpid())_\(counter.next())"
        let location = try StoreLocation(base, environment: [:])
        guard case .postgres(let server) = location else { throw Failure("not a postgres URL") }
        let connection = try await PostgresConnection.connect(configuration: try server.connectionConfiguration(), id: 0, logger: Logger(label: "test"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "test"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return base.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    /// Runs `body` with a migrated store on a new database, its client running.
    static func withFreshStore(_ body: @Sendable (any AuditStore) async throws -> Void) async throws {
        let url = try await freshDatabaseURL()
        try await StoreLocation(url, environment: [:]).withStore(logger: Logger(label: "test")) { store in try await body(store) }
    }
}

extension PostgresTestServer {
    /// Everything the database holds, as `pg_dump` writes it.
    static func dumpAll(_ url: String) throws -> String {
        guard case .postgres(let location) = try StoreLocation(url, environment: [:]) else { throw Failure("not postgres") }
        let pgDump = binaries.map { $0 + "/pg_dump" } ?? "/usr/bin/pg_dump"
        var arguments = ["-U", location.user, "-d", location.database, "-p", String(location.port)]
        arguments += ["-h", location.socketDirectory ?? location.host ?? "localhost"]
        let result = try run(pgDump, arguments, environment: ["PGPASSWORD": location.password ?? ""])
        guard result.status == 0 else { throw Failure("pg_dump failed: \(result.stderr)") }
        return result.stdout
    }
}

/// Runs a program with its output in files rather than pipes: a trace-level log is far larger than a pipe holds.
func runToFiles(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    let folder = try TempFolder()
    let status = try PostgresTestServer.spawnAndWait(executable, arguments, stdout: folder.path + "/out", stderr: folder.path + "/err",
                                                     environment: environment)
    func read(_ name: String) -> String { (try? String(contentsOfFile: folder.path + "/" + name, encoding: .utf8)) ?? "" }
    return ProcessResult(status: status, stdout: read("out"), stderr: read("err"))
}

import Foundation
import Logging
import PostgresNIO

/// Where `--db` points: a SQLite file (any argument that is not a URL), or a PostgreSQL database named by a
/// `postgres://` or `postgresql://` URL. The description never contains a password.
public enum StoreLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `--db`; `environment` supplies `PGPASSWORD`, `PGPASSFILE`, `PGUSER` and `HOME` as libpq reads them.
    public init(_ argument: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let lowered = argument.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: argument, environment: environment))
        } else if lowered.contains("://") {
            throw Invalid(description: "--db takes a SQLite file path or a postgres:// URL, not \(StoreLocation.schemeOnly(argument))")
        } else {
            self = .sqlite(path: argument)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let location): return location.description
        }
    }

    /// A message for an error of either backend that says what went wrong and never includes a password: PostgreSQL's
    /// own errors print a generic text, so the server's message (or the connection problem) is taken from them.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    static func schemeOnly(_ argument: String) -> String {
        (argument.components(separatedBy: "://").first ?? "") + "://..."
    }

    /// Opens the store for the duration of `body`: a SQLite file directly; a PostgreSQL database through a client that
    /// runs (and is migrated) while `body` runs and shuts down after it.
    public func withStore<T: Sendable>(logger: Logger, _ body: @Sendable (any AuditStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite(let path):
            return try await body(try AuditDatabase.open(path: path))
        case .postgres(let location):
            let client = location.makeClient(logger: logger)
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                // The check goes over its own connection, while the client's pool starts.
                try await location.prepare(logger: logger)
                return try await body(PostgresAuditStore(client: client, location: location, logger: logger))
            }
        }
    }
}

/// A PostgreSQL database: `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE&host=/socket/dir`.
/// The password comes from the URL, else `PGPASSWORD`, else the password file (`PGPASSFILE` or `~/.pgpass`).
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// A TCP host; nil when `socketDirectory` is set.
    public var host: String?
    /// The folder holding the server's Unix socket (`.s.PGSQL.PORT`), from `host=/dir` or a host that is a path.
    public var socketDirectory: String?
    public var port: Int
    public var user: String
    public var database: String
    public var sslMode: SSLMode
    /// Never printed, logged or stored: `description` leaves it out.
    let password: String?

    public var hasPassword: Bool { password != nil }

    init(url text: String, environment: [String: String]) throws {
        func invalid(_ why: String) -> StoreLocation.Invalid {
            // The URL itself is not repeated: it may hold a password.
            StoreLocation.Invalid(description: "--db: the PostgreSQL URL is not usable: \(why)")
        }
        guard let components = URLComponents(string: text) else { throw invalid("it is not a URL (percent-encode special characters in the password)") }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard ["host", "port", "sslmode", "user", "dbname", "password"].contains(item.name) else {
                throw invalid("unknown parameter '\(item.name)' (known: host, port, sslmode, user, dbname, password)")
            }
            query[item.name] = item.value ?? ""
        }
        let urlHost = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        let hostValue = query["host"] ?? urlHost
        if let hostValue, hostValue.hasPrefix("/") {
            socketDirectory = hostValue
            host = nil
        } else {
            host = hostValue ?? "localhost"
            socketDirectory = nil
        }
        if let portText = query["port"] {
            guard let number = Int(portText), (1...65535).contains(number) else { throw invalid("port must be 1-65535") }
            port = number
        } else {
            port = components.port ?? 5432
        }
        guard (1...65535).contains(port) else { throw invalid("port must be 1-65535") }
        let urlUser = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        user = query["user"] ?? urlUser ?? environment["PGUSER"] ?? PostgresLocation.currentUser()
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let name = query["dbname"] ?? String(path.drop { $0 == "/" })
        database = name.isEmpty ? user : name
        if let mode = query["sslmode"] {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw invalid("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sslMode = parsed
        } else {
            sslMode = .prefer
        }
        let urlPassword = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let explicit = query["password"] ?? urlPassword ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        password = explicit ?? PasswordFile.lookup(environment: environment, host: socketDirectory ?? host ?? "localhost",
                                                   isSocket: socketDirectory != nil, port: port, database: database, user: user)
    }

    public var description: String {
        var text = "postgres://\(user)@"
        if let host { text += host.contains(":") ? "[\(host)]" : host }
        text += ":\(port)/\(database)"
        var parameters: [String] = []
        if let socketDirectory { parameters.append("host=\(socketDirectory)") }
        if sslMode != .prefer { parameters.append("sslmode=\(sslMode.rawValue)") }
        return parameters.isEmpty ? text : text + "?" + parameters.joined(separator: "&")
    }

    /// Connects once, so that an unreachable server or a refused password is an error now (the client's pool would
    /// retry for a minute), and creates or upgrades the schema; a database from a newer version is refused.
    public func prepare(logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: try connectionConfiguration(), id: 0, logger: logger)
        do {
            try await PostgresSchema.migrate(connection, location: description, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// The pooled client of the store; whoever holds it runs it (`run()`, or as a `Service` in a `ServiceGroup`).
    public func makeClient(logger: Logger) -> PostgresClient {
        PostgresClient(configuration: clientConfiguration(), backgroundLogger: logger)
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch tlsSettings() {
            case .none: tls = .disable
            case .some(let (settings, required)):
                let context = try NIOSSLContext(configuration: settings)
                tls = required ? .require(context) : .prefer(context)
            }
            configuration = .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The client's configuration: a Unix socket (no TLS there), or TCP with TLS as `sslmode` says.
    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch tlsSettings() {
            case .none: tls = .disable
            case .some(let (settings, required)): tls = required ? .require(settings) : .prefer(settings)
            }
            configuration = .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = 8
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// TLS as libpq's `sslmode` means it: nil for `disable`; otherwise the settings and whether TLS is required.
    /// `allow`, `prefer` and `require` do not verify the certificate (libpq does not either); `verify-ca` verifies the
    /// chain, `verify-full` the chain and the host name.
    private func tlsSettings() -> (TLSConfiguration, required: Bool)? {
        var settings = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable:
            return nil
        case .allow, .prefer:
            settings.certificateVerification = .none
            return (settings, false)
        case .require:
            settings.certificateVerification = .none
            return (settings, true)
        case .verifyCA:
            settings.certificateVerification = .noHostnameVerification
            return (settings, true)
        case .verifyFull:
            return (settings, true)
        }
    }

    static func currentUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "postgres"
    }
}

/// libpq's password file: lines of `host:port:database:username:password`, `*` matching anything, `\:` and `\\`
/// escaped, `#` comments. Like libpq, a file that group or others can read is ignored.
enum PasswordFile {
    static func lookup(environment: [String: String], host: String, isSocket: Bool, port: Int, database: String, user: String) -> String? {
        let path = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path, let text = readPrivateFile(path) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(String(line))
            guard fields.count == 5 else { continue }
            func matches(_ field: String, _ value: String) -> Bool { field == "*" || field == value }
            // A Unix socket connection matches `localhost` as well as the socket folder.
            let hostMatches = matches(fields[0], host) || (isSocket && fields[0] == "localhost")
            if hostMatches && matches(fields[1], String(port)) && matches(fields[2], database) && matches(fields[3], user) {
                return fields[4]
            }
        }
        return nil
    }

    static func readPrivateFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o077 == 0 else { return nil }
        return try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// Splits on unescaped colons, undoing `\:` and `\\`.
    static func split(_ line: String) -> [String] {
        var fields: [String] = [], current = "", escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}

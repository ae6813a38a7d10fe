import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ModelwardenReports
import ModelwardenStore
import NIOCore

/// The local HTTP API: health, Prometheus metrics, and the store's views as the CLI's JSON.
public enum APIServer {
    /// Requests are small; anything larger is refused before it is read.
    static let maxBodyBytes = 4 * 1024
    /// A connection with no complete request for this long is closed (also one that trickles its head).
    static let idleTimeout: TimeAmount = .seconds(15)
    /// A request must be fully received this long after its head, or the connection is closed (a trickled body).
    static let requestDeadline: TimeAmount = .seconds(10)
    /// Every path the API serves, with its methods: another method on one of them is 405, any other path 404.
    static let routes: [String: Set<HTTPRequest.Method>] = [
        "/healthz": [.get], "/readyz": [.get], "/metrics": [.get], "/v1/inventory": [.get], "/v1/tools": [.get], "/v1/findings": [.get], "/v1/history": [.get],
        "/v1/scans": [.get, .post],
    ]
    static let decoder = HTTP1Channel.Configuration.DecoderConfiguration(maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024,
                                                                         maxHeaderFieldCount: 64)

    /// The Hummingbird application, a `Service` for the daemon's group. `onListening` receives the bound address
    /// (the port is the kernel's choice when the configuration says 0).
    public static func application(listen: ListenAddress, coordinator: ScanCoordinator, metrics: DaemonMetrics, token: AccessToken,
                                   pushTokens: PushTokens, logger: Logger, onListening: @escaping @Sendable (String) -> Void = { _ in })
        -> some ApplicationProtocol {
        let router = makeRouter(coordinator: coordinator, metrics: metrics, token: token, pushTokens: pushTokens, logger: logger)
        var serverLogger = logger
        // Hummingbird logs every accepted connection at debug; the daemon's own debug output is enough.
        serverLogger.logLevel = max(logger.logLevel, .info)
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(deadline: requestDeadline)],
                                                idleTimeout: idleTimeout, httpDecoderConfiguration: decoder)),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "modelwarden"),
            onServerRunning: { channel in
                let bound = channel.localAddress.map { ListenAddress(host: $0.ipAddress ?? listen.host, port: $0.port ?? listen.port) } ?? listen
                let address = bound.description
                logger.notice("API listening", metadata: ["address": "\(address)", "token_required": "\(token.isRequired)"])
                onListening(address)
            },
            logger: serverLogger)
    }

    public static func makeRouter(coordinator: ScanCoordinator, metrics: DaemonMetrics, token: AccessToken,
                                  pushTokens: PushTokens = PushTokens(tokens: []), logger: Logger = Logger(label: "modelwarden"))
        -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Request counts and durations through swift-metrics, into the registry /metrics serves once the daemon bootstraps it.
        router.add(middleware: MetricsMiddleware())
        // Pushes carry a push token instead of the API's (checked by the endpoint, required even on loopback).
        router.add(middleware: BearerTokenMiddleware(token: token, open: ["/healthz", "/readyz"], openWhen: PushEndpoint.isPushPath))
        router.add(middleware: RequestGuardMiddleware(routes: routes, maxBodyBytes: maxBodyBytes))

        // The process is alive either way (a restart would not bring the database back); the body says what is wrong.
        router.get("/healthz") { _, _ in
            if let reason = await coordinator.degradedReason { return text("degraded: \(reason)\n") }
            return text("ok\n")
        }
        router.get("/readyz") { _, _ in
            if let reason = await coordinator.degradedReason { return text("degraded: \(reason)\n", status: .serviceUnavailable) }
            return await coordinator.isReady ? text("ready\n") : text("waiting for the first scan\n", status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            await coordinator.refreshEstateGauges()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/v1/inventory") { request, _ in
            let sources = sourceSelection(request)
            return await table { ReportTable.inventory(try await coordinator.store.inventory(sources: sources)) }
        }
        router.get("/v1/tools") { request, _ in
            let sources = sourceSelection(request)
            return await table { ReportTable.tools(try await coordinator.store.tools(sources: sources)) }
        }
        router.get("/v1/findings") { request, _ in
            let status = request.uri.queryParameters["status"].map(String.init)
            if let status, !["open", "resolved", "waived"].contains(status) {
                return problem("status must be open, resolved or waived", status: .badRequest)
            }
            let sources = sourceSelection(request)
            return await table { ReportTable.findings(try await coordinator.store.findings(status: status, sources: sources)) }
        }
        router.get("/v1/history") { request, _ in
            let query = request.uri.queryParameters
            let since = query["since"].map(String.init)
            if let since, since.count != 10 || since.split(separator: "-").count != 3 {
                return problem("since takes a date: YYYY-MM-DD", status: .badRequest)
            }
            let model = query["model"].map(String.init), deployment = query["deployment"].map(String.init)
            let sources = sourceSelection(request)
            return await table {
                ReportTable.history(try await coordinator.store.history(model: model, deployment: deployment, since: since, sources: sources))
            }
        }
        router.get("/v1/scans") { request, _ in
            let sources = sourceSelection(request)
            return await table { ReportTable.scans(try await coordinator.store.scans(sources: sources)) }
        }
        router.post("/v1/scans") { request, _ in
            _ = try await request.body.collect(upTo: maxBodyBytes)
            switch await coordinator.scan(reason: "API request") {
            case .success(let summary):
                return json(summaryJSON(summary))
            case .failure(let failure):
                return problem(failure.description, status: .internalServerError)
            }
        }
        router.post("/v1/sources/:source/scans") { request, context in
            await PushEndpoint.receive(request, source: context.parameters.get("source"), coordinator: coordinator, tokens: pushTokens,
                                       logger: logger)
        }
        return router
    }

    /// What a recorded scan did, as `POST /v1/scans` and a push answer it.
    static func summaryJSON(_ summary: ScanSummary) -> JSONValue {
        .object([
            ("scan", .int(Int(summary.scanID))), ("status", .string(summary.status)), ("source", .string(summary.source)),
            ("files", .int(summary.files)), ("files_parsed", .int(summary.filesParsed)), ("deployments", .int(summary.deployments)),
            ("usages", .int(summary.usages)), ("findings_open", .int(summary.openFindings)),
            ("findings_waived", .int(summary.waivedFindings)), ("events", .int(summary.events)),
            ("diagnostics", .array(summary.diagnostics.map { .string($0.description) })),
        ])
    }

    /// `?source=NAME` (repeatable, globs allowed): the sources a reader shows; all without it.
    static func sourceSelection(_ request: Request) -> SourceSelection {
        SourceSelection(request.uri.queryParameters.getAll("source"))
    }

    /// Reads the store (SQLite reads run on GRDB's own threads, PostgreSQL's on the client's) and renders the table.
    static func table(_ read: @escaping @Sendable () async throws -> ReportTable) async -> Response {
        do {
            let body = try await read().render(.json)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        } catch {
            return problem("the store could not be read: \(error)", status: .internalServerError)
        }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }

    static func problem(_ message: String, status: HTTPResponse.Status) -> Response {
        json(.object([("error", .string(message))]), status: status)
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// `Authorization: Bearer TOKEN` on every path but the health probes, when a token is configured.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AccessToken
    let open: Set<String>
    /// Paths that authenticate otherwise (pushes, with push tokens).
    var openWhen: @Sendable (String) -> Bool = { _ in false }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard token.isRequired, !open.contains(request.uri.path), !openWhen(request.uri.path) else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let scheme = "bearer "
        guard header.count > scheme.count, header.prefix(scheme.count).lowercased() == scheme,
              token.accepts(String(header.dropFirst(scheme.count)))
        else {
            var response = APIServer.problem("a valid bearer token is required", status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"modelwarden\""
            return response
        }
        return try await next(request, context)
    }
}

import Hummingbird

/// Answers what the router would get wrong or too late: a known path asked with another method is `405 Method Not
/// Allowed` with `Allow` (the router alone says 404), and a declared body over the limit is `413` before any of it is read.
struct RequestGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Every path the API serves, with its methods.
    let routes: [String: Set<HTTPRequest.Method>]
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let push = PushEndpoint.isPushPath(request.uri.path)
        let limit = push ? PushEndpoint.maxBodyBytes : maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return APIServer.problem(push ? "a pushed scan is limited to \(limit) bytes" : "request bodies are limited to \(limit) bytes",
                                     status: .contentTooLarge)
        }
        let methods: Set<HTTPRequest.Method>? = push ? [.post] : routes[request.uri.path]
        if let methods, !methods.contains(request.method) {
            var response = APIServer.problem("\(request.method.rawValue) is not allowed on \(request.uri.path)", status: .methodNotAllowed)
            response.headers[.allow] = methods.map(\.rawValue).sorted().joined(separator: ", ")
            return response
        }
        return try await next(request, context)
    }
}

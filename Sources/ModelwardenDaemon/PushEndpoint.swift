import Foundation
import Hummingbird
import Logging
import ModelwardenReports
import ModelwardenStore
import NIOCore

/// `POST /v1/sources/{source}/scans`: a scan run elsewhere (a CI job's `scan --push`) recorded through the daemon's
/// own store, so the job holds a push token and never the database's password. A push token is required even on
/// loopback; the body is bounded, checked like any untrusted input and scrubbed of secrets again before it is kept.
enum PushEndpoint {
    /// A pushed scan of a large repository is a few megabytes; more is refused before it is read.
    static let maxBodyBytes = 32 * 1024 * 1024
    static let pathPrefix = "/v1/sources/"
    static let pathSuffix = "/scans"

    static func isPushPath(_ path: String) -> Bool {
        path.hasPrefix(pathPrefix) && path.hasSuffix(pathSuffix) && path.count > pathPrefix.count + pathSuffix.count
    }

    static func receive(_ request: Request, source encoded: String?, coordinator: ScanCoordinator, tokens: PushTokens,
                        logger: Logger) async -> Response {
        guard tokens.isEnabled else {
            return APIServer.problem("this daemon takes no pushed scans: give it push tokens (push_tokens: FILE or --push-tokens FILE)",
                                     status: .forbidden)
        }
        guard let source = encoded?.removingPercentEncoding else { return APIServer.problem("the source in the path is not valid percent-encoding", status: .badRequest) }
        if let problem = SourceName.problem(source) { return APIServer.problem("source: \(problem)", status: .badRequest) }
        switch tokens.decide(token: bearerToken(request) ?? "", source: source) {
        case .allowed:
            break
        case .unknownToken:
            logger.notice("push refused: no valid push token", metadata: ["source": "\(source)"])
            var response = APIServer.problem("a valid push token is required (Authorization: Bearer TOKEN)", status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"modelwarden-push\""
            return response
        case .sourceNotAllowed(let pattern):
            logger.notice("push refused: source outside the token's glob", metadata: ["source": "\(source)", "allowed": "\(pattern)"])
            return APIServer.problem("this push token may push only to sources matching '\(pattern)', not '\(source)'", status: .forbidden)
        }
        if source == coordinator.sourceName {
            return APIServer.problem("'\(source)' is this daemon's own source, which only its own scans record", status: .conflict)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            return APIServer.problem("a pushed scan is limited to \(maxBodyBytes) bytes", status: .contentTooLarge)
        }
        return await record(Data(body.readableBytesView), source: source, coordinator: coordinator, logger: logger)
    }

    /// Checks the body, then records it as the source's new state.
    static func record(_ body: Data, source: String, coordinator: ScanCoordinator, logger: Logger) async -> Response {
        let pushed: PushedScan
        do {
            pushed = try await Offload.run { try PushedScan.decode(body) }
        } catch {
            logger.notice("push refused: invalid body", metadata: ["source": "\(source)", "error": "\(error)"])
            return APIServer.problem("the pushed scan is invalid: \(error)", status: .badRequest)
        }
        let store = coordinator.store
        let summary: ScanSummary
        do {
            let state = try await store.sourceState(source)
            let recording: ScanRecording
            do {
                recording = try await Offload.run { try pushed.recording(source: source, state: state) }
            } catch {
                logger.notice("push refused: invalid scan", metadata: ["source": "\(source)", "error": "\(error)"])
                return APIServer.problem("the pushed scan is invalid: \(error)", status: .badRequest)
            }
            summary = try await store.record(recording)
        } catch {
            logger.error("a pushed scan could not be recorded", metadata: ["source": "\(source)", "error": "\(StoreLocation.describe(error))"])
            return APIServer.problem("the scan could not be recorded: \(StoreLocation.describe(error))", status: .serviceUnavailable)
        }
        logger.info("pushed scan recorded", metadata: [
            "scan": "\(summary.scanID)", "source": "\(source)", "files": "\(summary.files)", "usages": "\(summary.usages)",
            "open_findings": "\(summary.openFindings)", "events": "\(summary.events)",
        ])
        return APIServer.json(APIServer.summaryJSON(summary), status: .created)
    }

    static func bearerToken(_ request: Request) -> String? {
        let header = request.headers[.authorization] ?? ""
        let scheme = "bearer "
        guard header.count > scheme.count, header.prefix(scheme.count).lowercased() == scheme else { return nil }
        return String(header.dropFirst(scheme.count))
    }
}

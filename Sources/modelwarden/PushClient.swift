import AsyncHTTPClient
import Foundation
import ModelwardenStore
import NIOCore

/// Sends a scan's result to a daemon's `POST /v1/sources/{source}/scans` with a push token (`scan --push`).
struct PushClient {
    /// The daemon's base URL, `https://modelwarden.example:9464`.
    let base: URL
    let token: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the token file: the first line, trimmed; the file's content is never repeated in a message.
    static func readToken(_ file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw Failure(description: "cannot read the token file \(file)") }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
            throw Failure(description: "the token file \(file) must hold one token on one line")
        }
        return token
    }

    /// The base URL as given, checked: http or https, a host, no user or password in it.
    static func baseURL(_ text: String) -> URL? {
        guard let components = URLComponents(string: text), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
              components.host?.isEmpty == false, components.user == nil, components.password == nil,
              components.query == nil else { return nil }
        return components.url
    }

    /// The endpoint of a source: its name percent-encoded as one path segment.
    func endpoint(source: String) -> URL {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let segment = source.addingPercentEncoding(withAllowedCharacters: allowed) ?? source
        let path = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
        return URL(string: path + "/v1/sources/" + segment + "/scans")!
    }

    /// Posts the scan; returns the daemon's summary (JSON object), or throws with what the daemon or the network said.
    func push(_ scan: PushedScan, source: String) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint(source: source).absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(ByteBuffer(bytes: try scan.encoded()))
        let (data, status) = try await send(request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard status == 201, let object else {
            let reason = object?["error"] as? String ?? "HTTP \(status)"
            throw Failure(description: "\(base.absoluteString) refused the scan (HTTP \(status)): \(reason)")
        }
        return object
    }

    /// One request, no retries: a refused push is reported, and the CI job decides whether to run again.
    private func send(_ request: HTTPClientRequest) async throws -> (Data, Int) {
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
            let body = try await response.body.collect(upTo: 16 << 20)
            return (Data(body.readableBytesView), Int(response.status.code))
        } catch {
            throw Failure(description: "cannot reach \(base.absoluteString): \(error)")
        }
    }
}

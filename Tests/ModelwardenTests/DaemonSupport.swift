import Foundation
import Glibc
import Synchronization

/// Stands in for systemd's notify socket: a Unix datagram socket that collects what the daemon sends.
final class NotifyListener: Sendable {
    let path: String
    private let fd: Int32
    private let received = Mutex<[String]>([])

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit { close(fd) }

    var messages: [String] { received.withLock { $0 } }

    /// Waits up to `timeout` for a datagram containing `text`; returns it, or nil.
    func waitFor(_ text: String, timeout: Double = 20) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let found = messages.first(where: { $0.contains(text) }) { return found }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { received.withLock { $0.append(String(decoding: buffer[0..<count], as: UTF8.self)) } }
        }
        return messages.first { $0.contains(text) }
    }

    /// Drops what has arrived so far, so the next wait sees only new messages.
    func reset() {
        _ = waitFor("\u{0}", timeout: 0.2)
        received.withLock { $0.removeAll() }
    }
}

/// `modelwarden daemon` as a subprocess whose stderr is collected as it arrives.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    private let stderrText = StderrBuffer()

    final class StderrBuffer: Sendable {
        let text = Mutex<String>("")
        /// The pipe reached its end: everything the process wrote is in `text`.
        let ended = Atomic<Bool>(false)
    }

    init(arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["daemon"] + arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.merge(environment) { _, new in new }
        process.environment = env
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [stderrText] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                stderrText.ended.store(true, ordering: .releasing)
            }
            stderrText.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    var stderr: String { stderrText.text.withLock { $0 } }

    /// How much stderr has been read so far: a mark for `waitForLog(_:after:)`.
    var logMark: Int { stderrText.text.withLock { $0.utf8.count } }

    /// Waits for a stderr line containing `text`, written after `mark` when one is given
    /// (so a line an earlier event already logged does not count).
    func waitForLog(_ text: String, after mark: Int = 0, timeout: Double = 20) -> Bool {
        func logged() -> Bool { String(decoding: stderr.utf8.dropFirst(mark), as: UTF8.self).contains(text) }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if logged() { return true }
            if !process.isRunning { return logged() }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// The API's address, from the daemon's `API listening address=HOST:PORT` line.
    func apiAddress(timeout: Double = 20) -> (host: String, port: Int)? {
        guard waitForLog("API listening", timeout: timeout) else { return nil }
        guard let range = stderr.range(of: #"address=([0-9.]+):(\d+)"#, options: .regularExpression) else { return nil }
        let parts = stderr[range].dropFirst("address=".count).split(separator: ":")
        return (String(parts[0]), Int(parts[1])!)
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit; nil if it is still running after `timeout`.
    func waitForExit(timeout: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else { return nil }
        // The exit can be seen before the last of stderr is read (a loaded machine): wait for the pipe's end.
        while !stderrText.ended.load(ordering: .acquiring) && Date() < deadline + 5 { Thread.sleep(forTimeInterval: 0.01) }
        return process.terminationStatus
    }
}

/// A minimal HTTP/1.1 client over a blocking socket: tests need exact control of headers and none of URLSession's retries.
struct HTTPReply {
    var status: Int
    var headers: String
    var body: String
}

/// `declaredLength` replaces the body's length in `Content-Length` (a client that announces more than it sends).
func httpRequest(_ method: String, host: String = "127.0.0.1", port: Int, path: String, headers: [String: String] = [:],
                 body: String = "", declaredLength: Int? = nil) -> HTTPReply? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &address.sin_addr)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\nContent-Length: \(declaredLength ?? body.utf8.count)\r\n"
    for (name, value) in headers { request += "\(name): \(value)\r\n" }
    request += "\r\n" + body
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if count <= 0 { break }
        sent += count
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response += buffer[0..<count]
    }
    let text = String(decoding: response, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    let head = String(text[..<split.lowerBound])
    let statusLine = head.split(separator: "\r\n").first ?? ""
    guard let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
    var bodyText = String(text[split.upperBound...])
    if head.lowercased().contains("transfer-encoding: chunked") { bodyText = dechunk(bodyText) }
    return HTTPReply(status: status, headers: head, body: bodyText)
}

private func dechunk(_ text: String) -> String {
    var rest = Substring(text)
    var out = ""
    while let lineEnd = rest.range(of: "\r\n") {
        guard let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 else { break }
        let start = lineEnd.upperBound
        let chunk = rest.utf8[start...].prefix(size)
        out += String(decoding: chunk, as: UTF8.self)
        rest = rest[rest.utf8.index(start, offsetBy: size)...].dropFirst(2)
    }
    return out
}

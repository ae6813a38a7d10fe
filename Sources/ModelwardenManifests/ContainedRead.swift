import Foundation

/// Reads a discovered file through one descriptor and checks what was opened, not the name. The walk already refuses
/// links that lead out of the scanned folders, but a file swapped for such a link between the walk and the read (a
/// race an attacker with write access to the repository controls) would otherwise be read; checking the opened
/// descriptor's real path closes that window.
public enum ContainedRead {
    public enum Failure: Error, Equatable {
        case cannotOpen(permissionDenied: Bool)
        case notRegularFile
        case tooLarge(bytes: Int, limit: Int)
        /// The opened file lies outside the folders it must stay within; `target` is where it lies.
        case outsideRoots(target: String)
        case readError
    }

    public struct Contents: Sendable {
        public var data: Data
        /// The file's full size, which is more than `data` holds when a window was asked for.
        public var size: Int
    }

    /// Reads `candidate`'s bytes: all of them, up to `limit`, or only the first `window` bytes when one is given
    /// (a model file's header). `O_NONBLOCK` keeps a FIFO swapped in from blocking the open.
    public static func read(_ candidate: Discovery.Candidate, limit: Int, window: Int? = nil) -> Result<Contents, Failure> {
        let descriptor = open(candidate.absolutePath, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(.cannotOpen(permissionDenied: errno == EACCES || errno == EPERM)) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.readError) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegularFile) }
        if let roots = candidate.containedIn, let opened = openedPath(descriptor),
           !roots.contains(where: { SymbolicLinks.isInside(opened, root: $0) }) {
            return .failure(.outsideRoots(target: opened))
        }
        let size = Int(info.st_size)
        if window == nil, size > limit { return .failure(.tooLarge(bytes: size, limit: limit)) }
        guard let data = readAll(descriptor, upTo: window ?? limit + 1, expected: size) else { return .failure(.readError) }
        // The file grew past the limit after fstat: still too large.
        if window == nil, data.count > limit { return .failure(.tooLarge(bytes: data.count, limit: limit)) }
        return .success(Contents(data: data, size: size))
    }

    /// The real path of an open descriptor, from the kernel; nil where /proc is not mounted.
    static func openedPath(_ descriptor: Int32) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(PATH_MAX) + 1) { buffer in
            let count = readlink("/proc/self/fd/\(descriptor)", buffer.baseAddress!, buffer.count - 1)
            guard count > 0 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    }

    /// Reads into a buffer sized from `fstat` (one byte more, to see growth), growing it only if the file grew.
    private static func readAll(_ descriptor: Int32, upTo maximum: Int, expected: Int) -> Data? {
        var buffer = [UInt8](repeating: 0, count: max(1, min(maximum, expected + 1)))
        var filled = 0
        while filled < maximum {
            if filled == buffer.count { buffer += repeatElement(0, count: min(buffer.count, maximum - filled)) }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            filled += count
        }
        return Data(buffer[0..<filled])
    }
}

extension ContainedRead.Failure {
    /// The diagnostic's words, as the scanner has always phrased them.
    public var reason: String {
        switch self {
        case .cannotOpen(let permissionDenied): permissionDenied ? "cannot read file: permission denied" : "cannot read file"
        case .notRegularFile: "not a regular file; not scanned"
        case .tooLarge(let bytes, let limit): "file is \(bytes) bytes, over the \(limit)-byte limit; not scanned"
        case .outsideRoots(let target): "symbolic link to \(target), outside the scanned folders; not followed (--follow-symlinks follows it)"
        case .readError: "cannot read file: input/output error"
        }
    }
}

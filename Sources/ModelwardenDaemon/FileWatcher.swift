#if canImport(Glibc)
import Glibc
import Foundation
import Logging
import ModelwardenManifests
import Synchronization

/// Watches folders of manifests with inotify and reports that something relevant changed.
/// inotify is not recursive: every folder gets its own watch, and folders created later are added as they appear.
/// Written by hand because no library here wraps inotify.
public final class FileWatcher: Sendable {
    /// One element per burst of changes; the consumer debounces. Bursts that arrive while nobody reads collapse into one.
    public let changes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let inotify: Int32
    private let wakeup: (read: Int32, write: Int32)
    private let watched = Mutex<[Int32: String]>([:])
    /// The paths asked for (not the folders found below them).
    private let roots = Mutex<Set<String>>([])
    private let counter = Atomic<UInt64>(0)
    private let pending = Mutex(Changes())
    private let ignoredPaths: Set<String>
    private let logger: Logger

    static let mask: UInt32 = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
        | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter ignoring: files whose changes are the daemon's own (its database and journal files).
    public init(ignoring: [String], logger: Logger) throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw Failure(description: "inotify_init1 failed: \(String(cString: strerror(errno)))") }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw Failure(description: "pipe failed: \(String(cString: strerror(errno)))")
        }
        for end in pipeFDs { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        inotify = fd
        wakeup = (pipeFDs[0], pipeFDs[1])
        ignoredPaths = Set(ignoring)
        self.logger = logger
        (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    deinit {
        close(inotify)
        close(wakeup.read)
        close(wakeup.write)
    }

    /// The files that changed since the last `takeChanges()`; a folder event, a replaced root or lost events need a walk.
    public struct Changes: Sendable {
        public var files: Set<String> = []
        public var needsWalk = false

        public init(files: Set<String> = [], needsWalk: Bool = false) {
            self.files = files
            self.needsWalk = needsWalk
        }
    }

    /// What changed since the last call, and starts a new set.
    public func takeChanges() -> Changes {
        pending.withLock { changes in
            defer { changes = Changes() }
            return changes
        }
    }

    /// Counts relevant events; a debouncer compares it before and after its quiet period.
    public var generation: UInt64 { counter.load(ordering: .acquiring) }

    /// Number of folders and files under watch.
    public var watchCount: Int { watched.withLock { $0.count } }

    /// Watches a file or a folder tree.
    public func watchRoot(_ path: String) {
        roots.withLock { _ = $0.insert(path) }
        watch(path)
    }

    /// Adds a watch on `path` and, for a folder, on every folder below it (not following symlinks).
    func watch(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            logger.warning("cannot watch a path that does not exist yet; the interval scan still covers it", metadata: ["path": "\(path)"])
            return
        }
        let descriptor = inotify_add_watch(inotify, path, Self.mask)
        guard descriptor >= 0 else {
            let reason = errno == ENOSPC ? "the inotify watch limit is reached (fs.inotify.max_user_watches)" : String(cString: strerror(errno))
            logger.warning("cannot watch; changes here are seen at the next interval scan", metadata: ["path": "\(path)", "reason": "\(reason)"])
            return
        }
        watched.withLock { $0[descriptor] = path }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where !Discovery.isNeverEntered(name) {
            let child = path == "/" ? "/" + name : path + "/" + name
            var childInfo = stat()
            if lstat(child, &childInfo) == 0 && (childInfo.st_mode & S_IFMT) == S_IFDIR { watch(child) }
        }
    }

    /// Reads events on a thread of its own until `stop()`.
    public func start() {
        let thread = Thread { [self] in readLoop() }
        thread.name = "modelwarden-inotify"
        thread.start()
    }

    public func stop() {
        var byte: UInt8 = 1
        _ = write(wakeup.write, &byte, 1)
        continuation.finish()
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var descriptors = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup.read, events: Int16(POLLIN), revents: 0)]
        while true {
            guard poll(&descriptors, 2, -1) >= 0 || errno == EINTR else { return }
            if descriptors[1].revents != 0 { return }
            guard descriptors[0].revents != 0 else { continue }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                if handle(buffer[0..<count]) {
                    counter.add(1, ordering: .releasing)
                    continuation.yield()
                }
            }
        }
    }

    /// Parses a batch of `inotify_event` records; true when one of them matters to a scan.
    private func handle(_ bytes: ArraySlice<UInt8>) -> Bool {
        var relevant = false
        bytes.withUnsafeBytes { raw in
            var offset = 0
            let header = MemoryLayout<Int32>.size + 3 * MemoryLayout<UInt32>.size
            while offset + header <= raw.count {
                let descriptor = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let nameLength = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = raw[(offset + header)..<min(raw.count, offset + header + nameLength)].prefix { $0 != 0 }
                offset += header + nameLength
                let name = String(decoding: nameBytes, as: UTF8.self)

                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    pending.withLock { $0.needsWalk = true }
                    relevant = true  // events were lost: rescan everything
                    continue
                }
                if mask & UInt32(IN_IGNORED) != 0 {
                    let path = watched.withLock { $0.removeValue(forKey: descriptor) }
                    // A watched file that an editor or `kubectl` replaced by renaming: watch the new file at that path.
                    if let path, roots.withLock({ $0.contains(path) }) {
                        watch(path)
                        pending.withLock { $0.needsWalk = true }
                        relevant = true
                    }
                    continue
                }
                guard let folder = watched.withLock({ $0[descriptor] }) else { continue }
                let path = name.isEmpty ? folder : folder + "/" + name
                if ignoredPaths.contains(path) { continue }
                let isFolder = mask & UInt32(IN_ISDIR) != 0
                if isFolder {
                    if Discovery.isNeverEntered(name) { continue }
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { watch(path) }
                    pending.withLock { $0.needsWalk = true }
                    relevant = true
                } else if name.isEmpty || Discovery.isCandidate(name) || GGUFScanner.claims(name) || name == ".gitignore"
                            || name == ".gitattributes" {
                    // A watched file itself (no name), a manifest or model file in a watched folder, or an ignore file
                    // (the walk judges it); editors' swap files are not.
                    pending.withLock { if name.isEmpty { $0.needsWalk = true } else { $0.files.insert(path) } }
                    relevant = true
                }
            }
        }
        return relevant
    }
}
#endif

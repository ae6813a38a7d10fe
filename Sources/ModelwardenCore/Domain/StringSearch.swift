#if canImport(Glibc)
import Glibc
#endif

extension StringProtocol {
    /// Substring search over UTF-8 bytes. Foundation's `contains` bridges to NSString and dominated the
    /// scan profile; this is the same answer without the bridge.
    @inlinable
    public func includes(_ needle: some StringProtocol) -> Bool {
        // Native strings are contiguous UTF-8: glibc's memchr and memcmp search them with SIMD.
        let contiguous = self.utf8.withContiguousStorageIfAvailable { haystack in
            needle.utf8.withContiguousStorageIfAvailable { pattern -> Bool in
                guard let patternBase = pattern.baseAddress, !pattern.isEmpty else { return true }
                guard let haystackBase = haystack.baseAddress, haystack.count >= pattern.count else { return false }
                return ByteSearch.find(patternBase, count: pattern.count, in: haystackBase, count: haystack.count)
            }
        }
        if let found = contiguous ?? nil { return found }
        return slowIncludes(needle)
    }

    /// The UTF-8 offset of the first occurrence of `needle`, without Foundation's `range(of:)` (which bridges to
    /// NSString and costs a locale-aware search).
    public func byteOffset(of needle: some StringProtocol) -> Int? {
        // Contiguous (native) strings are searched in place; others are copied once.
        if let inPlace = utf8.withContiguousStorageIfAvailable({ haystack in
            needle.utf8.withContiguousStorageIfAvailable { pattern in ByteSearch.offset(of: pattern, in: haystack) }
        }), let searched = inPlace {
            return searched
        }
        let haystack = Array(utf8), pattern = Array(needle.utf8)
        return haystack.withUnsafeBufferPointer { h in pattern.withUnsafeBufferPointer { p in ByteSearch.offset(of: p, in: h) } }
    }

    @usableFromInline
    func slowIncludes(_ needle: some StringProtocol) -> Bool {
        let haystack = self.utf8, pattern = needle.utf8
        guard let first = pattern.first else { return true }
        let count = pattern.count
        guard haystack.count >= count else { return false }
        var start = haystack.startIndex
        let last = haystack.index(haystack.endIndex, offsetBy: -count)
        while start <= last {
            if haystack[start] == first && haystack[start...].starts(with: pattern) { return true }
            start = haystack.index(after: start)
        }
        return false
    }
}

extension String {
    /// Spaces, tabs and line breaks removed from both ends, without Foundation's CharacterSet bridge.
    public var trimmed: String {
        let utf8 = self.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        if first == utf8.startIndex && utf8.index(after: last) == utf8.endIndex { return self }
        return String(Substring(utf8[first...last]))
    }
}

/// A substring search over raw bytes: memchr finds each candidate first byte, memcmp checks the rest.
/// (glibc's memmem is not visible through Swift's Glibc module.)
public enum ByteSearch {
    @inlinable
    public static func find(_ pattern: UnsafePointer<UInt8>, count patternCount: Int, in haystack: UnsafePointer<UInt8>, count: Int) -> Bool {
        offset(of: pattern, count: patternCount, in: haystack, count: count) != nil
    }

    public static func offset(of pattern: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let patternBase = pattern.baseAddress, !pattern.isEmpty else { return 0 }
        guard let haystackBase = haystack.baseAddress else { return nil }
        return offset(of: patternBase, count: pattern.count, in: haystackBase, count: haystack.count)
    }

    @inlinable
    public static func offset(of pattern: UnsafePointer<UInt8>, count patternCount: Int, in haystack: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard patternCount > 0 else { return 0 }
        guard count >= patternCount else { return nil }
        // memchr looks for the pattern's rarest byte (`mcpServers`: the `S`, not the `m`), so common letters do not
        // stop it at every other position of a manifest.
        let anchor = rarestByteIndex(pattern, count: patternCount)
        let anchorByte = Int32(pattern[anchor])
        var cursor = haystack + anchor
        let last = haystack + (count - patternCount) + anchor
        while cursor <= last {
            guard let found = memchr(cursor, anchorByte, last - cursor + 1) else { return nil }
            let candidate = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - anchor
            if memcmp(candidate, pattern, patternCount) == 0 { return candidate - haystack }
            cursor = candidate + anchor + 1
        }
        return nil
    }

    /// Bytes of manifests and code from the most common on; any other byte counts as rare.
    @usableFromInline
    static let commonness: [UInt8] = {
        var rank = [UInt8](repeating: 0, count: 256)
        let common = Array(" \netaoinsrlcdmuhpgf-_.:\"/ybvwkx0123456789".utf8)
        for (index, byte) in common.enumerated() { rank[Int(byte)] = UInt8(common.count - index) }
        return rank
    }()

    @inlinable
    static func rarestByteIndex(_ pattern: UnsafePointer<UInt8>, count: Int) -> Int {
        var best = 0
        for index in 1..<max(count, 1) where commonness[Int(pattern[index])] < commonness[Int(pattern[best])] { best = index }
        return best
    }
}

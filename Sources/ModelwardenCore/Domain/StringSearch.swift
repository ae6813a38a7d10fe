extension StringProtocol {
    /// Substring search over UTF-8 bytes. Foundation's `contains` bridges to NSString and dominated the
    /// scan profile; this is the same answer without the bridge.
    @inlinable
    public func includes(_ needle: some StringProtocol) -> Bool {
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

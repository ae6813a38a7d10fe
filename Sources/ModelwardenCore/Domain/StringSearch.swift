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

/// Whether an API model id fixes a version: a date anywhere (`2024-08-06`, `20240806`), a Vertex `@001` revision, or a
/// number or `v` version at the end (`-002`, `-0613`, `-v2:0`). This is the regular expression
/// `\d{4}-?\d{2}-?\d{2}|@\d+|-\d{3}$|-v\d+(:\d+)?$|-\d{4}$`, matched on ASCII bytes: every usage of every rule run asks it,
/// and Foundation compiles a regular expression on each call.
public enum VersionSuffix {
    public static func fixesVersion(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        return containsDate(bytes) || containsRevision(bytes) || endsInNumber(bytes) || endsInVersion(bytes)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The number of digits from `start`, at most `limit`.
    static func digits(_ bytes: [UInt8], from start: Int, limit: Int = .max) -> Int {
        var count = 0
        while start + count < bytes.count, count < limit, isDigit(bytes[start + count]) { count += 1 }
        return count
    }

    /// `\d{4}-?\d{2}-?\d{2}` anywhere.
    static func containsDate(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { start in
            guard digits(bytes, from: start, limit: 4) == 4 else { return false }
            var cursor = start + 4
            for _ in 0..<2 {
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
                guard digits(bytes, from: cursor, limit: 2) == 2 else { return false }
                cursor += 2
            }
            return true
        }
    }

    /// `@\d+` anywhere.
    static func containsRevision(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { bytes[$0] == UInt8(ascii: "@") && digits(bytes, from: $0 + 1, limit: 1) == 1 }
    }

    /// `-\d{3}$` or `-\d{4}$`.
    static func endsInNumber(_ bytes: [UInt8]) -> Bool {
        [3, 4].contains { count in
            let dash = bytes.count - count - 1
            return dash >= 0 && bytes[dash] == UInt8(ascii: "-") && digits(bytes, from: dash + 1) == count
        }
    }

    /// `-v\d+(:\d+)?$`.
    static func endsInVersion(_ bytes: [UInt8]) -> Bool {
        var cursor = bytes.count
        func digitsBefore() -> Int {
            var count = 0
            while cursor - count - 1 >= 0, isDigit(bytes[cursor - count - 1]) { count += 1 }
            return count
        }
        var run = digitsBefore()
        guard run > 0 else { return false }
        cursor -= run
        if cursor >= 1, bytes[cursor - 1] == UInt8(ascii: ":") {
            cursor -= 1
            run = digitsBefore()
            guard run > 0 else { return false }
            cursor -= run
        }
        return cursor >= 2 && bytes[cursor - 1] == UInt8(ascii: "v") && bytes[cursor - 2] == UInt8(ascii: "-")
    }
}

import Foundation

/// The metadata at the start of a GGUF file (github.com/ggml-org/ggml/blob/master/docs/gguf.md), read from a bounded
/// window: the weights that follow are never loaded. Only the `general.*` keys are kept; the scan stops at the first
/// key outside the window, since tokenizer arrays after them can be megabytes long.
public struct GGUFHeader: Sendable, Equatable {
    public var version: UInt32
    public var metadata: [String: String]
    /// True when reading stopped before every key: the window ended (normal for big tokenizer arrays) or a nested
    /// array follows.
    public var truncated: Bool

    /// How much of a file is read: the `general.*` keys come first in files written by llama.cpp.
    public static let window = 1 << 20
    /// More keys than this is a corrupt count, not a model.
    static let maxKeys: UInt64 = 1 << 20
    static let maxStringBytes: UInt64 = 1 << 16
    static let maxArrayItems: UInt64 = 1 << 24

    public struct Corrupt: Error, Equatable, CustomStringConvertible {
        /// Byte offset of the problem in the file.
        public var offset: Int
        public var reason: String
        public var description: String { "corrupt GGUF header at byte \(offset): \(reason)" }
    }

    /// Reads at most `window` bytes of the file at `path`.
    public static func read(path: String, window: Int = GGUFHeader.window) throws -> GGUFHeader {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Corrupt(offset: 0, reason: "cannot open file") }
        defer { try? handle.close() }
        let bytes = (try? handle.read(upToCount: window)) ?? Data()
        let fileSize = (try? handle.seekToEnd()).map(Int.init) ?? bytes.count
        return try parse([UInt8](bytes), fileSize: fileSize)
    }

    /// Parses a header from the first bytes of a file of `fileSize` bytes.
    public static func parse(_ bytes: [UInt8], fileSize: Int? = nil) throws -> GGUFHeader {
        var reader = Reader(bytes: bytes, fileSize: fileSize ?? bytes.count)
        guard bytes.count >= 4, bytes[0..<4].elementsEqual("GGUF".utf8) else { throw Corrupt(offset: 0, reason: "no GGUF magic") }
        reader.offset = 4
        let version = try reader.u32()
        guard version == 2 || version == 3 else { throw Corrupt(offset: 4, reason: "unsupported version \(version)") }
        _ = try reader.u64() // tensor count
        let keyCount = try reader.u64()
        guard keyCount <= maxKeys else { throw Corrupt(offset: 16, reason: "implausible key count \(keyCount)") }
        var header = GGUFHeader(version: version, metadata: [:], truncated: false)
        do {
            for _ in 0..<keyCount {
                let key = try reader.string()
                let type = try reader.u32()
                if key.hasPrefix("general."), let value = try reader.scalar(type: type) {
                    header.metadata[key] = value
                } else {
                    try reader.skip(type: type)
                }
            }
        } catch is Reader.Stop {
            // The window ended, or a value this reader does not walk (a nested array) follows: keep what was read.
            header.truncated = true
        }
        return header
    }

    /// A little-endian cursor that tells the end of the read window from the end of the file.
    struct Reader {
        enum Stop: Error { case windowEnded, nestedArray }
        let bytes: [UInt8]
        let fileSize: Int
        var offset = 0

        mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= bytes.count else {
                if offset + count <= fileSize, bytes.count < fileSize { throw Stop.windowEnded }
                throw Corrupt(offset: offset, reason: "\(count) bytes needed, the file ends first")
            }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }

        mutating func u32() throws -> UInt32 { try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func u64() throws -> UInt64 { try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }

        mutating func string() throws -> String {
            let start = offset
            let length = try u64()
            guard length <= GGUFHeader.maxStringBytes else { throw Corrupt(offset: start, reason: "implausible string length \(length)") }
            return String(decoding: try take(Int(length)), as: UTF8.self)
        }

        /// Sizes of the fixed-width value types, by GGUF type code.
        static func width(_ type: UInt32) -> Int? {
            switch type {
            case 0, 1, 7: return 1
            case 2, 3: return 2
            case 4, 5, 6: return 4
            case 10, 11, 12: return 8
            default: return nil
            }
        }

        /// A string or integer value as text; other types are skipped (nil).
        mutating func scalar(type: UInt32) throws -> String? {
            switch type {
            case 8: return try string()
            case 4: return String(try u32())
            case 10: return String(try u64())
            default:
                try skip(type: type)
                return nil
            }
        }

        mutating func skip(type: UInt32) throws {
            let start = offset
            if let width = Reader.width(type) {
                _ = try take(width)
            } else if type == 8 {
                _ = try string()
            } else if type == 9 {
                let itemType = try u32()
                let count = try u64()
                guard count <= GGUFHeader.maxArrayItems else {
                    throw Corrupt(offset: start, reason: "implausible array of \(count) items of type \(itemType)")
                }
                if itemType == 9 { throw Stop.nestedArray }
                if let width = Reader.width(itemType) {
                    _ = try take(width * Int(count))
                } else if itemType == 8 {
                    for _ in 0..<count { _ = try string() }
                } else {
                    throw Corrupt(offset: start, reason: "unknown array item type \(itemType)")
                }
            } else {
                throw Corrupt(offset: start, reason: "unknown value type \(type)")
            }
        }
    }
}

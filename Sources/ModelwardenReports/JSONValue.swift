import ModelwardenCore

/// A JSON value whose objects keep their key order, so output is stable and reads in a sensible order.
public enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    /// An array whose items are made only as they are written (a report's usages and findings): the whole tree of a
    /// large report is never in memory at once.
    case lazyArray(count: Int, item: @Sendable (Int) -> JSONValue)
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    public func serialized(indent: Int? = 2) -> String {
        var out = ""
        serialize(indent: indent) { out += $0 }
        return out
    }

    /// The text handed to `emit` in pieces of about 64 KiB; large arrays are written in chunks on all cores.
    public func serialize(indent: Int? = 2, into emit: (String) throws -> Void) rethrows {
        var writer = Writer(indent: indent)
        try write(into: &writer, level: 0, emit: emit)
        try emit(writer.text)
    }

    /// The text being written, as UTF-8 bytes (appending bytes costs less than appending Strings piece by piece), and
    /// what it needs at every line.
    struct Writer {
        let indent: Int?
        /// A chunk written on another core keeps all of its text: it neither hands pieces on nor splits its arrays.
        var streams = true
        var bytes: [UInt8] = []

        init(indent: Int?, streams: Bool = true) {
            self.indent = indent
            self.streams = streams
            bytes.reserveCapacity(streams ? 65_536 + 4_096 : 16_384)
        }

        var text: String { String(decoding: bytes, as: UTF8.self) }

        mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func append(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func newline() { if indent != nil { bytes.append(0x0A) } }

        mutating func pad(_ level: Int) {
            guard let indent else { return }
            bytes.append(contentsOf: repeatElement(0x20, count: indent * level))
        }

        mutating func flushIfLarge(_ emit: (String) throws -> Void) rethrows {
            guard streams, bytes.count >= 65_536 else { return }
            try emit(text)
            bytes.removeAll(keepingCapacity: true)
        }
    }

    /// Arrays this long are written in chunks on all cores (the usages and findings of a scan of a few hundred files
    /// and more); a chunk holds an eighth of the array, at most `maxChunkSize` items. `chunksAtOnce` chunks are in
    /// memory together, each as bytes and then as text: enough to keep the cores busy, few enough that the report
    /// adds little to the scan's peak memory.
    static let parallelArrayThreshold = 256
    static let maxChunkSize = 128
    static let chunksAtOnce = 4

    static func chunkSize(count: Int) -> Int { min(maxChunkSize, max(32, count / 8)) }

    private func write(into out: inout Writer, level: Int, emit: (String) throws -> Void) rethrows {
        switch self {
        case .null: out.append("null" as StaticString)
        case .bool(let flag): out.append(flag ? "true" as StaticString : "false")
        case .int(let number): out.append(String(number))
        case .string(let text): JSONValue.escape(text, into: &out.bytes)
        case .array(let items):
            try JSONValue.writeArray(count: items.count, item: { items[$0] }, into: &out, level: level, emit: emit)
        case .lazyArray(let count, let item):
            try JSONValue.writeArray(count: count, item: item, into: &out, level: level, emit: emit)
        case .object(let pairs):
            if pairs.isEmpty { out.append("{}" as StaticString); return }
            // Every usage and finding of a report is an object: its pieces are appended one by one, with no pair
            // copied out of the array and no small strings joined first.
            out.bytes.append(UInt8(ascii: "{"))
            out.newline()
            let last = pairs.count - 1
            for index in pairs.indices {
                out.pad(level + 1)
                JSONValue.escape(pairs[index].0, into: &out.bytes)
                out.bytes.append(UInt8(ascii: ":"))
                if out.indent != nil { out.bytes.append(0x20) }
                try pairs[index].1.write(into: &out, level: level + 1, emit: emit)
                if index < last { out.bytes.append(UInt8(ascii: ",")) }
                out.newline()
            }
            out.pad(level)
            out.bytes.append(UInt8(ascii: "}"))
        }
    }

    private static func writeArray(count: Int, item: @Sendable (Int) -> JSONValue, into out: inout Writer, level: Int,
                                   emit: (String) throws -> Void) rethrows {
        if count == 0 { out.append("[]" as StaticString); return }
        out.bytes.append(UInt8(ascii: "["))
        out.newline()
        if out.streams && count >= JSONValue.parallelArrayThreshold {
            try JSONValue.writeInChunks(count: count, item: item, into: &out, level: level + 1, emit: emit)
        } else {
            for index in 0..<count {
                out.pad(level + 1)
                try item(index).write(into: &out, level: level + 1, emit: emit)
                if index < count - 1 { out.bytes.append(UInt8(ascii: ",")) }
                out.newline()
                try out.flushIfLarge(emit)
            }
        }
        out.pad(level)
        out.bytes.append(UInt8(ascii: "]"))
    }

    /// A long array's items, a few chunks at a time: each chunk is written on its own core, then handed on in order.
    private static func writeInChunks(count: Int, item: @Sendable (Int) -> JSONValue, into out: inout Writer, level: Int,
                                      emit: (String) throws -> Void) rethrows {
        let size = chunkSize(count: count)
        let starts = Array(stride(from: 0, to: count, by: size))
        let indent = out.indent
        for batch in stride(from: 0, to: starts.count, by: chunksAtOnce) {
            let chunks = withoutActuallyEscaping(item) { item in
                ParallelMap.map(Array(starts[batch..<min(batch + chunksAtOnce, starts.count)])) { start in
                    var chunk = Writer(indent: indent, streams: false)
                    let end = min(start + size, count)
                    for index in start..<end {
                        chunk.pad(level)
                        item(index).write(into: &chunk, level: level) { _ in }  // never called: the chunk does not stream
                        if index < count - 1 { chunk.bytes.append(UInt8(ascii: ",")) }
                        chunk.newline()
                    }
                    return chunk.text
                }
            }
            try emit(out.text)
            out.bytes.removeAll(keepingCapacity: true)
            for chunk in chunks { try emit(chunk) }
        }
    }

    /// `text` as a JSON string literal. Only ASCII bytes are ever escaped, so the bytes of other characters are copied
    /// as they are (the text is valid UTF-8).
    static func escape(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Most strings need no escaping: append them whole.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                out.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case ..<0x20:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hexDigit(byte >> 4))
                    out.append(hexDigit(byte & 0x0F))
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10 }
}

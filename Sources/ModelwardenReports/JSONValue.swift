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
        try emit(writer.buffer)
    }

    /// The text being written and what it needs at every line.
    struct Writer {
        let indent: Int?
        /// A chunk written on another core keeps all of its text: it neither hands pieces on nor splits its arrays.
        var streams = true
        var buffer = ""
        var newline: String { indent == nil ? "" : "\n" }

        mutating func pad(_ level: Int) { buffer += JSONValue.pad(indent, level) }

        mutating func flushIfLarge(_ emit: (String) throws -> Void) rethrows {
            guard streams, buffer.utf8.count >= 65_536 else { return }
            try emit(buffer)
            buffer = ""
        }
    }

    /// Arrays longer than this are written in chunks on all cores (the usages and findings of a large scan).
    static let parallelArrayThreshold = 2_000
    static let chunkSize = 500

    private func write(into out: inout Writer, level: Int, emit: (String) throws -> Void) rethrows {
        switch self {
        case .null: out.buffer += "null"
        case .bool(let flag): out.buffer += flag ? "true" : "false"
        case .int(let number): out.buffer += String(number)
        case .string(let text): JSONValue.escape(text, into: &out.buffer)
        case .array(let items):
            try JSONValue.writeArray(count: items.count, item: { items[$0] }, into: &out, level: level, emit: emit)
        case .lazyArray(let count, let item):
            try JSONValue.writeArray(count: count, item: item, into: &out, level: level, emit: emit)
        case .object(let pairs):
            if pairs.isEmpty { out.buffer += "{}"; return }
            // Every usage and finding of a report is an object: its pieces are appended one by one, with no pair
            // copied out of the array and no small strings joined first.
            out.buffer += "{"
            out.buffer += out.newline
            let separator = out.indent == nil ? ":" : ": ", last = pairs.count - 1
            for index in pairs.indices {
                out.pad(level + 1)
                JSONValue.escape(pairs[index].0, into: &out.buffer)
                out.buffer += separator
                try pairs[index].1.write(into: &out, level: level + 1, emit: emit)
                if index < last { out.buffer += "," }
                out.buffer += out.newline
            }
            out.pad(level)
            out.buffer += "}"
        }
    }

    private static func writeArray(count: Int, item: @Sendable (Int) -> JSONValue, into out: inout Writer, level: Int,
                                   emit: (String) throws -> Void) rethrows {
        if count == 0 { out.buffer += "[]"; return }
        out.buffer += "["
        out.buffer += out.newline
        if out.streams && count >= JSONValue.parallelArrayThreshold {
            try JSONValue.writeInChunks(count: count, item: item, into: &out, level: level + 1, emit: emit)
        } else {
            for index in 0..<count {
                out.pad(level + 1)
                try item(index).write(into: &out, level: level + 1, emit: emit)
                if index < count - 1 { out.buffer += "," }
                out.buffer += out.newline
                try out.flushIfLarge(emit)
            }
        }
        out.pad(level)
        out.buffer += "]"
    }

    /// A long array's items, a few chunks at a time: each chunk is written on its own core, then handed on in order.
    private static func writeInChunks(count: Int, item: @Sendable (Int) -> JSONValue, into out: inout Writer, level: Int,
                                      emit: (String) throws -> Void) rethrows {
        let starts = Array(stride(from: 0, to: count, by: chunkSize))
        let indent = out.indent
        for batch in stride(from: 0, to: starts.count, by: 8) {
            let chunks = withoutActuallyEscaping(item) { item in
                ParallelMap.map(Array(starts[batch..<min(batch + 8, starts.count)])) { start in
                    var chunk = Writer(indent: indent, streams: false)
                    let end = min(start + chunkSize, count)
                    for index in start..<end {
                        chunk.pad(level)
                        item(index).write(into: &chunk, level: level) { _ in }  // never called: the chunk does not stream
                        if index < count - 1 { chunk.buffer += "," }
                        chunk.buffer += chunk.newline
                    }
                    return chunk.buffer
                }
            }
            try emit(out.buffer)
            out.buffer = ""
            for chunk in chunks { try emit(chunk) }
        }
    }

    /// Indentation strings, made once: every line of a large report starts with one.
    static let pads = (0..<16).map { String(repeating: " ", count: $0) }

    static func pad(_ indent: Int?, _ level: Int) -> String {
        guard let indent else { return "" }
        let width = indent * level
        return width < pads.count ? pads[width] : String(repeating: " ", count: width)
    }

    static func escape(_ text: String, into out: inout String) {
        out += "\""
        // Most strings need no escaping: append them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

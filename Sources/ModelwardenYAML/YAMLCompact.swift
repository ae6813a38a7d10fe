/// A compact serial form of a `YAMLNode` tree, so a tree parsed once (the built-in policy set, at build time) is
/// rebuilt without libyaml: decoding is a single pass that only copies the scalars out.
///
/// The form is valid UTF-8, so it can be carried in a Swift string literal: each node is a header byte (kind, scalar
/// style, whether it has a tag), its line and column, its tag, then either the scalar's UTF-8 bytes or its children.
/// Numbers are written in 6-bit groups below 0x80 (0x40 marks "more follows"), so no byte of the framing can start or
/// continue a multi-byte UTF-8 sequence, and the scalars' own bytes are copied whole.
public enum YAMLCompact {
    private enum Kind: UInt8 {
        case scalar = 0, sequence = 1, mapping = 2
    }

    private static let hasTag: UInt8 = 4

    /// The compact form of one tree.
    public static func encode(_ node: YAMLNode) -> [UInt8] {
        var out: [UInt8] = []
        write(node, to: &out)
        return out
    }

    /// The tree back from `encode`'s bytes; nil when they are not a whole, well-formed encoding of one tree.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> YAMLNode? {
        var reader = Reader(bytes: bytes)
        guard let node = reader.node(), reader.offset == bytes.count else { return nil }
        return node
    }

    /// The tree back from a string holding `encode`'s bytes (as the policy embedder writes them).
    public static func decode(_ text: String) -> YAMLNode? {
        if let node = text.utf8.withContiguousStorageIfAvailable({ decode($0) }) { return node }
        return Array(text.utf8).withUnsafeBufferPointer { decode($0) }
    }

    private static func write(_ node: YAMLNode, to out: inout [UInt8]) {
        let flag = node.tag == nil ? 0 : hasTag
        switch node.content {
        case .scalar(let text, let style):
            out.append(Kind.scalar.rawValue | flag | style.rawValue << 3)
            writeHead(node, to: &out)
            writeText(text, to: &out)
        case .sequence(let items):
            out.append(Kind.sequence.rawValue | flag)
            writeHead(node, to: &out)
            writeNumber(items.count, to: &out)
            for item in items { write(item, to: &out) }
        case .mapping(let pairs):
            out.append(Kind.mapping.rawValue | flag)
            writeHead(node, to: &out)
            writeNumber(pairs.count, to: &out)
            for pair in pairs {
                write(pair.key, to: &out)
                write(pair.value, to: &out)
            }
        }
    }

    private static func writeHead(_ node: YAMLNode, to out: inout [UInt8]) {
        writeNumber(node.mark.line, to: &out)
        writeNumber(node.mark.column, to: &out)
        if let tag = node.tag { writeText(tag, to: &out) }
    }

    private static func writeText(_ text: String, to out: inout [UInt8]) {
        writeNumber(text.utf8.count, to: &out)
        out.append(contentsOf: text.utf8)
    }

    private static func writeNumber(_ number: Int, to out: inout [UInt8]) {
        var rest = UInt(number)
        repeat {
            let low = UInt8(rest & 0x3f)
            rest >>= 6
            out.append(rest == 0 ? low : low | 0x40)
        } while rest != 0
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        mutating func node() -> YAMLNode? {
            guard offset < bytes.count else { return nil }
            let header = bytes[offset]
            offset += 1
            guard let kind = Kind(rawValue: header & 3), let line = number(), let column = number() else { return nil }
            var tag: String?
            if header & YAMLCompact.hasTag != 0 {
                guard let text = text() else { return nil }
                tag = text
            }
            let content: YAMLNode.Content
            switch kind {
            case .scalar:
                guard let style = YAMLNode.ScalarStyle(rawValue: header >> 3), let text = text() else { return nil }
                content = .scalar(text, style)
            case .sequence:
                guard let count = number(), count <= bytes.count - offset else { return nil }
                var items: [YAMLNode] = []
                items.reserveCapacity(count)
                for _ in 0..<count {
                    guard let item = node() else { return nil }
                    items.append(item)
                }
                content = .sequence(items)
            case .mapping:
                guard let count = number(), count <= bytes.count - offset else { return nil }
                var pairs: [YAMLNode.Pair] = []
                pairs.reserveCapacity(count)
                for _ in 0..<count {
                    guard let key = node(), let value = node() else { return nil }
                    pairs.append(YAMLNode.Pair(key: key, value: value))
                }
                content = .mapping(pairs)
            }
            return YAMLNode(content: content, mark: Mark(line: line, column: column), tag: tag)
        }

        mutating func number() -> Int? {
            var value = 0
            var shift = 0
            while offset < bytes.count, shift < 60 {
                let byte = bytes[offset]
                offset += 1
                value |= Int(byte & 0x3f) << shift
                if byte & 0x40 == 0 { return value }
                shift += 6
            }
            return nil
        }

        mutating func text() -> String? {
            guard let count = number(), count <= bytes.count - offset else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
            offset += count
            return text
        }
    }
}

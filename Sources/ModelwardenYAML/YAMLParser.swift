import CLibYAML

/// A YAML syntax or limit error, located in the source.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public var mark: Mark
    public var message: String

    public init(mark: Mark, message: String) {
        self.mark = mark
        self.message = message
    }

    public var description: String { "\(mark): \(message)" }
}

/// Limits that keep hostile input (alias bombs, deep nesting) from exhausting the scanner.
public struct YAMLLimits: Sendable {
    /// Nodes that alias expansion may add to one document.
    public var maxAliasExpansion: Int
    /// Nesting depth of collections.
    public var maxDepth: Int

    public init(maxAliasExpansion: Int = 100_000, maxDepth: Int = 256) {
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDepth = maxDepth
    }
}

/// The documents of one YAML stream. Documents that parsed before an error are kept.
public struct YAMLStream: Sendable {
    public var documents: [YAMLNode]
    public var error: YAMLError?
}

/// Parses YAML with the system libyaml's event parser into `YAMLNode` trees.
public enum YAMLParser {
    public static func parse(_ text: String, limits: YAMLLimits = YAMLLimits()) -> YAMLStream {
        // Native strings are contiguous UTF-8: parse them in place instead of copying.
        if let stream = text.utf8.withContiguousStorageIfAvailable({ parse($0, limits: limits) }) { return stream }
        return parse(Array(text.utf8), limits: limits)
    }

    public static func parse(_ bytes: [UInt8], limits: YAMLLimits = YAMLLimits()) -> YAMLStream {
        bytes.withUnsafeBufferPointer { parse($0, limits: limits) }
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, limits: YAMLLimits = YAMLLimits()) -> YAMLStream {
        var builder = TreeBuilder(limits: limits)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return YAMLStream(documents: [], error: YAMLError(mark: Mark(line: 1, column: 1), message: "cannot initialise the YAML parser"))
        }
        defer { yaml_parser_delete(&parser) }
        // libyaml needs a non-null pointer even for empty input.
        let empty: [UInt8] = [0]
        empty.withUnsafeBufferPointer { emptyPointer in
            let base = buffer.baseAddress ?? emptyPointer.baseAddress!
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.fail(parserError(parser))
                    return
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                if let error = builder.handle(event) {
                    builder.fail(error)
                    return
                }
            }
        }
        return YAMLStream(documents: builder.documents, error: builder.error)
    }

    private static func parserError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let mark = Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        let message = context.map { "\(problem) \($0)" } ?? problem
        return YAMLError(mark: mark, message: message)
    }
}

/// Builds trees from events: a stack of open collections, an anchor table, and a budget for aliases.
private struct TreeBuilder {
    /// A collection being built. Its entries wait in `items` or `pairs` from `start` on, and are moved into an array of
    /// their exact count when it closes: no array per collection grown entry by entry (and reallocated on the way).
    /// A mapping holds its key until the value arrives, and gets pairs directly.
    struct Open {
        var isMapping: Bool
        var mark: Mark
        var tag: String?
        var anchor: String?
        var start: Int
        var key: YAMLNode?
        var size = 1
    }

    let limits: YAMLLimits
    var documents: [YAMLNode] = []
    var error: YAMLError?
    var stack: [Open] = []
    let items = PendingEntries<YAMLNode>()
    let pairs = PendingEntries<YAMLNode.Pair>()
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    var expanded = 0

    init(limits: YAMLLimits) {
        self.limits = limits
        // Room for the usual nesting, so the stack is not regrown level by level in every file.
        stack.reserveCapacity(16)
    }

    mutating func fail(_ error: YAMLError) {
        if self.error == nil { self.error = error }
    }

    mutating func handle(_ event: yaml_event_t) -> YAMLError? {
        let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors.removeAll(keepingCapacity: true)
            expanded = 0
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = data.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self) } ?? ""
            let style: YAMLNode.ScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = YAMLNode(content: .scalar(text, style), mark: mark, tag: cString(data.tag))
            return add(node, size: 1, anchor: cString(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = cString(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                return YAMLError(mark: mark, message: "unknown alias '*\(name)'")
            }
            expanded += anchored.size
            if expanded > limits.maxAliasExpansion {
                return YAMLError(mark: mark, message: "alias expansion exceeds \(limits.maxAliasExpansion) nodes (a YAML bomb?)")
            }
            var node = anchored.node
            node.mark = mark
            return add(node, size: anchored.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            if stack.count >= limits.maxDepth {
                return YAMLError(mark: mark, message: "nesting deeper than \(limits.maxDepth) levels")
            }
            let data = event.data.sequence_start
            stack.append(Open(isMapping: false, mark: mark, tag: cString(data.tag), anchor: cString(data.anchor), start: items.count))
        case YAML_MAPPING_START_EVENT:
            if stack.count >= limits.maxDepth {
                return YAMLError(mark: mark, message: "nesting deeper than \(limits.maxDepth) levels")
            }
            let data = event.data.mapping_start
            stack.append(Open(isMapping: true, mark: mark, tag: cString(data.tag), anchor: cString(data.anchor), start: pairs.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let open = stack.popLast() else { return nil }
            if !open.isMapping {
                return add(YAMLNode(content: .sequence(items.take(from: open.start)), mark: open.mark, tag: open.tag), size: open.size,
                           anchor: open.anchor)
            }
            return add(YAMLNode(content: .mapping(applyingMergeKeys(pairs.take(from: open.start))), mark: open.mark, tag: open.tag),
                       size: open.size, anchor: open.anchor)
        default:
            break
        }
        return nil
    }

    private mutating func add(_ node: consuming YAMLNode, size: Int, anchor: String?) -> YAMLError? {
        if let anchor { anchors[anchor] = (node, size) }
        let top = stack.count - 1
        guard top >= 0 else {
            documents.append(node)
            return nil
        }
        stack[top].size += size
        if !stack[top].isMapping {
            items.append(node)
        } else if let key = stack[top].key.take() {
            pairs.append(YAMLNode.Pair(key: key, value: node))
        } else {
            stack[top].key = node
        }
        return nil
    }

    private func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}

/// The entries of every open collection in one buffer, innermost last: a collection's entries are the run from where
/// it opened to the end, moved out whole when it closes. The buffer lives as long as one parse.
private final class PendingEntries<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity = 64
    private(set) var count = 0

    init() { base = .allocate(capacity: capacity) }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func append(_ element: consuming Element) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }
        (base + count).initialize(to: element)
        count += 1
    }

    /// The entries from `start` on, moved into an array of exactly their count.
    func take(from start: Int) -> [Element] {
        let taken = count - start
        guard taken > 0 else { return [] }
        let source = base + start
        count = start
        return [Element](unsafeUninitializedCapacity: taken) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: source, count: taken)
            initialized = taken
        }
    }
}

/// Applies YAML merge keys: `<<: *base` or `<<: [*a, *b]` adds the keys the mapping does not set itself.
private func applyingMergeKeys(_ pairs: [YAMLNode.Pair]) -> [YAMLNode.Pair] {
    guard pairs.contains(where: { isMergeKey($0.key) }) else { return pairs }
    var own: [YAMLNode.Pair] = []
    var merged: [YAMLNode.Pair] = []
    for pair in pairs {
        if isMergeKey(pair.key) {
            let sources = pair.value.sequence ?? [pair.value]
            for source in sources {
                merged.append(contentsOf: source.pairs ?? [])
            }
        } else {
            own.append(pair)
        }
    }
    var seen = Set(own.compactMap { $0.key.scalar })
    var result = own
    for pair in merged {
        guard let key = pair.key.scalar, !seen.contains(key) else { continue }
        seen.insert(key)
        result.append(pair)
    }
    return result
}

private func isMergeKey(_ node: YAMLNode) -> Bool {
    if case .scalar("<<", .plain) = node.content { return true }
    return false
}

/// A position in a source text: 1-based line and column.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A compact YAML node with the mark where it starts.
///
/// Aliases are already expanded and merge keys (`<<`) already applied, so consumers see plain data.
public struct YAMLNode: Sendable, Equatable {
    public enum ScalarStyle: UInt8, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public enum Content: Sendable, Equatable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public struct Pair: Sendable, Equatable {
        public var key: YAMLNode
        public var value: YAMLNode

        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public var content: Content
    public var mark: Mark
    public var tag: String?

    public init(content: Content, mark: Mark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }

    // MARK: Reading

    /// The scalar text, for scalars only.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The scalar text unless it is a YAML null (`~`, `null`, empty plain scalar).
    public var string: String? {
        guard case .scalar(let text, let style) = content else { return nil }
        if style == .plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL") {
            return nil
        }
        return text
    }

    public var isNull: Bool {
        if case .scalar = content { return string == nil }
        return false
    }

    public var bool: Bool? {
        guard case .scalar(let text, .plain) = content else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    public var int: Int? {
        guard case .scalar(let text, .plain) = content else { return nil }
        return Int(String(text.filter { $0 != "_" }))
    }

    public var double: Double? {
        guard case .scalar(let text, .plain) = content else { return nil }
        return Double(text)
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var pairs: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    public var isMapping: Bool { pairs != nil }
    public var isSequence: Bool { sequence != nil }
    public var isScalar: Bool { scalar != nil }

    /// The value for a scalar key of a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar == key { return pair.value }
        return nil
    }

    /// The pair for a scalar key, so callers can report the key's own mark.
    public func pair(_ key: String) -> Pair? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.scalar == key }
    }

    /// A short name of the node's type for error messages.
    public var typeName: String {
        switch content {
        case .scalar: return isNull ? "null" : "scalar"
        case .sequence: return "list"
        case .mapping: return "mapping"
        }
    }

    /// Visits this node and every node below it, depth first.
    public func walk(_ visit: (YAMLNode, [String]) -> Void) {
        var path: [String] = []
        walk(&path, visit)
    }

    private func walk(_ path: inout [String], _ visit: (YAMLNode, [String]) -> Void) {
        visit(self, path)
        switch content {
        case .scalar: break
        case .sequence(let items):
            for item in items {
                path.append("[]")
                item.walk(&path, visit)
                path.removeLast()
            }
        case .mapping(let pairs):
            for pair in pairs {
                path.append(pair.key.scalar ?? "?")
                pair.value.walk(&path, visit)
                path.removeLast()
            }
        }
    }
}

import ModelwardenCore

/// A rule's `when` condition as a Markdown bullet list people can read.
enum ConditionText {
    /// The sentence that introduces the list, and the list.
    static func describe(_ condition: Condition) -> (lead: String, bullets: [String]) {
        switch condition {
        case .all(let items): return ("It fires for a model usage when all of these hold:", items.flatMap { bullets($0, depth: 0) })
        case .any(let items): return ("It fires for a model usage when any of these holds:", items.flatMap { bullets($0, depth: 0) })
        case .not, .test: return ("It fires for a model usage when:", bullets(condition, depth: 0))
        }
    }

    private static func bullets(_ condition: Condition, depth: Int) -> [String] {
        let pad = String(repeating: "  ", count: depth)
        switch condition {
        case .all(let items):
            return [pad + "- all of:"] + items.flatMap { bullets($0, depth: depth + 1) }
        case .any(let items):
            return [pad + "- any of:"] + items.flatMap { bullets($0, depth: depth + 1) }
        case .not(.all(let items)):
            return [pad + "- not all of:"] + items.flatMap { bullets($0, depth: depth + 1) }
        case .not(.any(let items)):
            return [pad + "- none of:"] + items.flatMap { bullets($0, depth: depth + 1) }
        case .not(let inner):
            if case .test = inner { return [pad + "- not: " + test(inner)] }
            return [pad + "- not:"] + bullets(inner, depth: depth + 1)
        case .test:
            return [pad + "- " + test(condition)]
        }
    }

    static func test(_ condition: Condition) -> String {
        guard case .test(let field, let op, let operand, _) = condition else { return "" }
        let subject = "`\(field)`"
        if op == .exists {
            if case .value(.bool(false)) = operand { return subject + " is not set" }
            return subject + " is set"
        }
        return "\(subject) \(phrase(op)) \(value(operand))"
    }

    private static func phrase(_ op: ConditionOperator) -> String {
        switch op {
        case .equals: return "is"
        case .notEquals: return "is not"
        case .in: return "is one of"
        case .notIn: return "is none of"
        case .contains: return "contains"
        case .matches: return "matches the glob"
        case .regex: return "matches the regular expression"
        case .exists: return "is set"
        case .gt: return "is greater than"
        case .gte: return "is at least"
        case .lt: return "is less than"
        case .lte: return "is at most"
        case .before: return "is before"
        case .after: return "is after"
        }
    }

    private static func value(_ operand: Operand) -> String {
        switch operand {
        case .field(let path): return "the fact `\(path)`"
        case .value(.list(let items)): return items.isEmpty ? "(an empty list)" : items.map { "`\($0)`" }.joined(separator: ", ")
        case .value(let literal): return "`\(literal.description)`"
        }
    }

    /// The fact paths a condition reads, each once, in the order they first appear.
    static func facts(_ condition: Condition) -> [String] {
        var seen = Set<String>()
        return condition.fields.filter { seen.insert($0).inserted }
    }
}

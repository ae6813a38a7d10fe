import Foundation
import ModelwardenYAML

/// A fact about a usage, as rules see it.
public enum FactValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([String])

    public var description: String {
        switch self {
        case .string(let text): return text
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .list(let items): return items.joined(separator: ", ")
        }
    }

    var number: Double? {
        switch self {
        case .number(let number): return number
        case .string(let text): return Double(text)
        default: return nil
        }
    }
}

/// The operators of the rule language.
public enum ConditionOperator: String, Sendable, CaseIterable {
    case equals, notEquals = "not_equals", `in`, notIn = "not_in", contains, matches, regex, exists
    case gt, gte, lt, lte, before, after
}

/// What a test compares with: a literal or another fact.
public enum Operand: Sendable {
    case value(FactValue)
    case field(String)
}

/// A rule condition: `all`, `any`, `not`, or one test of a fact.
public indirect enum Condition: Sendable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case test(field: String, op: ConditionOperator, operand: Operand, regex: NSRegularExpression?)

    /// Evaluates against facts looked up by path; a missing fact fails every test but `exists: false`.
    public func evaluate(_ fact: (String) -> FactValue?) -> Bool {
        switch self {
        case .all(let items): return items.allSatisfy { $0.evaluate(fact) }
        case .any(let items): return items.contains { $0.evaluate(fact) }
        case .not(let inner): return !inner.evaluate(fact)
        case .test(let field, let op, let operand, let regex):
            let left = fact(field)
            let right: FactValue?
            switch operand {
            case .value(let value): right = value
            case .field(let path): right = fact(path)
            }
            if op == .exists {
                let wanted: Bool
                if case .bool(let flag)? = right { wanted = flag } else { wanted = true }
                return (left != nil) == wanted
            }
            guard let left, let right else { return false }
            return Condition.compare(left, op, right, regex: regex)
        }
    }

    static func compare(_ left: FactValue, _ op: ConditionOperator, _ right: FactValue, regex: NSRegularExpression?) -> Bool {
        switch op {
        case .equals: return same(left, right)
        case .notEquals: return !same(left, right)
        case .in:
            guard case .list(let items) = right else { return same(left, right) }
            return items.contains(left.description)
        case .notIn:
            guard case .list(let items) = right else { return !same(left, right) }
            return !items.contains(left.description)
        case .contains:
            if case .list(let items) = left { return items.contains(right.description) }
            return left.description.contains(right.description)
        case .matches:
            return glob(right.description, matches: left.description)
        case .regex:
            let text = left.description
            return regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        case .gt, .gte, .lt, .lte:
            guard let a = left.number, let b = right.number else { return false }
            switch op {
            case .gt: return a > b
            case .gte: return a >= b
            case .lt: return a < b
            default: return a <= b
            }
        case .before, .after:
            guard let a = PolicyDate(left.description), let b = PolicyDate(right.description) else { return false }
            return op == .before ? a < b : b < a
        case .exists:
            return true
        }
    }

    private static func same(_ left: FactValue, _ right: FactValue) -> Bool {
        if let a = left.number, let b = right.number { return a == b }
        return left.description == right.description
    }

    /// Every fact path the condition reads.
    public var fields: [String] {
        switch self {
        case .all(let items), .any(let items): return items.flatMap(\.fields)
        case .not(let inner): return inner.fields
        case .test(let field, _, let operand, _):
            if case .field(let other) = operand { return [field, other] }
            return [field]
        }
    }
}

/// Shell-style glob: `*` any run, `?` one character.
public func glob(_ pattern: String, matches text: String) -> Bool {
    let p = Array(pattern), t = Array(text)
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count {
        if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
            pi += 1; ti += 1
        } else if pi < p.count && p[pi] == "*" {
            star = pi; mark = ti; pi += 1
        } else if star >= 0 {
            pi = star + 1; mark += 1; ti = mark
        } else {
            return false
        }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
}

extension Condition {
    /// Parses a condition node, reporting every problem with its path.
    static func parse(_ node: YAMLNode, file: String, path: String, problems: PolicyProblems, knownFields: Set<String>) -> Condition? {
        guard let pairs = node.pairs else {
            problems.error(file, node.mark, path, "expected a condition mapping (all, any, not, or field + operator), found \(node.typeName)")
            return nil
        }
        if let first = pairs.first, pairs.count == 1, let key = first.key.scalar, ["all", "any", "not"].contains(key) {
            let subPath = "\(path).\(key)"
            if key == "not" {
                return parse(first.value, file: file, path: subPath, problems: problems, knownFields: knownFields).map(Condition.not)
            }
            guard let items = first.value.sequence, !items.isEmpty else {
                problems.error(file, first.value.mark, subPath, "expected a non-empty list of conditions")
                return nil
            }
            let parsed = items.enumerated().map {
                parse($0.element, file: file, path: "\(subPath)[\($0.offset)]", problems: problems, knownFields: knownFields)
            }
            guard parsed.allSatisfy({ $0 != nil }) else { return nil }
            return key == "all" ? .all(parsed.compactMap { $0 }) : .any(parsed.compactMap { $0 })
        }
        guard let fieldNode = node["field"], let field = fieldNode.string else {
            let keys = pairs.compactMap { $0.key.scalar }
            if let key = keys.first(where: { closestMatch($0, in: ["all", "any", "not", "field"]) != nil && !["all", "any", "not", "field"].contains($0) }) {
                let hint = closestMatch(key, in: ["all", "any", "not", "field"])!
                problems.error(file, node.pair(key)!.key.mark, path, "unknown key '\(key)' (did you mean '\(hint)'?)")
            } else {
                problems.error(file, node.mark, path, "a condition needs 'all', 'any', 'not' or 'field' with an operator")
            }
            return nil
        }
        if !knownFields.contains(field) {
            let hint = closestMatch(field, in: Array(knownFields).sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            problems.error(file, fieldNode.mark, "\(path).field", "unknown fact '\(field)'\(hint)")
        }
        let operators = pairs.filter { $0.key.scalar != "field" }
        guard operators.count == 1, let opPair = operators.first, let opName = opPair.key.scalar else {
            problems.error(file, node.mark, path, "a test needs exactly one operator (\(ConditionOperator.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        guard let op = ConditionOperator(rawValue: opName) else {
            let hint = closestMatch(opName, in: ConditionOperator.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
            problems.error(file, opPair.key.mark, "\(path).\(opName)", "unknown operator '\(opName)'\(hint)")
            return nil
        }
        let valuePath = "\(path).\(opName)"
        let value = opPair.value
        if let other = value["field"], value.pairs?.count == 1, let otherField = other.string {
            if !knownFields.contains(otherField) {
                problems.error(file, other.mark, "\(valuePath).field", "unknown fact '\(otherField)'")
            }
            return .test(field: field, op: op, operand: .field(otherField), regex: nil)
        }
        var literal: FactValue
        if let items = value.sequence {
            let texts = items.compactMap(\.scalar)
            if texts.count != items.count {
                problems.error(file, value.mark, valuePath, "expected a list of scalars")
                return nil
            }
            literal = .list(texts)
        } else if let flag = value.bool {
            literal = .bool(flag)
        } else if let number = value.double, value.int != nil || value.scalar?.contains(".") == true {
            literal = .number(number)
        } else if let text = value.scalar {
            literal = .string(text)
        } else {
            problems.error(file, value.mark, valuePath, "expected a value or {field: PATH}, found \(value.typeName)")
            return nil
        }
        var regex: NSRegularExpression?
        switch op {
        case .in, .notIn:
            if case .list = literal {} else {
                problems.error(file, value.mark, valuePath, "'\(opName)' needs a list")
                return nil
            }
        case .gt, .gte, .lt, .lte:
            if literal.number == nil {
                problems.error(file, value.mark, valuePath, "'\(opName)' needs a number or {field: PATH}")
                return nil
            }
        case .before, .after:
            if PolicyDate(literal.description) == nil {
                problems.error(file, value.mark, valuePath, "'\(opName)' needs a date (YYYY-MM-DD)")
                return nil
            }
        case .exists:
            if case .bool = literal {} else {
                problems.error(file, value.mark, valuePath, "'exists' needs true or false")
                return nil
            }
        case .regex:
            do {
                regex = try NSRegularExpression(pattern: literal.description)
            } catch {
                problems.error(file, value.mark, valuePath, "pattern '\(literal.description)' does not compile")
                return nil
            }
        default:
            break
        }
        return .test(field: field, op: op, operand: .value(literal), regex: regex)
    }
}

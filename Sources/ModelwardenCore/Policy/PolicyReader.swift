import Foundation
import ModelwardenYAML

/// Collects every problem found while reading a policy file, each located and named by its field path.
public final class PolicyProblems {
    public private(set) var diagnostics: [Diagnostic] = []
    /// Whether catalog patterns are compiled while reading, to report those that do not compile. Off for the
    /// built-in layer: the suite validates it, and compiling hundreds of patterns on every start-up is most of its cost.
    public var compilesPatterns = true

    public init() {}

    public func error(_ file: String, _ mark: Mark, _ path: String, _ message: String) {
        let prefix = path.isEmpty ? "" : "at '\(path)': "
        diagnostics.append(Diagnostic(SourceLocation(file: file, line: mark.line, column: mark.column), prefix + message))
    }

    public func warning(_ file: String, _ mark: Mark, _ path: String, _ message: String) {
        let prefix = path.isEmpty ? "" : "at '\(path)': "
        diagnostics.append(Diagnostic(SourceLocation(file: file, line: mark.line, column: mark.column), prefix + message, level: .warning))
    }
}

/// Reads one mapping of a policy file with typed accessors; wrong types and unknown keys become problems.
public struct FieldReader {
    public let node: YAMLNode
    public let file: String
    public let path: String
    public let problems: PolicyProblems

    public init?(_ node: YAMLNode, file: String, path: String, problems: PolicyProblems, allowed: [String]) {
        guard let pairs = node.pairs else {
            problems.error(file, node.mark, path, "expected a mapping, found \(node.typeName)")
            return nil
        }
        self.node = node
        self.file = file
        self.path = path
        self.problems = problems
        for (index, pair) in pairs.enumerated() {
            guard let key = pair.key.scalar else {
                problems.error(file, pair.key.mark, path, "keys must be strings")
                continue
            }
            // A policy mapping has a handful of keys: comparing with the earlier ones costs less than hashing them.
            if pairs[..<index].contains(where: { $0.key.scalar == key }) {
                problems.error(file, pair.key.mark, sub(key), "duplicate key '\(key)'")
            }
            if !allowed.contains(key) {
                let hint = closestMatch(key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                problems.error(file, pair.key.mark, sub(key), "unknown key '\(key)'\(hint)")
            }
        }
    }

    public func sub(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func has(_ key: String) -> Bool { node[key] != nil }

    public func mark(_ key: String) -> Mark { node.pair(key)?.key.mark ?? node.mark }

    public func missing(_ key: String) {
        problems.error(file, node.mark, path, "missing required key '\(key)'")
    }

    public func string(_ key: String, required: Bool = false) -> String? {
        guard let value = node[key] else {
            if required { missing(key) }
            return nil
        }
        if value.isNull {
            if required { problems.error(file, value.mark, sub(key), "must not be null") }
            return nil
        }
        guard let text = value.scalar else {
            problems.error(file, value.mark, sub(key), "expected a string, found \(value.typeName)")
            return nil
        }
        return text
    }

    public func oneOf(_ key: String, _ choices: [String], required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard choices.contains(text) else {
            let hint = closestMatch(text, in: choices).map { " (did you mean '\($0)'?)" } ?? ""
            problems.error(file, node[key]!.mark, sub(key), "'\(text)' is not one of \(choices.joined(separator: ", "))\(hint)")
            return nil
        }
        return text
    }

    public func bool(_ key: String) -> Bool? {
        guard let value = node[key], !value.isNull else { return nil }
        guard let flag = value.bool else {
            problems.error(file, value.mark, sub(key), "expected true or false, found '\(value.scalar ?? value.typeName)'")
            return nil
        }
        return flag
    }

    public func int(_ key: String) -> Int? {
        guard let value = node[key], !value.isNull else { return nil }
        guard let number = value.int else {
            problems.error(file, value.mark, sub(key), "expected an integer, found '\(value.scalar ?? value.typeName)'")
            return nil
        }
        return number
    }

    public func strings(_ key: String, required: Bool = false) -> [String] {
        guard let value = node[key] else {
            if required { missing(key) }
            return []
        }
        if value.isNull { return [] }
        guard let items = value.sequence else {
            problems.error(file, value.mark, sub(key), "expected a list of strings, found \(value.typeName)")
            return []
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.scalar, !item.isNull else {
                problems.error(file, item.mark, "\(sub(key))[\(index)]", "expected a string, found \(item.typeName)")
                continue
            }
            result.append(text)
        }
        return result
    }

    public func date(_ key: String, required: Bool = false) -> PolicyDate? {
        guard let text = string(key, required: required) else { return nil }
        guard let date = PolicyDate(text) else {
            problems.error(file, node[key]!.mark, sub(key), "'\(text)' is not a date (YYYY-MM-DD)")
            return nil
        }
        return date
    }

    public func list(_ key: String, required: Bool = false) -> [(node: YAMLNode, path: String)] {
        guard let value = node[key] else {
            if required { missing(key) }
            return []
        }
        if value.isNull { return [] }
        guard let items = value.sequence else {
            problems.error(file, value.mark, sub(key), "expected a list, found \(value.typeName)")
            return []
        }
        return items.enumerated().map { ($0.element, "\(sub(key))[\($0.offset)]") }
    }

    public func child(_ key: String, allowed: [String]) -> FieldReader? {
        guard let value = node[key], !value.isNull else { return nil }
        return FieldReader(value, file: file, path: sub(key), problems: problems, allowed: allowed)
    }

    public func checkSchemaVersion() {
        guard let value = node["schemaVersion"] else {
            missing("schemaVersion")
            return
        }
        guard let version = value.int else {
            problems.error(file, value.mark, "schemaVersion", "expected an integer")
            return
        }
        if version > 1 {
            problems.error(file, value.mark, "schemaVersion", "schemaVersion \(version) is newer than this modelwarden understands (1); upgrade modelwarden")
        } else if version < 1 {
            problems.error(file, value.mark, "schemaVersion", "schemaVersion must be 1")
        }
    }
}

/// A calendar date as written in policies (`2027-03-31`), compared without time zones.
public struct PolicyDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= PolicyDate.days(inMonth: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC calendar day of `date`. Computed from the day count (the proleptic Gregorian calendar, as
    /// `dayNumber` counts), not with `Calendar`, whose first use loads ICU's data on every start.
    public init(_ date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        // Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        self.day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        self.month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = yearOfEra + era * 400 + (self.month <= 2 ? 1 : 0)
    }

    public static var today: PolicyDate { PolicyDate(Date()) }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01, for differences between dates.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func < (lhs: PolicyDate, rhs: PolicyDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// The allowed word closest to a misspelt one, when it is close enough to be a likely typo.
func closestMatch(_ word: String, in choices: [String]) -> String? {
    var best: (String, Int)?
    for choice in choices {
        let distance = editDistance(word.lowercased(), choice.lowercased())
        if distance <= max(2, word.count / 3), best == nil || distance < best!.1 {
            best = (choice, distance)
        }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

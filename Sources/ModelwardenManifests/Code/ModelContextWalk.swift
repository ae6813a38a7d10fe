/// The state of `ModelContextReader` over one file's tokens: the bracket frames, the dotted name being read, the
/// enclosing classes, and the literals found so far.
struct ModelContextWalk {
    static let typeWords: Set<String> = ["str", "string", "String", "int", "bool", "any", "number", "Optional", "final", "const", "let", "var"]
    static let comparisons: Set<String> = ["==", "!=", "===", "!==", "in", "not", "is", "case", "<", ">"]
    /// Methods that test a value (`model.startswith("o3")`), so their argument is not one.
    static let tests: Set<String> = ["startswith", "endswith", "startsWith", "endsWith", "includes", "contains", "match", "test", "equals",
                                     "hasPrefix", "hasSuffix", "index", "find", "replace", "split", "count", "indexOf", "search"]
    static let fallbackOperators: Set<String> = ["??", "||", "or", ":", "?"]

    let language: CodeLanguage
    let tokens: [CodeToken]
    var frames = [ContextFrame(opener: "")]
    var found: [(literal: ModelLiteral, table: Int?)] = []
    /// Lists of object literals with three or more entries: tables of alternatives.
    var alternativeTables = Set<Int>()
    private var dotted: String?
    /// Python classes by indentation; other languages keep the last one opened.
    private var classes: [(name: String, indent: Int)] = []
    private var pendingClass = false
    private var nextTable = 0

    init(language: CodeLanguage, tokens: [CodeToken]) {
        self.language = language
        self.tokens = tokens
    }

    mutating func run() {
        for index in tokens.indices {
            let previous = index > 0 ? tokens[index - 1] : nil
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            switch tokens[index].kind {
            case .identifier(let name): identifier(name, token: tokens[index], previous: previous, next: next)
            case .string(let value, let prose, let interpolated):
                guard !prose, !interpolated else { continue }
                string(value, token: tokens[index], previous: previous, next: next, beforePrevious: index > 1 ? tokens[index - 2] : nil)
            case .symbol(let symbol):
                self.symbol(symbol, previous: previous, next: next)
                if symbol != "." && symbol != "?." && symbol != ")" { dotted = nil }
            case .newline: newline(previous: previous)
            case .number: break
            }
        }
    }

    /// The innermost frame, changed in place (a copy per token would make long expressions quadratic).
    private var top: ContextFrame {
        get { frames[frames.count - 1] }
        _modify { yield &frames[frames.count - 1] }
    }

    private mutating func identifier(_ name: String, token: CodeToken, previous: CodeToken?, next: CodeToken?) {
        if language == .python, frames.count == 1, previous == nil || previous?.kind == .newline {
            // A statement at or left of a class's indentation ends that class.
            while let open = classes.last, token.indent <= open.indent { classes.removeLast() }
        }
        if pendingClass {
            if language != .python { classes.removeAll() }
            classes.append((name, token.indent))
            pendingClass = false
        }
        if name == "class" || name == "struct" || name == "interface" { pendingClass = true }
        dotted = (previous?.symbol == "." || previous?.symbol == "?.") ? (dotted.map { "\($0).\(name)" } ?? name) : name
        top.expression.append(name)
        // Only the last few names of an expression can say what a fallback is for.
        if top.expression.count > 16 { top.expression.removeFirst(8) }
        if next?.symbol == ":" && previous?.symbol != "?" {
            top.key = name
            top.keyFromColon = true
        } else if next?.symbol == "=" || next?.symbol == ":=" {
            if frames.count > 1 && top.opener == "(" {
                top.key = name
            } else if !top.keyFromColon && !ModelContextWalk.typeWords.contains(name) {
                top.key = name
            }
        }
    }

    private mutating func string(_ value: String, token: CodeToken, previous: CodeToken?, next: CodeToken?, beforePrevious: CodeToken?) {
        if next?.symbol == ":" && (previous?.symbol == "{" || previous?.symbol == "," || previous?.kind == .newline) {
            top.key = value
            top.keyFromColon = true
            return
        }
        if top.opener == "(" && top.positional == 0 && top.key == nil { top.firstString = value }
        guard !isCompared(previous: previous, next: next, beforePrevious: beforePrevious) else { return }
        // Tuples (`"a", "b"`, `("a",)`) and sets or composite literals (`{"a", "b"}`, Go `[]string{"a"}`) are tables.
        if language == .python, top.opener == "", top.commas > 0 || next?.symbol == "," { return }
        if top.opener == "(", top.call == nil, top.positional > 0 || next?.symbol == "," { return }
        if top.opener == "{", top.key == nil { return }
        guard let evidence = ModelContextRules.context(for: value, frames: frames, previous: previous, className: classes.last?.name) else { return }
        let literal = ModelLiteral(text: value, line: token.line, column: token.column, evidence: evidence, calls: frames.reversed().compactMap(\.call))
        found.append((literal, frames.last { $0.objectTable != nil }?.objectTable))
    }

    private func isCompared(previous: CodeToken?, next: CodeToken?, beforePrevious: CodeToken?) -> Bool {
        for word in [previous?.symbol, previous?.identifier, next?.symbol, next?.identifier] {
            if let word, ModelContextWalk.comparisons.contains(word) { return true }
        }
        if previous?.symbol == "(", let method = beforePrevious?.identifier, ModelContextWalk.tests.contains(method) { return true }
        return false
    }

    private mutating func symbol(_ symbol: String, previous: CodeToken?, next: CodeToken?) {
        switch symbol {
        case "(", "[", "{": open(symbol, previous: previous, next: next)
        case ")", "]", "}":
            guard frames.count > 1 else { return }
            let closed = frames.removeLast()
            if let table = closed.objectTable, closed.positional >= 2 { alternativeTables.insert(table) }
            // `os.environ.get("LLM_MODEL") or "gpt-4o"`: the variable read stays part of the expression.
            if let variable = closed.firstString { top.expression.append(variable) }
            if let call = closed.call { top.expression.append(call) }
        case ",":
            if top.key == nil || top.opener == "[" { top.positional += 1 }
            if top.opener != "" { top.key = nil; top.keyFromColon = false } else { top.commas += 1 }
            top.expression = []
        case ";":
            endStatement()
        default:
            break
        }
    }

    private mutating func open(_ symbol: String, previous: CodeToken?, next: CodeToken?) {
        let isCall = symbol == "(" && (previous?.identifier != nil || previous?.symbol == ")") && dotted != nil
        var frame = ContextFrame(opener: symbol, call: isCall ? dotted : nil, binding: top.key)
        frame.isSubscript = symbol == "[" && (previous?.identifier != nil || previous?.symbol == "]" || previous?.symbol == ")")
        if symbol == "{", pendingClass || (previous?.identifier != nil && !classes.isEmpty && frame.binding == nil) {
            frame.binding = classes.last?.name
            pendingClass = false
        }
        // `[{...}, {...}, ...]`: a list of object literals, counted when it closes.
        if symbol == "{", top.opener == "[", !top.isSubscript {
            if top.objectTable == nil {
                top.objectTable = nextTable
                nextTable += 1
            }
        }
        frames.append(frame)
    }

    private mutating func newline(previous: CodeToken?) {
        guard frames.count == 1, !["=", ":", ",", "(", "??", "||", "+", "\\"].contains(previous?.symbol ?? "") else { return }
        endStatement()
    }

    private mutating func endStatement() {
        top.key = nil
        top.keyFromColon = false
        top.expression = []
        top.commas = 0
    }
}

/// A string literal that code binds to a model-context name, found by `ModelContextReader`.
struct ModelLiteral: Equatable {
    var text: String
    var line: Int
    var column: Int
    /// What made it a model, for people: `SMART_LLM`, `model`, `os.getenv MODEL`, `ChatModel default`.
    var evidence: String
    /// The calls around the literal, innermost first (`ChatOpenAI`, `client.chat.completions.create`): they say
    /// which SDK, and so which provider, receives it.
    var calls: [String]
}

/// Keeps the string literals of one file whose context says "model": dict and object keys, keyword arguments,
/// assignment targets and class constants with a model name; setting readers' fallbacks (`os.getenv("MODEL", "gpt-4o")`,
/// `process.env.MODEL ?? "gpt-4o"`); arguments of model constructors and loaders; generic slots (`default=`,
/// `value=`, `id=`) inside something with a model name. Never usages: literals in comments and docstrings, lists
/// and tuples, subscripts, comparisons, dict keys, and entries of a list of three or more objects (a table of
/// alternatives, such as presets the user picks from).
struct ModelContextReader {
    let language: CodeLanguage

    func literals(in text: String) -> [ModelLiteral] {
        var tokenizer = CodeTokenizer(text, language: language)
        var walk = ModelContextWalk(language: language, tokens: tokenizer.tokens())
        walk.run()
        return walk.found.filter { !walk.alternativeTables.contains($0.table ?? -1) }.map(\.literal)
    }
}

/// One bracket level while walking tokens.
struct ContextFrame {
    /// `(`, `[`, `{`, or empty for the statement level.
    var opener: String
    /// The dotted name before `(` when the bracket is a call.
    var call: String?
    /// The key, keyword or target the bracket's value is bound to.
    var binding: String?
    /// The current key, keyword or assignment target inside this bracket.
    var key: String?
    /// Set when the key came from `name:`, so the type annotation after it does not replace it.
    var keyFromColon = false
    var positional = 0
    /// Commas seen in the current statement (statement level only): `a = "x", "y"` is a tuple.
    var commas = 0
    /// The first positional argument when it is a string (the variable a setting reader reads).
    var firstString: String?
    /// Names seen in the current expression (`process.env.OPENAI_MODEL`, a setting reader's variable).
    var expression: [String] = []
    var isSubscript = false
    /// A list whose elements are object literals: its id, so its literals can be dropped if it has three or more.
    var objectTable: Int?

    var isList: Bool { opener == "[" || (opener == "(" && call == nil && positional > 0) }
}

import ModelwardenCore

/// What every reporter may need besides the result.
public struct ReportContext: Sendable {
    public var toolVersion: String
    public var colors: Bool
    public var failOn: Severity?
    /// The exit code the run ends with, for formats that record it (SARIF invocations).
    public var exitCode: Int32
    /// Absolute path of the scanned folder, the base of the relative file paths (SARIF `uriBaseId`).
    public var scanRoot: String?
    /// Prepended to file paths for formats that want them relative to the working folder (GitHub annotations).
    public var pathPrefix: String

    public init(toolVersion: String, colors: Bool = false, failOn: Severity? = .error, exitCode: Int32 = 0,
                scanRoot: String? = nil, pathPrefix: String = "") {
        self.toolVersion = toolVersion
        self.colors = colors
        self.failOn = failOn
        self.exitCode = exitCode
        self.scanRoot = scanRoot
        self.pathPrefix = pathPrefix
    }
}

/// One output format.
public protocol Reporter: Sendable {
    func render(_ result: AuditResult, context: ReportContext) -> String
    /// The same text handed to `write` in pieces, so a large report never sits whole in memory.
    func render(_ result: AuditResult, context: ReportContext, into write: (String) throws -> Void) rethrows
}

extension Reporter {
    public func render(_ result: AuditResult, context: ReportContext, into write: (String) throws -> Void) rethrows {
        try write(render(result, context: context))
    }
}

/// A format that is one JSON document (JSON, SARIF): it is built once, then written whole or in pieces.
public protocol JSONDocumentReporter: Reporter {
    func document(_ result: AuditResult, context: ReportContext) -> JSONValue
}

extension JSONDocumentReporter {
    public func render(_ result: AuditResult, context: ReportContext) -> String {
        var text = document(result, context: context).serialized()
        text += "\n"
        return text
    }

    public func render(_ result: AuditResult, context: ReportContext, into write: (String) throws -> Void) rethrows {
        try document(result, context: context).serialize(into: write)
        try write("\n")
    }
}

/// The output formats of `check`; adding one is a case here and a reporter file.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, github, markdown

    public var reporter: any Reporter {
        switch self {
        case .text: return TextReporter()
        case .json: return JSONReporter()
        case .sarif: return SARIFReporter()
        case .junit: return JUnitReporter()
        case .github: return GitHubReporter()
        case .markdown: return MarkdownReporter()
        }
    }
}

extension Severity {
    /// SARIF and GitHub levels.
    var level: String {
        switch self {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }
}

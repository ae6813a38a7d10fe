import ModelwardenCore

/// What every reporter may need besides the result.
public struct ReportContext: Sendable {
    public var toolVersion: String
    public var colors: Bool
    public var failOn: Severity?

    public init(toolVersion: String, colors: Bool = false, failOn: Severity? = .error) {
        self.toolVersion = toolVersion
        self.colors = colors
        self.failOn = failOn
    }
}

/// One output format.
public protocol Reporter: Sendable {
    func render(_ result: AuditResult, context: ReportContext) -> String
}

/// The output formats of `check`; adding one is a case here and a reporter file.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json

    public var reporter: any Reporter {
        switch self {
        case .text: return TextReporter()
        case .json: return JSONReporter()
        }
    }
}

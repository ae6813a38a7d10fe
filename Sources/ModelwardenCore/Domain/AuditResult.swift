/// Everything one audit found.
public struct AuditResult: Sendable {
    public var files: Int
    public var deployments: [Deployment]
    public var usages: [ResolvedUsage]
    public var findings: [Finding]
    public var diagnostics: [Diagnostic]

    public init(files: Int, deployments: [Deployment], usages: [ResolvedUsage], findings: [Finding], diagnostics: [Diagnostic]) {
        self.files = files
        self.deployments = deployments
        self.usages = usages
        self.findings = findings
        self.diagnostics = diagnostics
    }

    public func count(_ severity: Severity, status: Finding.Status = .open) -> Int {
        findings.filter { $0.severity == severity && $0.status == status }.count
    }
}


/// Rows produced one at a time, so a report over a long history streams instead of holding every row.
public struct RowStream<Row: Sendable>: Sendable {
    private let producer: @Sendable (_ body: (Row) throws -> Void) throws -> Void

    public init(_ producer: @escaping @Sendable (_ body: (Row) throws -> Void) throws -> Void) {
        self.producer = producer
    }

    public init(_ rows: [Row]) {
        self.producer = { body in for row in rows { try body(row) } }
    }

    public func forEach(_ body: (Row) throws -> Void) throws {
        try producer(body)
    }

    /// The same rows, each transformed as it streams by.
    public func map<Other: Sendable>(_ transform: @escaping @Sendable (Row) -> Other) -> RowStream<Other> {
        let producer = self.producer
        return RowStream<Other> { body in try producer { row in try body(transform(row)) } }
    }
}

/// Everything a compliance report shows, gathered from the store (or from a one-off scan). Aggregates are
/// computed up front; the two long lists (usages, findings) stream.
public struct ComplianceReport: Sendable {
    public enum Language: String, Sendable, CaseIterable { case en, ko }

    public struct UsageRecord: Sendable {
        public var deployment: String
        public var model: String?
        public var vendor: String
        public var family: String
        public var license: String
        public var licenseKind: String?
        public var hosting: String
        public var runtime: String?
        public var api: String?
        public var file: String
        public var line: Int
        public var firstSeen: String
        public var lastSeen: String
        public var active: Bool
        /// The source that recorded the usage; nil in a one-off scan's report.
        public var source: String?

        public init(deployment: String, model: String?, vendor: String, family: String, license: String, licenseKind: String?, hosting: String,
                    runtime: String?, api: String?, file: String, line: Int, firstSeen: String, lastSeen: String, active: Bool, source: String? = nil) {
            self.source = source
            self.deployment = deployment
            self.model = model
            self.vendor = vendor
            self.family = family
            self.license = license
            self.licenseKind = licenseKind
            self.hosting = hosting
            self.runtime = runtime
            self.api = api
            self.file = file
            self.line = line
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.active = active
        }
    }

    public struct FindingRecord: Sendable {
        public var rule: String
        public var title: String
        public var severity: String
        /// open, resolved or waived
        public var status: String
        public var deployment: String?
        public var model: String?
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var remediation: String
        public var waiver: String?
        public var firstSeen: String
        public var lastSeen: String
        /// The source that recorded the finding; nil in a one-off scan's report.
        public var source: String?

        public init(rule: String, title: String, severity: String, status: String, deployment: String?, model: String?, file: String, line: Int,
                    column: Int, message: String, remediation: String, waiver: String?, firstSeen: String, lastSeen: String, source: String? = nil) {
            self.source = source
            self.rule = rule
            self.title = title
            self.severity = severity
            self.status = status
            self.deployment = deployment
            self.model = model
            self.file = file
            self.line = line
            self.column = column
            self.message = message
            self.remediation = remediation
            self.waiver = waiver
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }
    }

    /// One licence in use and what it demands of each deployment that uses it.
    public struct LicenseInUse: Sendable {
        public struct Use: Sendable {
            public var deployment: String
            public var models: [String]
            /// The product the deployment belongs to, if labelled.
            public var product: String?
            /// The attribution the deployment declares (`modelwarden.io/attribution`), if any.
            public var declaredAttribution: String?
            /// Whether the attribution requirement is met (true when the licence requires none).
            public var attributionMet: Bool
            /// The product's monthly active users against the licence threshold, when both are known.
            public var monthlyActiveUsers: Int?
            public var thresholdExceeded: Bool

            public init(deployment: String, models: [String], product: String?, declaredAttribution: String?, attributionMet: Bool,
                        monthlyActiveUsers: Int?, thresholdExceeded: Bool) {
                self.deployment = deployment
                self.models = models
                self.product = product
                self.declaredAttribution = declaredAttribution
                self.attributionMet = attributionMet
                self.monthlyActiveUsers = monthlyActiveUsers
                self.thresholdExceeded = thresholdExceeded
            }
        }

        /// The catalog licence; nil for `unknown`.
        public var license: License?
        public var id: String
        public var uses: [Use]

        public init(license: License?, id: String, uses: [Use]) {
            self.license = license
            self.id = id
            self.uses = uses
        }
    }

    /// An external API the organisation sends data to.
    public struct ExternalService: Sendable {
        public var provider: Provider?
        public var id: String
        public var endpoints: [String]
        /// Data classifications of the deployments that call it (public, internal, confidential, restricted, unknown).
        public var classifications: [String]
        public var deployments: [String]
        public var models: [String]

        public init(provider: Provider?, id: String, endpoints: [String], classifications: [String], deployments: [String], models: [String]) {
            self.provider = provider
            self.id = id
            self.endpoints = endpoints
            self.classifications = classifications
            self.deployments = deployments
            self.models = models
        }
    }

    public struct ScanRecord: Sendable {
        public var id: Int64
        public var finishedAt: String
        public var status: String
        public var files: Int
        public var usages: Int
        public var findingsOpen: Int
        public var findingsWaived: Int

        public init(id: Int64, finishedAt: String, status: String, files: Int, usages: Int, findingsOpen: Int, findingsWaived: Int) {
            self.id = id
            self.finishedAt = finishedAt
            self.status = status
            self.files = files
            self.usages = usages
            self.findingsOpen = findingsOpen
            self.findingsWaived = findingsWaived
        }
    }

    /// A label and a count, for charts and summaries.
    /// One source of a fleet: what it reported last and what is open there.
    public struct SourceRecord: Sendable {
        public var name: String
        public var lastScan: String?
        public var scans: Int
        public var deployments: Int
        public var usages: Int
        public var models: Int
        public var openFindings: Int
        /// No scan for longer than the report's `--stale-after` days.
        public var stale: Bool

        public init(name: String, lastScan: String?, scans: Int, deployments: Int, usages: Int, models: Int, openFindings: Int, stale: Bool = false) {
            self.stale = stale
            self.name = name
            self.lastScan = lastScan
            self.scans = scans
            self.deployments = deployments
            self.usages = usages
            self.models = models
            self.openFindings = openFindings
        }
    }

    /// How widely a model or a licence is used across the fleet.
    public struct Spread: Sendable {
        public var label: String
        public var sources: Int
        public var usages: Int

        public init(label: String, sources: Int, usages: Int) {
            self.label = label
            self.sources = sources
            self.usages = usages
        }
    }

    /// The fleet view of a store report: one row per source, models and licences by the number of sources using them.
    public struct Fleet: Sendable {
        public var sources: [SourceRecord]
        public var models: [Spread]
        public var licenses: [Spread]
        /// `--stale-after`: a source whose last scan is older than this many days is stale; nil: none is.
        public var staleAfterDays: Int?

        public init(sources: [SourceRecord], models: [Spread], licenses: [Spread], staleAfterDays: Int? = nil) {
            self.staleAfterDays = staleAfterDays
            self.sources = sources
            self.models = models
            self.licenses = licenses
        }
    }

    public struct Slice: Sendable, Hashable {
        public var label: String
        public var count: Int

        public init(label: String, count: Int) {
            self.label = label
            self.count = count
        }
    }

    /// Open findings on one day, by severity, for the findings-over-time chart.
    public struct DayCount: Sendable, Hashable {
        public var day: String
        public var error: Int
        public var warning: Int
        public var info: Int

        public init(day: String, error: Int, warning: Int, info: Int) {
            self.day = day
            self.error = error
            self.warning = warning
            self.info = info
        }
    }

    public struct Summary: Sendable {
        public var deployments: Int
        public var models: Int
        public var usages: Int
        public var selfHosted: Int
        public var external: Int
        public var openErrors: Int
        public var openWarnings: Int
        public var openInfo: Int
        public var waived: Int
        public var resolved: Int

        public init(deployments: Int, models: Int, usages: Int, selfHosted: Int, external: Int, openErrors: Int, openWarnings: Int,
                    openInfo: Int, waived: Int, resolved: Int) {
            self.deployments = deployments
            self.models = models
            self.usages = usages
            self.selfHosted = selfHosted
            self.external = external
            self.openErrors = openErrors
            self.openWarnings = openWarnings
            self.openInfo = openInfo
            self.waived = waived
            self.resolved = resolved
        }
    }

    public var organization: String
    public var toolVersion: String
    /// When the report was made (ISO 8601); reporters print it only where asked, so tests can fix it.
    public var generatedAt: String
    /// `YYYY-MM-DD` bounds of the period, if given.
    public var since: String?
    public var until: String?
    /// "store" (a history) or "scan" (a one-off scan without history).
    public var source: String
    public var summary: Summary
    public var byHosting: [Slice]
    public var byVendor: [Slice]
    public var byLicenseKind: [Slice]
    public var findingsOverTime: [DayCount]
    public var licenses: [LicenseInUse]
    public var externalServices: [ExternalService]
    /// MCP servers the scanned configs give agents, with the data classification of what wires them in.
    public var tools: [ResolvedToolServer] = []
    public var waivers: [Waiver]
    public var scans: [ScanRecord]
    /// Usages seen in the period (active ones first), one row each.
    public var usages: RowStream<UsageRecord>
    /// Findings seen in the period (open, then waived, then resolved).
    public var findings: RowStream<FindingRecord>
    /// The sources of a report from the store; nil for a one-off scan.
    public var fleet: Fleet?

    public init(organization: String, toolVersion: String, generatedAt: String, since: String?, until: String?, source: String,
                summary: Summary, byHosting: [Slice], byVendor: [Slice], byLicenseKind: [Slice], findingsOverTime: [DayCount],
                licenses: [LicenseInUse], externalServices: [ExternalService], waivers: [Waiver], scans: [ScanRecord],
                usages: RowStream<UsageRecord>, findings: RowStream<FindingRecord>) {
        self.organization = organization
        self.toolVersion = toolVersion
        self.generatedAt = generatedAt
        self.since = since
        self.until = until
        self.source = source
        self.summary = summary
        self.byHosting = byHosting
        self.byVendor = byVendor
        self.byLicenseKind = byLicenseKind
        self.findingsOverTime = findingsOverTime
        self.licenses = licenses
        self.externalServices = externalServices
        self.waivers = waivers
        self.scans = scans
        self.usages = usages
        self.findings = findings
    }
}

/// Where a report writer puts its text: a file or standard output, written piece by piece.
public protocol ReportSink {
    mutating func write(_ text: String) throws
}

/// Collects a report in memory (tests, small reports).
public struct StringSink: ReportSink {
    public var text = ""
    public init() {}
    public mutating func write(_ text: String) { self.text += text }
}

import Crypto

public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, error

    var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A rule's verdict on one usage of one deployment.
public struct Finding: Sendable, Hashable {
    /// `baselined`: present in the baseline given to `check --baseline`, so it does not gate.
    public enum Status: String, Sendable, Codable { case open, waived, baselined }

    public var rule: String
    public var title: String
    public var severity: Severity
    public var category: String
    public var status: Status
    public var location: SourceLocation
    public var deployment: DeploymentRef?
    public var model: String?
    public var message: String
    public var remediation: String
    public var fingerprint: String
    /// The waiver that covers this finding, if any.
    public var waiverReason: String?

    public init(
        rule: String, title: String, severity: Severity, category: String, status: Status = .open,
        location: SourceLocation, deployment: DeploymentRef?, model: String?, message: String,
        remediation: String, waiverReason: String? = nil
    ) {
        self.rule = rule
        self.title = title
        self.severity = severity
        self.category = category
        self.status = status
        self.location = location
        self.deployment = deployment
        self.model = model
        self.message = message
        self.remediation = remediation
        self.waiverReason = waiverReason
        self.fingerprint = Finding.fingerprint(rule: rule, file: location.file, deployment: deployment, model: model)
    }

    /// Stable across scans and line edits: rule, file, deployment and model, never the line.
    public static func fingerprint(rule: String, file: String, deployment: DeploymentRef?, model: String?) -> String {
        let parts = [rule, file, deployment?.kind ?? "", deployment?.namespace ?? "", deployment?.name ?? "", model ?? ""]
        let digest = SHA256.hash(data: Array(parts.joined(separator: "\u{1F}").utf8))
        return hexPrefix(digest, bytes: 12)
    }

    /// The first bytes of a digest in lowercase hex, written straight into the string (every finding has one).
    static func hexPrefix(_ digest: some Sequence<UInt8>, bytes count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 2 * count) { buffer in
            var written = 0
            for byte in digest.prefix(count) {
                buffer[written] = digits[Int(byte >> 4)]
                buffer[written + 1] = digits[Int(byte & 0x0F)]
                written += 2
            }
            return written
        }
    }
}

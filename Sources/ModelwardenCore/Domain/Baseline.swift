import Foundation

/// The findings accepted at one point, by fingerprint, so a gate fails only on new ones. Fingerprints do not
/// depend on line numbers, so edits above a finding keep it baselined.
public struct Baseline: Sendable, Codable {
    public struct Entry: Sendable, Codable, Hashable {
        public var fingerprint: String
        public var rule: String
        public var deployment: String?
        public var model: String?
        public var file: String
        public var recorded: String
    }

    public var schemaVersion: Int
    public var tool: String
    public var findings: [Entry]

    public var fingerprints: Set<String> { Set(findings.map(\.fingerprint)) }

    /// The open findings of a result, recorded on a day.
    public init(findings: [Finding], on day: PolicyDate) {
        schemaVersion = 1
        tool = "modelwarden"
        self.findings = findings.filter { $0.status != .waived }.map {
            Entry(fingerprint: $0.fingerprint, rule: $0.rule, deployment: $0.deployment?.description,
                  model: $0.model.map(Secrets.redact), file: $0.location.file, recorded: day.description)
        }.sorted { ($0.file, $0.rule, $0.fingerprint) < ($1.file, $1.rule, $1.fingerprint) }
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        case invalid(String, String)

        public var description: String {
            switch self {
            case .unreadable(let path): return "\(path): cannot read the baseline"
            case .invalid(let path, let why): return "\(path): not a modelwarden baseline (\(why))"
            }
        }
    }

    public static func load(_ path: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError.unreadable(path) }
        do {
            let baseline = try JSONDecoder().decode(Baseline.self, from: data)
            guard baseline.schemaVersion == 1 else { throw LoadError.invalid(path, "schemaVersion \(baseline.schemaVersion) is not 1") }
            return baseline
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.invalid(path, "\(error)")
        }
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(self) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
    }
}

import Foundation
import Synchronization

/// A catalog regular expression (case-insensitive), compiled on first use, so a run that matches nothing never
/// pays for compiling the built-in catalog's hundreds of patterns. Patterns of layers the user supplies are compiled,
/// and so validated, when the policy set loads; the built-in ones are validated by the test suite.
public final class CatalogPattern: Sendable {
    public let source: String
    private let compiled: Mutex<NSRegularExpression?>

    init(source: String, compiled: NSRegularExpression? = nil) {
        self.source = source
        self.compiled = Mutex(compiled)
    }

    public var regex: NSRegularExpression {
        compiled.withLock { regex in
            if let regex { return regex }
            // Only built-in patterns arrive uncompiled, and the suite compiles each of them: this never falls back.
            let made = (try? NSRegularExpression(pattern: source, options: [.caseInsensitive])) ?? Self.neverMatches
            regex = made
            return made
        }
    }

    private static let neverMatches = try! NSRegularExpression(pattern: "(?!)")
}

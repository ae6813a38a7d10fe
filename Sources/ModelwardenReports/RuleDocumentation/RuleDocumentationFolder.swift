import Foundation

/// Writing the pages to a folder, and telling which pages in a folder are out of date (for CI).
extension RuleDocumentation {
    public struct OutdatedPage: Sendable, Hashable, CustomStringConvertible {
        public enum Problem: String, Sendable {
            case missing, stale
            /// A generated page whose rule is gone.
            case orphaned
        }

        public var path: String
        public var problem: Problem

        public var description: String {
            switch problem {
            case .missing: return "\(path): missing"
            case .stale: return "\(path): stale (differs from the policy set)"
            case .orphaned: return "\(path): no such rule any more (generated page to remove)"
            }
        }
    }

    /// The pages of `directory` that differ from the policy set, that are missing, or whose rule is gone.
    public func outdatedPages(in directory: String) -> [OutdatedPage] {
        var outdated: [OutdatedPage] = []
        let expected = pages()
        for page in expected {
            let path = (directory as NSString).appendingPathComponent(page.relativePath)
            guard let data = FileManager.default.contents(atPath: path) else {
                outdated.append(OutdatedPage(path: path, problem: .missing))
                continue
            }
            if String(decoding: data, as: UTF8.self) != page.markdown {
                outdated.append(OutdatedPage(path: path, problem: .stale))
            }
        }
        let known = Set(expected.map(\.relativePath))
        for relative in generatedPages(in: directory) where !known.contains(relative) {
            outdated.append(OutdatedPage(path: (directory as NSString).appendingPathComponent(relative), problem: .orphaned))
        }
        return outdated
    }

    /// Writes every page that differs, removes generated pages whose rule is gone, and returns what changed.
    @discardableResult
    public func write(to directory: String) throws -> [OutdatedPage] {
        let outdated = outdatedPages(in: directory)
        let byPath = Dictionary(pages().map { ((directory as NSString).appendingPathComponent($0.relativePath), $0.markdown) },
                                uniquingKeysWith: { first, _ in first })
        for page in outdated {
            if page.problem == .orphaned {
                try FileManager.default.removeItem(atPath: page.path)
                continue
            }
            let url = URL(fileURLWithPath: page.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(byPath[page.path]!.utf8).write(to: url, options: .atomic)
        }
        return outdated
    }

    /// Markdown files under `directory` that carry the generated marker, relative to it, in name order.
    private func generatedPages(in directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".md"),
                  let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(relative)),
                  String(decoding: data, as: UTF8.self).hasPrefix(Self.generatedMarker)
            else { continue }
            found.append(relative)
        }
        return found.sorted()
    }
}

import ModelwardenCore
import Testing

/// `ParallelMap.map` moves results into place on all cores; `release` replaces every item on all cores.
@Suite struct ParallelMapTests {
    final class Counted: Sendable {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    @Test func mapKeepsOrderAndReleaseReplacesEveryItem() {
        let items = Array(0..<5000)
        var mapped = ParallelMap.map(items) { (Counted($0), String($0)) }
        #expect(mapped.map(\.0.value) == items && mapped.map(\.1) == items.map(String.init))
        #expect(ParallelMap.map([Int]()) { $0 }.isEmpty)
        weak let first = mapped[0].0
        ParallelMap.release(&mapped) { (Counted(-1), "") }
        #expect(mapped.count == items.count && mapped.allSatisfy { $0.0.value == -1 && $0.1.isEmpty })
        #expect(first == nil)
    }
}

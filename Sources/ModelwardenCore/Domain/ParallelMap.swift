import Dispatch

/// Maps over items on all cores, keeping order.
public enum ParallelMap {
    final class Slots<T>: @unchecked Sendable {
        var values: [T?]
        init(_ count: Int) { values = Array(repeating: nil, count: count) }
    }

    public static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R] {
        let slots = Slots<R>(items.count)
        // Each index is written by exactly one iteration, so the slots need no lock.
        slots.values.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeMutableSendablePointer(buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: items.count) { index in
                base.pointer?.advanced(by: index).pointee = transform(items[index])
            }
        }
        return slots.values.map { $0! }
    }
}

struct UnsafeMutableSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>?
    init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}

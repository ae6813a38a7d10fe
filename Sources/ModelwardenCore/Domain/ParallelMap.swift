import Dispatch

/// Maps over items on all cores, keeping order.
public enum ParallelMap {
    public static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R] {
        // Each result is moved into its own slot of the array being made: no optional slots copied out one by one on
        // a single core afterwards, and no second array of every result alive at the same time.
        Array(unsafeUninitializedCapacity: items.count) { buffer, initializedCount in
            let base = UnsafeMutableSendablePointer(buffer.baseAddress)
            // Each index is written by exactly one iteration, so the slots need no lock.
            DispatchQueue.concurrentPerform(iterations: items.count) { index in
                base.pointer?.advanced(by: index).initialize(to: transform(items[index]))
            }
            initializedCount = items.count
        }
    }

    /// Replaces every item with `placeholder()` on all cores, so that what the items held is freed in parallel (a large
    /// scan's files and scans took a core a while to free one by one); the placeholder should hold no memory.
    public static func release<T: Sendable>(_ items: inout [T], placeholder: @escaping @Sendable () -> T) {
        items.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeMutableSendablePointer(buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: buffer.count) { index in
                base.pointer?.advanced(by: index).pointee = placeholder()
            }
        }
    }
}

struct UnsafeMutableSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>?
    init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}

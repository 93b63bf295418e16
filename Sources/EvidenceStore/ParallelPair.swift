import Dispatch

/// Runs two independent pieces of CPU work at once (one per core on a 2-core dock) and rethrows the
/// first failure. Hashing and sealing the same buffer are independent, so they overlap here.
func runInParallel(_ first: () throws -> Void, _ second: () throws -> Void) throws {
    var errors: [(any Error)?] = [nil, nil]
    errors.withUnsafeMutableBufferPointer { slots in
        nonisolated(unsafe) let slots = slots
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                nonisolated(unsafe) let work = [first, second]
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    do { try work[index]() } catch { slots[index] = error }
                }
            }
        }
    }
    if let error = errors[0] ?? errors[1] { throw error }
}

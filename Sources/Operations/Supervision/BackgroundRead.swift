import Dispatch
import Synchronization

/// A read of the catalog on another thread, whose result a verb takes when it needs it. The catalog's
/// pool serves concurrent readers, so a report reads its other sections while this thread reads and
/// counts the period's items: on two cores the report takes about the longer of the two, not the sum.
final class BackgroundRead<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `read` at once.
    init(_ read: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async { [self] in
            let result = Result { try read() }
            outcome.withLock { $0 = result }
            finished.signal()
        }
    }

    /// Waits for the read; its value, or what it threw.
    func value() throws -> Value {
        finished.wait()
        finished.signal()  // so a second call does not wait forever
        return try outcome.withLock { $0! }.get()
    }
}

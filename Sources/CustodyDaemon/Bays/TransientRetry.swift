import Devices
import Foundation

/// Retries a device-layer step that failed for a reason that passes (libudev briefly unable to open
/// or listen on its netlink socket, a USB device busy while the kernel binds it), with doubling
/// delays, before the bay is marked failed. What does not pass — a wrong password, a protocol reply
/// that makes no sense, a device that left — fails at once.
struct TransientRetry: Sendable {
    /// Tries in all, the first included.
    var attempts = 4
    /// The wait before the second try; each later wait doubles.
    var firstDelay: Duration = .milliseconds(500)
    /// Waits (the session's thread; the daemon's stop cuts it short). Tests pass one that records.
    var wait: @Sendable (Duration) -> Void

    /// Runs `body`, retrying transient failures; `onRetry` hears each one (try number, the wait, the error).
    /// - Throws: the last error, or the first one that is not transient.
    func run<T>(_ onRetry: (Int, Duration, any Error) -> Void, _ body: () throws -> T) throws -> T {
        var delay = firstDelay
        for attempt in 1... {
            do {
                return try body()
            } catch where attempt < attempts && Self.isTransient(error) {
                onRetry(attempt, delay, error)
                wait(delay)
                delay *= 2
            }
        }
        fatalError("unreachable: the loop returns or throws")
    }

    /// Whether `error` is worth another try: the device layer's I/O and availability failures.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? DeviceError else { return false }
        return error.code == .io || error.code == .unavailable || error.code == .timeout
    }

    /// Waits `duration`, in short slices, returning early once `stop` is raised.
    static func waiting(until stop: StopSignal) -> @Sendable (Duration) -> Void {
        { duration in
            let end = ContinuousClock.now + duration
            while !stop.isRaised, case let left = end - ContinuousClock.now, left > .zero {
                let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
                Thread.sleep(forTimeInterval: min(0.1, seconds))
            }
        }
    }
}

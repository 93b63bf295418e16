import Foundation
import Synchronization

/// Bounds what a refused caller can write to the audit log: a caller looping on `connect(2)` once
/// wrote 22,763 `control.refused` entries in 10 s. Every refusal is still counted; per identity (uid
/// and gid), the first refusal is audited at once, later ones within `interval` only counted, and the
/// count goes into the next entry for that identity (`refusals`, `since`): the next refusal after the
/// interval, or `drain()` when the server stops. At most one entry per identity per interval.
///
/// A refusal that is only counted is also answered with less work (`RefusalLog.Decision.quiet`):
/// the server closes the connection without composing a message.
final class RefusalLog: Sendable {
    /// What to do with one refusal.
    enum Decision: Equatable {
        /// Audit now, as `refusals` refusals since `since` (this one included), and answer the caller.
        case audit(refusals: Int, since: Date)
        /// Counted into the pending entry; close without answering.
        case quiet
    }

    private struct Identity: Hashable {
        var uid: UInt32
        var gid: UInt32
    }

    private struct Window {
        /// When the last entry for this identity was written.
        var audited: Date
        /// Refusals counted since, and when the first of them happened.
        var pending: Int
        var pendingSince: Date?
        var lastCaller: ControlCaller
    }

    let interval: TimeInterval
    private let now: @Sendable () -> Date
    private let windows = Mutex([Identity: Window]())

    /// A log that writes at most one entry per identity every `interval` seconds; `now` is the clock.
    init(interval: TimeInterval = 60, now: @escaping @Sendable () -> Date = Date.init) {
        self.interval = interval
        self.now = now
    }

    /// Counts one refusal of `caller`.
    func refused(_ caller: ControlCaller) -> Decision {
        let date = now()
        let identity = Identity(uid: caller.uid, gid: caller.gid)
        return windows.withLock { windows in
            guard var window = windows[identity], date.timeIntervalSince(window.audited) < interval else {
                let previous = windows[identity]
                windows[identity] = Window(audited: date, pending: 0, pendingSince: nil, lastCaller: caller)
                return .audit(refusals: (previous?.pending ?? 0) + 1, since: previous?.pendingSince ?? date)
            }
            window.pending += 1
            window.pendingSince = window.pendingSince ?? date
            window.lastCaller = caller
            windows[identity] = window
            return .quiet
        }
    }

    /// The entries still owed: one per identity with refusals counted but not yet written.
    func drain() -> [(caller: ControlCaller, refusals: Int, since: Date)] {
        windows.withLock { windows in
            defer { windows = [:] }
            return windows.values.compactMap { window in
                guard window.pending > 0, let since = window.pendingSince else { return nil }
                return (window.lastCaller, window.pending, since)
            }
        }
    }
}

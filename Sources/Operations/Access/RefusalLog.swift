import Catalog
import Foundation
import Synchronization

/// Bounds what refusals can write to the audit log, whoever refuses: the control server's refused
/// connections (`control.refused`), the policy's denials (`access.denied`), requests that failed or
/// could not be read (`request.failed`, `control.request`). A caller looping on one refused request
/// once wrote 13,827 entries in 10 s (5.8 MB of catalog); one looping on `connect(2)` 22,763.
///
/// Every refusal is counted, none is dropped. Per key — who was refused, and what — the first refusal
/// is written at once, with its full reason, so an auditor sees it immediately; later ones within
/// `interval` are only counted, and the count goes into the next entry for that key (`refusals`, and
/// `since`, the first of them): the next refusal after the interval, `drain(dueAt:)` once the
/// interval is over (the daemon asks every minute), or `drain()` when the daemon stops. At most one
/// entry per key per interval.
public final class RefusalLog: Sendable {
    /// Who was refused (a principal, or a kernel identity) and what (a request kind, an action, an
    /// item, a limit): refusals with the same key are coalesced.
    public struct Key: Hashable, Sendable {
        public var who: String
        public var what: String

        /// Creates a key.
        public init(who: String, what: String) {
            self.who = who
            self.what = what
        }
    }

    /// What to do with one refusal.
    public enum Decision: Equatable, Sendable {
        /// Write an entry now, standing for `refusals` refusals since `since` (this one included).
        case record(refusals: Int, since: Date)
        /// Counted into the entry owed for its key; write nothing now.
        case counted
    }

    /// An entry owed: refusals counted since the last entry of their key, not yet written.
    public struct Owed: Sendable {
        /// The latest of them, as it would have been written.
        public var event: AuditEvent
        public var actor: AuditActor
        public var refusals: Int
        public var since: Date
    }

    private struct Window {
        /// When the last entry for this key was written.
        var recorded: Date
        /// Refusals counted since, the first one's time, and the latest one.
        var pending = 0
        var pendingSince: Date?
        var latest: (event: AuditEvent, actor: AuditActor)?
    }

    /// The shortest time between two entries of one key.
    public let interval: TimeInterval
    private let windows = Mutex([Key: Window]())
    /// Every refusal counted since the log was made, by the audit action that records it (metrics).
    private let counted = Mutex([String: Int]())
    /// Past this many keys, windows with nothing owed whose interval is over are forgotten.
    private static let pruneThreshold = 4096

    /// A log that writes at most one entry per key every `interval` seconds.
    public init(interval: TimeInterval = 60) {
        self.interval = interval
    }

    /// Counts one refusal under `key` at `date`. `event` and `actor` are what would be written; they
    /// are kept (the latest of a key) for the entry owed.
    public func refused(_ key: Key, at date: Date, event: AuditEvent, actor: AuditActor) -> Decision {
        counted.withLock { $0[event.action.rawValue, default: 0] += 1 }
        return windows.withLock { windows in
            if windows.count > Self.pruneThreshold {
                windows = windows.filter {
                    $0.value.pending > 0 || date.timeIntervalSince($0.value.recorded) < interval
                }
            }
            guard var window = windows[key], date.timeIntervalSince(window.recorded) < interval else {
                let previous = windows[key]
                windows[key] = Window(recorded: date)
                return .record(refusals: (previous?.pending ?? 0) + 1, since: previous?.pendingSince ?? date)
            }
            window.pending += 1
            window.pendingSince = window.pendingSince ?? date
            window.latest = (event, actor)
            windows[key] = window
            return .counted
        }
    }

    /// Every refusal counted so far, by audit action (`control.refused`, `access.denied`, …): the
    /// daemon's `custody_refusals_total` (docs/metrics.md).
    public func totals() -> [String: Int] { counted.withLock { $0 } }

    /// Puts back `refusals` refusals of `key` whose entry was due but could not be written, so they
    /// are counted into the next entry instead of lost.
    public func owe(_ key: Key, refusals: Int, since: Date, event: AuditEvent, actor: AuditActor) {
        windows.withLock { windows in
            var window = windows[key] ?? Window(recorded: since)
            window.pending += refusals
            window.pendingSince = min(window.pendingSince ?? since, since)
            window.latest = window.latest ?? (event, actor)
            windows[key] = window
        }
    }

    /// The entries still owed, one per key with refusals counted but not yet written, and forgets
    /// them. With `date`, only those whose interval is over at `date`, which then count as written
    /// at `date` (so their keys still get at most one entry per interval); without, all of them.
    public func drain(dueAt date: Date? = nil) -> [Owed] {
        windows.withLock { windows in
            var owed: [Owed] = []
            for (key, window) in windows {
                guard window.pending > 0, let since = window.pendingSince, let latest = window.latest else { continue }
                if let date {
                    guard date.timeIntervalSince(window.recorded) >= interval else { continue }
                    windows[key] = Window(recorded: date)
                }
                owed.append(Owed(event: latest.event, actor: latest.actor, refusals: window.pending, since: since))
            }
            if date == nil { windows = [:] }
            return owed.sorted { $0.since < $1.since }
        }
    }
}

extension AuditEvent {
    /// This event as the entry standing for `refusals` refusals since `since` (docs/audit-log.md).
    func counting(_ refusals: Int, since: Date) -> AuditEvent {
        var event = self
        event.detail["refusals"] = "\(refusals)"
        event.detail["since"] = "\(since.catalogMilliseconds)"
        return event
    }
}

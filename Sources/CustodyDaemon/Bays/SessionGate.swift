import Synchronization

/// Admits at most `limit` dock sessions at once, in the order their devices docked: the device docked
/// first waits least, and a burst of docks cannot start a thread each and thrash the store disk.
///
/// The monitor takes a ticket (`enqueue`) as it handles the hotplug event, so the order is the
/// events' order, not the order tasks happen to be scheduled in; the session then `wait`s for its
/// turn and `leave`s when it ends. The waiting bays, first in line first, go to `onQueueChange` (the
/// bay board shows them). `close` sends every waiter away unadmitted: the daemon is stopping, and
/// their devices are taken at the next start.
final class SessionGate: Sendable {
    /// A place in line.
    struct Ticket: Hashable, Sendable {
        fileprivate let number: UInt64
    }

    private struct Waiter {
        var ticket: Ticket
        var bay: String
        var continuation: CheckedContinuation<Bool, Never>?
    }

    private struct State {
        var running = 0
        var queue: [Waiter] = []
        /// Tickets let in before their session asked.
        var admitted: Set<Ticket> = []
        var next: UInt64 = 0
        var closed = false
    }

    /// How many sessions may run at once.
    let limit: Int
    private let state = Mutex(State())
    private let onQueueChange: @Sendable ([String]) -> Void

    /// A gate for `limit` sessions; `onQueueChange` gets the waiting bays, first in line first.
    init(limit: Int, onQueueChange: @escaping @Sendable ([String]) -> Void = { _ in }) {
        precondition(limit >= 1)
        self.limit = limit
        self.onQueueChange = onQueueChange
    }

    /// The sessions that may run at once by default: two per core (a session spends much of its time
    /// waiting on its USB device, whose USB 2 link delivers far less than a core hashes and encrypts),
    /// at least 2 and at most 8 — beyond that the one store disk, written and read back by every
    /// session, is the bottleneck and more sessions only make each slower.
    static func defaultLimit(cores: Int) -> Int { min(8, max(2, 2 * cores)) }

    /// Takes a place in line for `bay`: admitted at once when a slot is free and nobody waits.
    func enqueue(_ bay: String) -> Ticket {
        let (ticket, waiting): (Ticket, [String]?) = state.withLock { state in
            let ticket = Ticket(number: state.next)
            state.next += 1
            if !state.closed, state.running < limit, state.queue.isEmpty {
                state.running += 1
                state.admitted.insert(ticket)
                return (ticket, nil)
            }
            guard !state.closed else { return (ticket, nil) }
            state.queue.append(Waiter(ticket: ticket, bay: bay))
            return (ticket, state.queue.map(\.bay))
        }
        if let waiting { onQueueChange(waiting) }
        return ticket
    }

    /// Waits for `ticket`'s turn. True once admitted (the caller must `leave`); false if the gate closed
    /// first.
    func wait(_ ticket: Ticket) async -> Bool {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if state.admitted.remove(ticket) != nil {
                    continuation.resume(returning: true)
                } else if let index = state.queue.firstIndex(where: { $0.ticket == ticket }) {
                    state.queue[index].continuation = continuation
                } else {
                    continuation.resume(returning: false)  // closed
                }
            }
        }
    }

    /// A session ended: the first in line, if any, runs next.
    func leave() {
        let waiting: [String]? = state.withLock { state in
            state.running -= 1
            guard !state.closed, state.running < limit, !state.queue.isEmpty else { return nil }
            let next = state.queue.removeFirst()
            state.running += 1
            if let continuation = next.continuation {
                continuation.resume(returning: true)
            } else {
                state.admitted.insert(next.ticket)
            }
            return state.queue.map(\.bay)
        }
        if let waiting { onQueueChange(waiting) }
    }

    /// Sends every waiter away unadmitted; later tickets are never admitted.
    func close() {
        let waiters: [Waiter] = state.withLock { state in
            state.closed = true
            defer { state.queue = [] }
            return state.queue
        }
        for waiter in waiters { waiter.continuation?.resume(returning: false) }
        if !waiters.isEmpty { onQueueChange([]) }
    }

    /// The bays waiting now, first in line first.
    var queuedBays: [String] { state.withLock { $0.queue.map(\.bay) } }
}

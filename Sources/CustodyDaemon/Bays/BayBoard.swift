import ControlProtocol
import Foundation
import Synchronization

/// The live state of every bay and of the daemon, shared by the sessions that write it and the
/// control server and systemd notifier that read it.
///
/// Writers call `update`; readers take a `snapshot` or follow `changes`, which delivers the newest
/// status after each change (older ones are dropped when a reader is slow, never queued).
public final class BayBoard: Sendable {
    private struct State {
        var daemon: DaemonStatus.State = .starting
        var bays: [String: BayStatus] = [:]
        var fixity: FixityStatus?
        var watchers: [Int: AsyncStream<DaemonStatus>.Continuation] = [:]
        var nextWatcher = 0
    }

    private let state = Mutex(State())
    private let version: String
    private let startedAt: String

    /// Creates an empty board.
    public init(version: String, startedAt: Date = Date()) {
        self.version = version
        self.startedAt = Timestamps.rfc3339(startedAt)
    }

    /// The daemon and every bay, devices first, each group ordered by bay id.
    public func snapshot() -> DaemonStatus {
        state.withLock { Self.status(of: $0, version: version, startedAt: startedAt) }
    }

    /// Sets the daemon's life-cycle state.
    public func setDaemonState(_ daemon: DaemonStatus.State) {
        publish { $0.daemon = daemon }
    }

    /// Changes one bay, creating it (idle, of `kind`) if it is new.
    public func update(_ id: String, kind: BayStatus.Kind, _ change: (inout BayStatus) -> Void) {
        publish { state in
            var bay = state.bays[id] ?? BayStatus(id: id, kind: kind)
            change(&bay)
            state.bays[id] = bay
        }
    }

    /// The current status of one bay.
    public func bay(_ id: String) -> BayStatus? { state.withLock { $0.bays[id] } }

    /// Sets the fixity scrubber's progress.
    public func setFixity(_ fixity: FixityStatus) {
        publish { $0.fixity = fixity }
    }

    /// The status now, then after every change, newest only. Ends when the consumer stops iterating.
    public func changes() -> AsyncStream<DaemonStatus> {
        let (stream, continuation) = AsyncStream<DaemonStatus>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let key = state.withLock { state in
            let key = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[key] = continuation
            continuation.yield(Self.status(of: state, version: version, startedAt: startedAt))
            return key
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: key) }
        }
        return stream
    }

    private func publish(_ change: (inout State) -> Void) {
        state.withLock { state in
            change(&state)
            guard !state.watchers.isEmpty else { return }
            let status = Self.status(of: state, version: version, startedAt: startedAt)
            for watcher in state.watchers.values { watcher.yield(status) }
        }
    }

    private static func status(of state: State, version: String, startedAt: String) -> DaemonStatus {
        let bays = state.bays.values.sorted { lhs, rhs in
            lhs.kind == rhs.kind ? lhs.id < rhs.id : lhs.kind == .device
        }
        return DaemonStatus(
            state: state.daemon, version: version, startedAt: startedAt, bays: bays, fixity: state.fixity)
    }
}

import ServiceLifecycle
import Synchronization

/// A one-way flag a service raises to ask its blocking workers to stop at the next clean point.
public final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// Asks every worker that checks this signal to stop.
    public func raise() { raised.store(true, ordering: .releasing) }

    /// Whether a stop was asked for.
    public var isRaised: Bool { raised.load(ordering: .acquiring) }
}

/// Runs `body` on a thread of its own with a stop signal that is raised on graceful shutdown and on
/// cancellation (a failing sibling service cancels the group), and waits for it to return.
func runOnOwnThreadUntilStopped(name: String, _ body: @escaping @Sendable (StopSignal) -> Void) async {
    let stop = StopSignal()
    await withGracefulShutdownHandler {
        await withTaskCancellationHandler {
            await onOwnThread(name: name) { body(stop) }
        } onCancel: {
            stop.raise()
        }
    } onGracefulShutdown: {
        stop.raise()
    }
}

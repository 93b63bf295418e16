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

import Catalog
import ControlProtocol
import Foundation
import Logging
import ServiceLifecycle

/// What the control socket contributes to the metrics: its open connections and the refusals
/// counted so far, per audit action.
public struct ControlObservation: Sendable {
    /// Connections open now.
    public var connections: Int
    /// Refusals counted since the daemon started, by audit action.
    public var refusals: [String: Int]

    /// An observation.

    public init(connections: Int, refusals: [String: Int]) {
        self.connections = connections
        self.refusals = refusals
    }
}

/// Writes the daemon's metrics (docs/metrics.md) to `custody.prom` in `[metrics] textfile_dir` every
/// `interval_seconds` and once more on shutdown, for node_exporter's textfile collector: no socket,
/// so the unit's ban on IP stays whole. Before each write the gauges are set from the live board
/// (bays, fixity progress), the catalog (items by state, review backlog) and the control socket.
struct MetricsService: Service, CustomStringConvertible {
    let configuration: DaemonConfiguration.Metrics
    let metrics: DaemonMetrics
    let board: BayBoard
    let catalog: EvidenceCatalog
    let control: @Sendable () -> ControlObservation?
    let logger: Logger

    var description: String { "metrics" }

    func run() async throws {
        let interval = Duration.milliseconds(Int64(configuration.intervalSeconds * 1000))
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                writeNow()
                try await Task.sleep(for: interval)
            }
        }
        // On shutdown: the last counts of this run are kept until the next start.
        writeNow()
    }

    /// Refreshes the gauges and writes the file; a failure is logged, and the next interval tries again.
    func writeNow() {
        refresh()
        let writer = TextfileWriter(directory: configuration.textfileDirectory)
        do {
            try writer.write(metrics.exposition())
            logger.debug("metrics written", metadata: ["metrics.file": "\(writer.path)"])
        } catch {
            logger.warning(
                "cannot write the metrics file; check that [metrics] textfile_dir exists and the unit may write it (ReadWritePaths=)",
                metadata: ["metrics.file": "\(writer.path)", "error": "\(error)"])
        }
    }

    private func refresh() {
        let status = board.snapshot()
        var phases: [String: Double] = [:]
        for bay in status.bays { phases[bay.phase.rawValue, default: 0] += 1 }
        metrics.set(.bays, by: phases)
        if let fixity = status.fixity {
            metrics.set(.fixityChecked, Double(fixity.checked))
            metrics.set(.fixityTotal, Double(fixity.total))
            if let finished = fixity.lastPassFinishedAt.flatMap(Timestamps.date(from:)) {
                metrics.set(.fixityLastPass, finished.timeIntervalSince1970)
            }
        }
        do {
            var states: [String: Double] = [:]
            for (state, count) in try catalog.countsByState() { states[state.rawValue] = Double(count) }
            metrics.set(.items, by: states)
            metrics.set(.reviewBacklog, Double(try catalog.reviewBacklog()))
        } catch {
            logger.warning("cannot read the catalog for metrics", metadata: ["error": "\(error)"])
        }
        if let control = control() {
            metrics.set(.controlConnections, Double(control.connections))
            metrics.refusals(control.refusals)
        }
    }
}

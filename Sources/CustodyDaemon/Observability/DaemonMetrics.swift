import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The daemon's metrics (docs/metrics.md), counted through swift-metrics and kept in a Prometheus
/// registry that `MetricsService` writes out. Ingest and the fixity scrubber count events as they
/// happen; the gauges are set from the live board and the catalog just before each write.
///
/// `off` counts nothing, for a daemon without `[metrics]` and for local commands.
public final class DaemonMetrics: Sendable {
    /// Where the samples are kept; nil when metrics are off.
    private let registry: PrometheusCollectorRegistry?
    private let factory: any MetricsFactory
    private let itemsIngested: CoreMetrics.Counter
    private let bytesIngested: CoreMetrics.Counter
    private let ingestFailures: CoreMetrics.Counter
    private let fixityFailures: CoreMetrics.Counter
    /// Label values of labelled gauges set before, so one that is gone now reads 0 rather than its
    /// last value.
    private let seenLabels = Mutex([MetricName: Set<String>]())
    /// The refusal totals last counted, per action: the counter grows by what is new since.
    private let countedRefusals = Mutex([String: Int]())

    /// Metrics kept in a registry of their own.
    public convenience init() { self.init(registry: PrometheusCollectorRegistry()) }

    private init(registry: PrometheusCollectorRegistry?) {
        self.registry = registry
        factory = registry.map { DescribedPrometheusFactory(registry: $0) } ?? NOOPMetricsHandler.instance
        itemsIngested = CoreMetrics.Counter(label: MetricName.itemsIngested.rawValue, factory: factory)
        bytesIngested = CoreMetrics.Counter(label: MetricName.bytesIngested.rawValue, factory: factory)
        ingestFailures = CoreMetrics.Counter(
            label: MetricName.verifyFailures.rawValue, dimensions: [("check", "ingest")], factory: factory)
        fixityFailures = CoreMetrics.Counter(
            label: MetricName.verifyFailures.rawValue, dimensions: [("check", "fixity")], factory: factory)
    }

    /// Metrics that count nothing.
    public static let off = DaemonMetrics(registry: nil)

    /// Whether anything is counted.
    public var isOn: Bool { registry != nil }

    /// One item verified at ingest, of `bytes` bytes.
    func ingested(bytes: Int64) {
        itemsIngested.increment()
        bytesIngested.increment(by: bytes)
    }

    /// One file whose ingest failed.
    func ingestFailed() { ingestFailures.increment() }

    /// One stored object that failed its fixity check.
    func fixityFailed() { fixityFailures.increment() }

    /// Sets an unlabelled gauge.
    func set(_ name: MetricName, _ value: Double) {
        CoreMetrics.Gauge(label: name.rawValue, factory: factory).record(value)
    }

    /// Sets a gauge with one label to `values` (label value → sample); label values set before and
    /// missing now read 0.
    func set(_ name: MetricName, by values: [String: Double]) {
        guard let label = name.labels.first else { return }
        let missing = seenLabels.withLock { seen in
            let before = seen[name, default: []]
            seen[name, default: []].formUnion(values.keys)
            return before.subtracting(values.keys)
        }
        for (value, sample) in values {
            CoreMetrics.Gauge(label: name.rawValue, dimensions: [(label, value)], factory: factory).record(sample)
        }
        for value in missing {
            CoreMetrics.Gauge(label: name.rawValue, dimensions: [(label, value)], factory: factory).record(0)
        }
    }

    /// Brings the refusals counter up to `totals` (per action, since the daemon started).
    func refusals(_ totals: [String: Int]) {
        let increments = countedRefusals.withLock { counted in
            var increments: [String: Int] = [:]
            for (action, total) in totals where total > counted[action, default: 0] {
                increments[action] = total - counted[action, default: 0]
                counted[action] = total
            }
            return increments
        }
        for (action, increment) in increments {
            CoreMetrics.Counter(label: MetricName.refusals.rawValue, dimensions: [("action", action)], factory: factory)
                .increment(by: increment)
        }
    }

    /// The Prometheus text exposition of every sample, or "" when metrics are off.
    public func exposition() -> String { registry?.emitToString() ?? "" }
}

/// Every metric `custodyd run` exposes (docs/metrics.md), with its type, labels and help text, in one
/// place: the exposition's `# HELP` lines come from here, and nothing outside this enum names a metric.
public enum MetricName: String, CaseIterable, Sendable {
    case itemsIngested = "custody_items_ingested_total"
    case bytesIngested = "custody_bytes_ingested_total"
    case verifyFailures = "custody_verify_failures_total"
    case items = "custody_items"
    case bays = "custody_bays"
    case reviewBacklog = "custody_review_backlog"
    case fixityChecked = "custody_fixity_checked_items"
    case fixityTotal = "custody_fixity_pass_items"
    case fixityLastPass = "custody_fixity_last_pass_finished_timestamp_seconds"
    case refusals = "custody_refusals_total"
    case controlConnections = "custody_control_connections"

    /// The Prometheus type.
    public enum Kind: String, Sendable {
        /// Only grows (from 0 at each start of the daemon).
        case counter
        /// A value now.
        case gauge
    }

    /// The metric's type.
    public var kind: Kind {
        switch self {
        case .itemsIngested, .bytesIngested, .verifyFailures, .refusals: .counter
        case .items, .bays, .reviewBacklog, .fixityChecked, .fixityTotal, .fixityLastPass, .controlConnections: .gauge
        }
    }

    /// The labels its samples carry.
    public var labels: [String] {
        switch self {
        case .verifyFailures: ["check"]
        case .items: ["state"]
        case .bays: ["phase"]
        case .refusals: ["action"]
        default: []
        }
    }

    /// The `# HELP` text.
    public var help: String {
        switch self {
        case .itemsIngested:
            "Items ingested and verified by this daemon since it started (device bays and watched folders)."
        case .bytesIngested: "Bytes of the items counted in custody_items_ingested_total."
        case .verifyFailures:
            "Verification failures since the daemon started: check=ingest for files whose ingest failed (read, seal or read-back), check=fixity for stored objects that no longer match their hash."
        case .items: "Items in the catalog, by state."
        case .bays: "Bays the daemon shows in custody status, by phase."
        case .reviewBacklog: "Verified items waiting for review (pending, claimed or not)."
        case .fixityChecked: "Items the fixity scrubber has checked in its current (or last) pass."
        case .fixityTotal: "Items the fixity scrubber's current (or last) pass has to check."
        case .fixityLastPass: "When the last full fixity pass finished (Unix time); 0 before the first since start."
        case .refusals:
            "Refusals since the daemon started, by the audit action that records them (control.refused, access.denied, request.failed, control.request); every refusal counts, coalesced audit entries included."
        case .controlConnections: "Control socket connections open now."
        }
    }
}

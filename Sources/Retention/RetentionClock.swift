import Foundation

/// Which instant an item's retention counts from (DESIGN §12): the recorded-at time (the camera's
/// clock corrected by the dock's measured offset) when it is plausible, else the ingested-at time.
public struct RetentionClock: Sendable, Equatable {
    /// Where the instant came from, as the catalog stores it.
    public enum Source: String, Sendable, Equatable, CaseIterable {
        case recordedAt = "recorded_at"
        case ingestedAt = "ingested_at"
    }

    /// The instant retention counts from.
    public var start: Date
    public var source: Source
    /// Why a recorded-at time was not trusted; nil when it was, or when there was none.
    public var flag: String?

    /// How far after ingest a recorded-at may lie (a camera a little ahead of the dock) before it is
    /// called a time in the future.
    public static let futureTolerance: TimeInterval = 86_400
    /// How long before ingest a recorded-at may lie before it is called implausibly old: a camera whose
    /// clock reset to its epoch (2000-01-01, 1970) would otherwise make its footage due at once.
    public static let oldestPlausibleAge: TimeInterval = 10 * 365.25 * 86_400

    /// The clock of an item recorded at `recordedAt` (nil: not known) and ingested at `ingestedAt`.
    /// Both are judged against each other, never against the dock's clock now: an item whose recorded-at
    /// is after its ingest or decades before it is flagged and counts from ingested-at, which is never
    /// earlier than a trustworthy recorded-at, so the fallback can only keep an item longer.
    public init(recordedAt: Date?, ingestedAt: Date) {
        guard let recordedAt else {
            self.init(start: ingestedAt, source: .ingestedAt, flag: nil)
            return
        }
        if recordedAt > ingestedAt.addingTimeInterval(Self.futureTolerance) {
            self.init(
                start: ingestedAt, source: .ingestedAt,
                flag: "recorded-at is after the item was ingested: the camera's clock was wrong")
        } else if recordedAt < ingestedAt.addingTimeInterval(-Self.oldestPlausibleAge) {
            self.init(
                start: ingestedAt, source: .ingestedAt,
                flag: "recorded-at is more than ten years before ingest: the camera's clock was wrong")
        } else {
            self.init(start: recordedAt, source: .recordedAt, flag: nil)
        }
    }

    /// A clock as stored.
    public init(start: Date, source: Source, flag: String?) {
        self.start = start
        self.source = source
        self.flag = flag
    }
}

import Foundation

/// The JSON shape of `custody report --json` (docs/cli-json.md, DESIGN §14): figures over the items
/// ingested in a period within the caller's scope. Hours and days are decimal; shares are 0…1; a
/// figure over no items is absent.
public struct SupervisionReportView: Codable, Sendable, Equatable {
    /// The period, `[from, to)` of ingest time, RFC 3339 UTC; when the report was made.
    public var from: String
    public var to: String
    public var generatedAt: String
    /// The scope, as the audit log names it (`all`, `units NORTH,NORTH-1 and officer R1`).
    public var scope: String
    /// How many items the figures are over.
    public var items: Int
    public var timeliness: Timeliness
    public var review: Review
    public var categorisation: Categorisation
    public var integrity: Integrity
    /// Retention as of `generated_at` (SupervisionSectionViews.swift).
    public var retention = Retention()
    /// The registry now and the period's dock sessions.
    public var devices = Devices()
    /// The period's refusals and the grants now.
    public var access = Access()
    /// What the scope's items take now, and how fast it grows.
    public var storage = Storage()

    /// Recorded-at → ingested-at delays of a group of items.
    public struct Delays: Codable, Sendable, Equatable {
        /// Items with a recorded-at time (the others cannot be measured).
        public var items: Int
        /// Nearest-rank median and 90th percentile, hours.
        public var medianHours: Double?
        public var p90Hours: Double?
        /// The share ingested within 24 hours of recording.
        public var within24hShare: Double?

        public init(items: Int, medianHours: Double?, p90Hours: Double?, within24hShare: Double?) {
            self.items = items
            self.medianHours = medianHours
            self.p90Hours = p90Hours
            self.within24hShare = within24hShare
        }

        enum CodingKeys: String, CodingKey {
            case items
            case medianHours = "median_hours"
            case p90Hours = "p90_hours"
            case within24hShare = "within_24h_share"
        }
    }

    /// Upload timeliness (`item.recorded_at`, `item.ingested_at`, per `officer_id` and `unit_id`).
    public struct Timeliness: Codable, Sendable, Equatable {
        public var overall: Delays
        /// Keyed by officer id / unit id; `-` for items with none.
        public var byOfficer: [String: Delays]
        public var byUnit: [String: Delays]
        /// Items ingested more than 24 hours after recording: how many, and the first 100 ids, latest first.
        public var lateCount: Int
        public var late: [String]
        /// Items without a recorded-at time.
        public var unmeasured: Int
        /// Measured items by delay: `under 1h`, `1-6h`, `6-12h`, `12-24h`, `1-2d`, `2-7d`, `over 7d`.
        public var histogram: [AgeBucket] = []

        public init(
            overall: Delays, byOfficer: [String: Delays], byUnit: [String: Delays], lateCount: Int, late: [String],
            unmeasured: Int
        ) {
            self.overall = overall
            self.byOfficer = byOfficer
            self.byUnit = byUnit
            self.lateCount = lateCount
            self.late = late
            self.unmeasured = unmeasured
        }

        enum CodingKeys: String, CodingKey {
            case overall, late, unmeasured, histogram
            case byOfficer = "by_officer"
            case byUnit = "by_unit"
            case lateCount = "late_count"
        }
    }

    /// Pending items by age since ingest.
    public struct AgeBucket: Codable, Sendable, Equatable {
        /// `under 1d`, `1-7d`, `7-30d`, `over 30d`.
        public var age: String
        public var items: Int

        public init(age: String, items: Int) {
            self.age = age
            self.items = items
        }
    }

    /// Review (`item.review_state`, `review.outcome`, `view.started` in the audit trail).
    public struct Review: Codable, Sendable, Equatable {
        public var pending: Int
        public var reviewed: Int
        /// Reviewed among pending and reviewed.
        public var reviewedShare: Double?
        public var backlogByAge: [AgeBucket]
        /// Items by their latest review's outcome.
        public var outcomes: [String: Int]
        /// Items whose content nobody ever opened (`view.started`).
        public var neverViewed: Int

        public init(
            pending: Int, reviewed: Int, reviewedShare: Double?, backlogByAge: [AgeBucket], outcomes: [String: Int],
            neverViewed: Int
        ) {
            self.pending = pending
            self.reviewed = reviewed
            self.reviewedShare = reviewedShare
            self.backlogByAge = backlogByAge
            self.outcomes = outcomes
            self.neverViewed = neverViewed
        }

        enum CodingKeys: String, CodingKey {
            case pending, reviewed, outcomes
            case reviewedShare = "reviewed_share"
            case backlogByAge = "backlog_by_age"
            case neverViewed = "never_viewed"
        }
    }

    /// Categorisation (`item_category`).
    public struct Categorisation: Codable, Sendable, Equatable {
        public var uncategorized: Int
        /// Days since the oldest uncategorised item was ingested.
        public var oldestUncategorizedDays: Double?
        /// Items per category used.
        public var categories: [String: Int]

        public init(uncategorized: Int, oldestUncategorizedDays: Double?, categories: [String: Int]) {
            self.uncategorized = uncategorized
            self.oldestUncategorizedDays = oldestUncategorizedDays
            self.categories = categories
        }

        enum CodingKeys: String, CodingKey {
            case uncategorized, categories
            case oldestUncategorizedDays = "oldest_uncategorized_days"
        }
    }

    /// Integrity (`item.fixity_failed_at`, the last `fixity.pass`, the audit head).
    public struct Integrity: Codable, Sendable, Equatable {
        /// Items of the scope whose object has failed a fixity check and is still stored, whatever the
        /// period: a failure stays on the item until the item is shredded, so every one is open.
        public var fixityFailures: Int
        /// Those of them whose failure was found within the period.
        public var fixityFailuresInPeriod: Int
        public var lastFixityPass: String?
        public var auditHeadSeq: Int64?
        public var auditHeadHash: String?

        public init(
            fixityFailures: Int, fixityFailuresInPeriod: Int = 0, lastFixityPass: String?, auditHeadSeq: Int64?,
            auditHeadHash: String?
        ) {
            self.fixityFailures = fixityFailures
            self.fixityFailuresInPeriod = fixityFailuresInPeriod
            self.lastFixityPass = lastFixityPass
            self.auditHeadSeq = auditHeadSeq
            self.auditHeadHash = auditHeadHash
        }

        enum CodingKeys: String, CodingKey {
            case fixityFailures = "fixity_failures"
            case fixityFailuresInPeriod = "fixity_failures_in_period"
            case lastFixityPass = "last_fixity_pass"
            case auditHeadSeq = "audit_head_seq"
            case auditHeadHash = "audit_head_hash"
        }
    }

    public init(
        from: String, to: String, generatedAt: String, scope: String, items: Int, timeliness: Timeliness,
        review: Review, categorisation: Categorisation, integrity: Integrity
    ) {
        self.from = from
        self.to = to
        self.generatedAt = generatedAt
        self.scope = scope
        self.items = items
        self.timeliness = timeliness
        self.review = review
        self.categorisation = categorisation
        self.integrity = integrity
    }

    enum CodingKeys: String, CodingKey {
        case from, to, scope, items, timeliness, review, categorisation, integrity, retention, devices, access, storage
        case generatedAt = "generated_at"
    }
}

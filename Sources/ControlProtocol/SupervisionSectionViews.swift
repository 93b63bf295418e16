import Foundation

/// The report's sections about what stands now rather than the period's items: retention, devices,
/// access and storage (docs/cli-json.md, DESIGN §14).
extension SupervisionReportView {
    /// Retention (`item.due_marked_at`, trashed `deletion_item`s, open `hold`s), as of the report's time.
    public struct Retention: Codable, Sendable, Equatable {
        /// Items of the scope marked due by the retention pass, with no deletion requested yet.
        public var due: Int
        /// Trashed items of the scope whose grace period ends (`purge_after`) within 72 hours and
        /// within 30 days of the report's time; an overdue one counts in both.
        public var deletionsNext72h: Int
        public var deletionsNext30d: Int
        /// Open holds reaching at least one item of the scope, and the scope's items under any of them.
        public var holdsActive: Int
        public var heldItems: Int
        /// The open holds, oldest first, with how many of the scope's items each holds.
        public var holds: [Hold]

        public init(
            due: Int = 0, deletionsNext72h: Int = 0, deletionsNext30d: Int = 0, holdsActive: Int = 0,
            heldItems: Int = 0, holds: [Hold] = []
        ) {
            self.due = due
            self.deletionsNext72h = deletionsNext72h
            self.deletionsNext30d = deletionsNext30d
            self.holdsActive = holdsActive
            self.heldItems = heldItems
            self.holds = holds
        }

        /// One open hold.
        public struct Hold: Codable, Sendable, Equatable {
            public var id: Int64
            public var matter: String
            public var items: Int

            public init(id: Int64, matter: String, items: Int) {
                self.id = id
                self.matter = matter
                self.items = items
            }
        }

        enum CodingKeys: String, CodingKey {
            case due, holds
            case deletionsNext72h = "deletions_next_72h"
            case deletionsNext30d = "deletions_next_30d"
            case holdsActive = "holds_active"
            case heldItems = "held_items"
        }
    }

    /// Devices (the `device` registry and the dock sessions of the audit log).
    public struct Devices: Codable, Sendable, Equatable {
        /// Days without a dock after which an in-service device is listed.
        public var idleDays: Int
        /// In-service devices not docked for `idleDays` days (never docked: `last_docked_at` absent).
        public var notDocked: [Idle]
        /// Dock sessions of the period whose device clock was off by more than 3 s per day since
        /// Custody last set it (GA/T 947; one day when it never did), worst first.
        public var clockDrift: [Drift]
        /// Serials of devices in maintenance now.
        public var inMaintenance: [String]
        /// Dock sessions of the period that ended failed, or partial (undocked, interrupted, or done
        /// with files that failed).
        public var failedSessions: Int
        public var partialSessions: Int
        /// Those sessions, newest first, the first 100.
        public var sessions: [Session]

        public init(
            idleDays: Int = 7, notDocked: [Idle] = [], clockDrift: [Drift] = [], inMaintenance: [String] = [],
            failedSessions: Int = 0, partialSessions: Int = 0, sessions: [Session] = []
        ) {
            self.idleDays = idleDays
            self.notDocked = notDocked
            self.clockDrift = clockDrift
            self.inMaintenance = inMaintenance
            self.failedSessions = failedSessions
            self.partialSessions = partialSessions
            self.sessions = sessions
        }

        /// A device not docked lately.
        public struct Idle: Codable, Sendable, Equatable {
            public var serial: String
            public var lastDockedAt: String?
            /// Days since its last dock; absent when it never docked.
            public var days: Double?

            public init(serial: String, lastDockedAt: String?, days: Double?) {
                self.serial = serial
                self.lastDockedAt = lastDockedAt
                self.days = days
            }

            enum CodingKeys: String, CodingKey {
                case serial, days
                case lastDockedAt = "last_docked_at"
            }
        }

        /// A dock whose device clock drifted too far.
        public struct Drift: Codable, Sendable, Equatable {
            public var serial: String
            public var session: String
            public var dockedAt: String
            /// The clock's offset at the dock, seconds (device minus system), and over how many days
            /// since it was last set (at least one, whole days, as the dock judged it).
            public var offsetSeconds: Double
            public var days: Double
            public var secondsPerDay: Double

            public init(
                serial: String, session: String, dockedAt: String, offsetSeconds: Double, days: Double,
                secondsPerDay: Double
            ) {
                self.serial = serial
                self.session = session
                self.dockedAt = dockedAt
                self.offsetSeconds = offsetSeconds
                self.days = days
                self.secondsPerDay = secondsPerDay
            }

            enum CodingKeys: String, CodingKey {
                case serial, session, days
                case dockedAt = "docked_at"
                case offsetSeconds = "offset_seconds"
                case secondsPerDay = "seconds_per_day"
            }
        }

        /// A dock session that did not end well.
        public struct Session: Codable, Sendable, Equatable {
            public var session: String
            /// Absent when the session failed before the device said who it is.
            public var serial: String?
            public var bay: String?
            public var finishedAt: String
            /// `failed`, `undocked`, `interrupted` or `done` (with failed files).
            public var outcome: String
            public var verified: Int?
            public var failed: Int?

            public init(
                session: String, serial: String?, bay: String?, finishedAt: String, outcome: String, verified: Int?,
                failed: Int?
            ) {
                self.session = session
                self.serial = serial
                self.bay = bay
                self.finishedAt = finishedAt
                self.outcome = outcome
                self.verified = verified
                self.failed = failed
            }

            enum CodingKeys: String, CodingKey {
                case session, serial, bay, outcome, verified, failed
                case finishedAt = "finished_at"
            }
        }

        enum CodingKeys: String, CodingKey {
            case sessions
            case idleDays = "idle_days"
            case notDocked = "not_docked"
            case clockDrift = "clock_drift"
            case inMaintenance = "in_maintenance"
            case failedSessions = "failed_sessions"
            case partialSessions = "partial_sessions"
        }
    }

    /// Access (refusals in the audit log, `role_grant` validity and `last_used_at`).
    public struct Access: Codable, Sendable, Equatable {
        /// Refusals in the period (`access.denied`, `control.refused`), and per principal.
        public var refusals: Int
        public var refusalsByPrincipal: [String: Int]
        /// Grants in force or approved to start whose validity ends within 14 days.
        public var expiringSoon: [Grant]
        /// Grants in force for at least 90 days that authorised no request in the last 90.
        public var unused: [Grant]

        public init(
            refusals: Int = 0, refusalsByPrincipal: [String: Int] = [:], expiringSoon: [Grant] = [],
            unused: [Grant] = []
        ) {
            self.refusals = refusals
            self.refusalsByPrincipal = refusalsByPrincipal
            self.expiringSoon = expiringSoon
            self.unused = unused
        }

        /// One grant.
        public struct Grant: Codable, Sendable, Equatable {
            public var id: Int64
            public var person: String
            public var role: String
            public var scope: String?
            public var validUntil: String
            public var lastUsedAt: String?

            public init(
                id: Int64, person: String, role: String, scope: String?, validUntil: String, lastUsedAt: String?
            ) {
                self.id = id
                self.person = person
                self.role = role
                self.scope = scope
                self.validUntil = validUntil
                self.lastUsedAt = lastUsedAt
            }

            enum CodingKeys: String, CodingKey {
                case id, person, role, scope
                case validUntil = "valid_until"
                case lastUsedAt = "last_used_at"
            }
        }

        enum CodingKeys: String, CodingKey {
            case refusals, unused
            case refusalsByPrincipal = "refusals_by_principal"
            case expiringSoon = "expiring_soon"
        }
    }

    /// Storage (`item.size`, `item.ciphertext_size`, the state directory's filesystem).
    public struct Storage: Codable, Sendable, Equatable {
        /// The scope's stored (not shredded) items: their plaintext size and their objects' size on disk.
        public var items: Int
        public var bytes: Int64
        public var ciphertextBytes: Int64
        /// Ciphertext bytes ingested in each of the last 8 weeks, oldest first, and stored at each
        /// week's end (of the items stored now).
        public var weeks: [Week]
        /// The state directory's filesystem: free to Custody, and its size.
        public var freeBytes: Int64?
        public var filesystemBytes: Int64?
        /// Ciphertext bytes a week, the mean of the last 4 weeks; and the days until `free_bytes` is
        /// used at that rate (absent when nothing was ingested).
        public var weeklyRateBytes: Int64
        public var daysUntilFull: Double?

        public init(
            items: Int = 0, bytes: Int64 = 0, ciphertextBytes: Int64 = 0, weeks: [Week] = [], freeBytes: Int64? = nil,
            filesystemBytes: Int64? = nil, weeklyRateBytes: Int64 = 0, daysUntilFull: Double? = nil
        ) {
            self.items = items
            self.bytes = bytes
            self.ciphertextBytes = ciphertextBytes
            self.weeks = weeks
            self.freeBytes = freeBytes
            self.filesystemBytes = filesystemBytes
            self.weeklyRateBytes = weeklyRateBytes
            self.daysUntilFull = daysUntilFull
        }

        /// One week, `[from, from + 7 days)`.
        public struct Week: Codable, Sendable, Equatable {
            public var from: String
            public var addedBytes: Int64
            public var storedBytes: Int64

            public init(from: String, addedBytes: Int64, storedBytes: Int64) {
                self.from = from
                self.addedBytes = addedBytes
                self.storedBytes = storedBytes
            }

            enum CodingKeys: String, CodingKey {
                case from
                case addedBytes = "added_bytes"
                case storedBytes = "stored_bytes"
            }
        }

        enum CodingKeys: String, CodingKey {
            case items, bytes, weeks
            case ciphertextBytes = "ciphertext_bytes"
            case freeBytes = "free_bytes"
            case filesystemBytes = "filesystem_bytes"
            case weeklyRateBytes = "weekly_rate_bytes"
            case daysUntilFull = "days_until_full"
        }
    }
}

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
}

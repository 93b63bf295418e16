import Foundation

/// Where an item stands, as a person reads it everywhere (`list`, `show`, the review queue, the
/// report): one name, derived here and nowhere else from the item's ingest state, its due mark and its
/// deletion (DESIGN §1, §13).
///
/// A deletion outranks a due mark, and a due mark outranks the ingest state: a trashed item is not
/// "verified" to anyone, and a shredded one is a tombstone, never a live item.
public struct ItemLifecycle: Sendable, Equatable {
    /// The names, stable for tools (`"state"` in `list --json` and `show --json`, docs/cli-json.md).
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Stored but not yet read back (ingest in progress, or interrupted before verification).
        case stored
        /// Read back, decrypted and its hash matched: retained.
        case verified
        /// A retention pass found it past its due date under no hold; nothing is deleted yet.
        case due
        /// In a deletion request waiting for a second administrator.
        case deletionRequested = "deletion_requested"
        /// Approved for deletion: unreadable by everyone, restorable until the grace period ends.
        case trashed
        /// Crypto-shredded: the row is a tombstone, key and content are gone for good.
        case shredded

        /// How people read it: `deletion requested`, the others as named.
        public var words: String { self == .deletionRequested ? "deletion requested" : rawValue }

        /// The state a person or a tool named: the stable name, or its words (`deletion requested`,
        /// `deletion-requested`), in any case.
        public init?(named text: String) {
            let name = text.lowercased().replacingOccurrences(of: " ", with: "_")
                .replacingOccurrences(of: "-", with: "_")
            self.init(rawValue: name)
        }

        /// Every name, as an error message lists them.
        public static var namesList: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    /// Where the item's deletion stands, as the catalog keeps it on the item row.
    public enum Deletion: String, Sendable, Equatable {
        case requested, trashed, shredded
    }

    /// The state.
    public var state: State
    /// Trashed: when its grace period ends and the shred may take it. Nil otherwise.
    public var shredAfter: Date?
    /// Shredded: when. Nil otherwise.
    public var shreddedAt: Date?

    /// The state of an item from its ingest state, whether a retention pass marked it due, and its
    /// deletion (`deletionAt`: the end of the grace period when trashed, the shred when shredded).
    public init(ingest: ItemState, dueMarked: Bool, deletion: Deletion?, deletionAt: Date?) {
        switch deletion {
        case .shredded?:
            state = .shredded
            shreddedAt = deletionAt
        case .trashed?:
            state = .trashed
            shredAfter = deletionAt
        case .requested?:
            state = .deletionRequested
        case nil:
            state = ingest == .verified ? (dueMarked ? .due : .verified) : .stored
        }
    }

    /// Whether its content may still be read, reviewed or exported (by those the access policy lets):
    /// not trashed, not shredded.
    public var isLive: Bool { state != .trashed && state != .shredded }
}

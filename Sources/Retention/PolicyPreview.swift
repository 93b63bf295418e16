import Foundation

/// What a policy change would do to the items it touches (DESIGN §12): computed before the change, shown
/// by a dry run, and audited with the change.
public struct PolicyPreview<ID: Sendable & Hashable>: Sendable {
    /// One item whose due date the change moves.
    public struct Move: Sendable {
        public var id: ID
        public var before: Date?
        public var after: RetentionDecision
    }

    /// Every item whose due date would move, soonest new due date first (never-due last).
    public var moves: [Move]
    /// How many items the change touches, moved or not.
    public var examined: Int

    /// Items that would become due sooner than they are now (or due at all, when they were never due).
    public var sooner: [Move] {
        moves.filter { move in
            guard let after = move.after.dueAt else { return false }
            return move.before.map { after < $0 } ?? true
        }
    }

    /// Items that would be due within `interval` of `now` after the change.
    public func due(within interval: TimeInterval, of now: Date) -> [Move] {
        moves.filter { $0.after.dueAt.map { $0 <= now.addingTimeInterval(interval) } ?? false }
    }

    /// The preview of re-evaluating `items` (their id, current due date, and their input after the
    /// change) at `now`.
    public init(_ items: [(id: ID, currentDue: Date?, inputAfter: RetentionInput)], at now: Date) {
        examined = items.count
        moves = items.compactMap { item in
            let after = Retention.evaluate(item.inputAfter, previousDue: item.currentDue, at: now)
            return after.dueAt == item.currentDue ? nil : Move(id: item.id, before: item.currentDue, after: after)
        }
        .sorted { a, b in
            switch (a.after.dueAt, b.after.dueAt) {
            case (let x?, let y?): return x < y
            case (_?, nil): return true
            default: return false
            }
        }
    }
}

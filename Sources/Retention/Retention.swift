import Foundation

/// What an item's retention is computed from: its clock, its categories and whether a hold applies.
public struct RetentionInput: Sendable, Equatable {
    /// One of the item's categories with its retention.
    public struct Category: Sendable, Equatable {
        public var name: String
        public var period: RetentionPeriod

        public init(name: String, period: RetentionPeriod) {
            self.name = name
            self.period = period
        }
    }

    public var clock: RetentionClock
    /// The item's categories; empty means `uncategorized`, whose retention is `uncategorized`.
    public var categories: [Category]
    /// The retention of `uncategorized`, used when `categories` is empty.
    public var uncategorized: RetentionPeriod
    /// The open holds on the item, by number; any one keeps it.
    public var holds: [Int64]

    public init(clock: RetentionClock, categories: [Category], uncategorized: RetentionPeriod, holds: [Int64] = []) {
        self.clock = clock
        self.categories = categories
        self.uncategorized = uncategorized
        self.holds = holds
    }
}

/// An item's retention: when it becomes due and why.
public struct RetentionDecision: Sendable, Equatable {
    /// When the item becomes due for deletion; nil when it never does (permanent, or held).
    public var dueAt: Date?
    /// The category whose retention won (`uncategorized` when there is none).
    public var category: String
    /// The retention that won.
    public var period: RetentionPeriod
    public var clock: RetentionClock
    /// The open holds that keep the item; when any, `dueAt` is nil whatever the categories say.
    public var holds: [Int64]
    /// Whether `dueAt` was pushed out to 24 hours after the change that would have made it due sooner.
    public var floored: Bool

    /// Why, in a sentence for `show`.
    public var reason: String {
        if !holds.isEmpty {
            return "held (hold \(holds.map { "#\($0)" }.joined(separator: ", "))): never due while a hold applies"
        }
        let from = clock.source == .recordedAt ? "recorded-at" : "ingested-at"
        if period == .permanent { return "category \(category) keeps it permanently" }
        let base = "category \(category): \(period.spelledOut) from \(from)"
        return floored ? base + ", pushed to 24 hours after the change that shortened it" : base
    }
}

/// Pure retention evaluation (DESIGN §3, §12): no I/O, no clock of its own.
public enum Retention {
    /// The shortest notice any change gives before an item it affects becomes due.
    public static let minimumNotice: TimeInterval = 86_400

    /// The retention of `input`, evaluated by a change made at `now` to an item whose due date was
    /// `previousDue` (nil: never due, or never evaluated).
    ///
    /// The longest retention of the item's categories wins; permanent beats any period; a hold beats
    /// everything. No evaluation makes an item due sooner than `minimumNotice` after `now` unless it was
    /// already due that soon: a shortened due date lands no earlier than `now + 24 h` (or the previous
    /// due date, if that was sooner still).
    public static func evaluate(_ input: RetentionInput, previousDue: Date?, at now: Date) -> RetentionDecision {
        var winner = (name: "uncategorized", period: input.uncategorized)
        var winningEnd = input.uncategorized.end(from: input.clock.start)
        if !input.categories.isEmpty {
            winner = (input.categories[0].name, input.categories[0].period)
            winningEnd = winner.period.end(from: input.clock.start)
            for category in input.categories.dropFirst() {
                let end = category.period.end(from: input.clock.start)
                if Self.later(end, than: winningEnd) || (end == winningEnd && category.name < winner.name) {
                    winner = (category.name, category.period)
                    winningEnd = end
                }
            }
        }
        let holds = input.holds.sorted()
        var decision = RetentionDecision(
            dueAt: holds.isEmpty ? winningEnd : nil, category: winner.name, period: winner.period,
            clock: input.clock, holds: holds, floored: false)
        if let computed = decision.dueAt {
            let floor = now.addingTimeInterval(minimumNotice)
            let limit = previousDue.map { min($0, floor) } ?? floor
            if computed < limit {
                decision.dueAt = limit
                decision.floored = true
            }
        }
        return decision
    }

    /// Whether `a` ends later than `b`, where nil is never.
    static func later(_ a: Date?, than b: Date?) -> Bool {
        switch (a, b) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let a?, let b?): return a > b
        }
    }
}

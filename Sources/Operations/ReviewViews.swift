import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Retention

extension ClaimView {
    init(_ claim: ClaimRecord) {
        self.init(
            item: claim.itemID, reviewer: claim.reviewer, claimedAt: Timestamps.rfc3339(claim.claimedAt),
            expiresAt: Timestamps.rfc3339(claim.expiresAt), assignedBy: claim.assignedBy)
    }
}

extension NoteView {
    init(_ note: NoteRecord) {
        self.init(id: note.id, item: note.itemID, author: note.author, at: Timestamps.rfc3339(note.at), text: note.text)
    }
}

extension CategoryView {
    init(_ category: CategoryRecord) {
        self.init(
            name: category.name, retention: category.retention.description, access: category.accessClass,
            description: category.description)
    }
}

extension HoldView {
    init(_ hold: HoldRecord, itemIDs: [String]? = nil) {
        self.init(
            id: hold.id, matter: hold.matter, authority: hold.authority, reason: hold.reason, placedBy: hold.placedBy,
            placedAt: Timestamps.rfc3339(hold.placedAt), officer: hold.query?.officer, device: hold.query?.device,
            from: hold.query?.from.map(Timestamps.rfc3339), to: hold.query?.to.map(Timestamps.rfc3339),
            caseNumber: hold.query?.caseNumber, releasedBy: hold.releasedBy,
            releasedAt: hold.releasedAt.map(Timestamps.rfc3339), releaseReason: hold.releaseReason,
            items: hold.itemCount, itemIDs: itemIDs)
    }
}

extension RetentionView {
    /// The view of a decision just taken.
    init(_ decision: RetentionDecision) {
        self.init(
            dueAt: decision.dueAt.map(Timestamps.rfc3339), category: decision.category,
            clock: decision.clock.source.rawValue, clockFlag: decision.clock.flag, reason: decision.reason)
    }
}

extension ItemReviewView {
    /// The view of `facts`, with `decision` (the retention evaluated again) saying why it is due then.
    init(_ facts: ItemReviewFacts, decision: RetentionDecision) {
        self.init(
            state: facts.claim != nil ? "claimed" : facts.reviewState, claim: facts.claim.map(ClaimView.init),
            reviews: facts.reviews.map {
                ReviewView(reviewer: $0.reviewer, reviewedAt: Timestamps.rfc3339($0.reviewedAt), outcome: $0.outcome)
            },
            categories: facts.categories.map(\.name), cases: facts.cases, notes: facts.notes.map(NoteView.init),
            holds: facts.holds.map { HoldView($0) },
            retention: RetentionView(
                dueAt: facts.dueAt.map(Timestamps.rfc3339), category: facts.retentionCategory,
                clock: facts.retentionClock, clockFlag: facts.retentionClockFlag, reason: decision.reason),
            fixityFailedAt: facts.fixityFailedAt.map(Timestamps.rfc3339))
    }
}

extension PolicyPreviewView {
    /// The view of `preview`, with its first `count` moves.
    init(_ preview: PolicyPreview<String>, applied: Bool, at now: Date, count: Int = 20) {
        self.init(
            applied: applied, examined: preview.examined, moved: preview.moves.count, sooner: preview.sooner.count,
            dueWithin30Days: preview.due(within: 30 * 86_400, of: now).count,
            first: preview.moves.prefix(count).map { move in
                Move(
                    item: move.id, before: move.before.map(Timestamps.rfc3339),
                    after: move.after.dueAt.map(Timestamps.rfc3339), reason: move.after.reason)
            })
    }

    /// The counts, for the audit log.
    var auditDetail: [String: String] {
        [
            "examined": "\(examined)", "moved": "\(moved)", "sooner": "\(sooner)",
            "due_within_30_days": "\(dueWithin30Days)",
            "first": first.prefix(5).map { "\($0.item)→\($0.after ?? "never")" }.joined(separator: ","),
        ]
    }
}

extension RetentionDecision {
    /// The decision, for the audit log.
    var auditDetail: [String: String] {
        [
            "due_at": dueAt.map(Timestamps.rfc3339) ?? "never", "retention_category": category,
            "retention_clock": clock.source.rawValue, "retention_reason": reason,
        ]
    }
}

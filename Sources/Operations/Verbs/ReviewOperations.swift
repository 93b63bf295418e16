import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `review queue/claim/next/done/release/assign`, `note add` (DESIGN §12).
extension Operations {
    func reviewQueue(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewReviewQueue)
        let limit = try Self.limit(arguments.limit)
        let entries = try catalog.reviewQueue(
            scope: AccessPolicy.itemScope(for: context.principal), at: context.now, limit: limit)
        try allowance.record(.reviewQueueViewed, ["results": "\(entries.count)"])
        return .answer(id: context.request.id) {
            $0.queue = entries.map { QueueEntryView(item: ItemView($0.item), claim: $0.claim.map(ClaimView.init)) }
        }
    }

    func claimReview(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let record = try item(arguments.item, of: "review claim", context)
        let allowance = try context.authorize(.reviewItem, try resource(record), item: record.id)
        let lease = try self.lease(arguments.lease)
        let claim = try catalog.claim(
            record.id, for: context.principal.key, lease: lease, at: context.now,
            events: [allowance.event(.reviewClaimed, item: record.id, ["lease_minutes": "\(Int(lease / 60))"])],
            by: allowance.actor)
        return .answer(id: context.request.id) { $0.claim = ClaimView(claim) }
    }

    func claimNextReview(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewReviewQueue)
        let lease = try self.lease(arguments.lease)
        let claim = try catalog.claimNext(
            scope: AccessPolicy.itemScope(for: context.principal), for: context.principal.key, lease: lease,
            at: context.now,
            events: { [allowance.event(.reviewClaimed, item: $0, ["lease_minutes": "\(Int(lease / 60))", "next": "true"])] },
            by: allowance.actor)
        if claim == nil { try allowance.record(.reviewQueueViewed, ["results": "0", "next": "true"]) }
        return .answer(id: context.request.id) { $0.claim = claim.map(ClaimView.init) }
    }

    func finishReview(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let record = try item(arguments.item, of: "review done", context)
        let outcome = try Self.required(arguments.outcome, "outcome", of: "review done").lowercased()
            .replacingOccurrences(of: "-", with: "_")
        guard ReviewRecord.outcomes.contains(outcome) else {
            throw ControlError(
                code: .badRequest,
                message: "outcome '\(arguments.outcome ?? "")' is not one of: ok, incomplete, non-compliant, important")
        }
        let cases = try (arguments.cases ?? []).map(Self.caseNumber)
        let categories = (arguments.categories ?? []).map { $0.lowercased() }
        let allowance = try context.authorize(.reviewItem, try resource(record), item: record.id)
        let decision = try catalog.finishReview(
            record.id, by: context.principal.key,
            EvidenceCatalog.ReviewOutcome(
                outcome: outcome, cases: cases, categories: categories, note: arguments.text.flatMap(Self.noteText),
                noteLimits: noteLimits),
            at: context.now,
            events: { decision in
                [
                    allowance.event(
                        .reviewFinished, item: record.id,
                        ["outcome": outcome, "cases": cases.joined(separator: ","),
                         "categories": categories.joined(separator: ",")].merging(decision.auditDetail) { $1 })
                ]
            }, actor: allowance.actor)
        return .answer(id: context.request.id) { $0.retention = RetentionView(decision) }
    }

    func releaseReview(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let record = try item(arguments.item, of: "review release", context)
        let allowance = try context.authorize(.reviewItem, try resource(record), item: record.id)
        try catalog.releaseClaim(
            record.id, by: context.principal.key, at: context.now,
            events: [allowance.event(.reviewReleased, item: record.id)], actor: allowance.actor)
        return .answer(id: context.request.id) { _ in }
    }

    func assignReview(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let record = try item(arguments.item, of: "review assign", context)
        let reviewer = try Self.identifier(arguments.person, "person", of: "review assign")
        let allowance = try context.authorize(.assignReview, try resource(record), item: record.id)
        let person = try catalog.person(reviewer)
        guard person.isActive else {
            throw ControlError(code: .badRequest, message: "\(reviewer) has left; assign the review to an active reviewer")
        }
        let lease = try self.lease(arguments.lease)
        let (claim, _) = try catalog.assign(
            record.id, to: reviewer, by: context.principal.key, lease: lease, at: context.now,
            events: [allowance.event(.reviewAssigned, item: record.id, ["to": reviewer])], by: allowance.actor)
        return .answer(id: context.request.id) { $0.claim = ClaimView(claim) }
    }

    func addNote(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let record = try item(arguments.item, of: "note add", context)
        guard let text = arguments.text.flatMap(Self.noteText) else {
            throw ControlError(
                code: .badRequest,
                message: "note add needs --text: at least one character, at most \(noteLimits.maxBytes) bytes")
        }
        let allowance = try context.authorize(.addNote, try resource(record), item: record.id)
        let note = try catalog.addNote(
            text, to: record.id, by: context.principal.key, at: context.now, limits: noteLimits,
            events: [allowance.event(.noteAdded, item: record.id, ["length": "\(text.count)"])], actor: allowance.actor)
        return .answer(id: context.request.id) { $0.note = NoteView(note) }
    }

    // MARK: Shared

    /// The item a request names; an id that does not exist is refused as `list` would be to those who
    /// could not see it anyway.
    func item(_ text: String?, of request: String, _ context: OperationContext) throws -> ItemRecord {
        let text = try Self.required(text, "item", of: request)
        do {
            return try catalog.item(matching: text)
        } catch let error as CatalogError where error.code == .notFound {
            _ = try context.authorize(.listItems)
            throw error
        }
    }

    /// The facts about `record` the policy decides on: whose it is, its unit, whether it is restricted.
    func resource(_ record: ItemRecord) throws -> OperationResource {
        let officer = record.media?.officerID
        let unit = record.attribution?.unitID
        return try catalog.isRestricted(record.id) ? .restrictedItem(officer: officer, unit: unit) : .item(officer: officer, unit: unit)
    }

    /// A claim's lease: `minutes` (1 to 480) or the configured default.
    func lease(_ minutes: Int?) throws -> TimeInterval {
        guard let minutes else { return reviewLease }
        guard (1...480).contains(minutes) else {
            throw ControlError(code: .badRequest, message: "a lease is 1 to 480 minutes, not \(minutes)")
        }
        return TimeInterval(minutes) * 60
    }

    static func limit(_ limit: Int?) throws -> Int {
        let limit = limit ?? 100
        guard (1...ControlLimits.maxListLimit).contains(limit) else {
            throw ControlError(code: .badRequest, message: "limit must be 1 to \(ControlLimits.maxListLimit), not \(limit)")
        }
        return limit
    }

    /// The note `text` stands for, trimmed; nil when blank. Its size is `NoteLimits`' to judge, so a
    /// note too long is refused with the limit rather than dropped.
    static func noteText(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func caseNumber(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(trimmed.count), !trimmed.contains(where: { $0.isNewline || $0 == "," }) else {
            throw ControlError(code: .badRequest, message: "case number '\(text)' must be 1 to 64 characters without commas")
        }
        return trimmed
    }
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `deletion due/request/approve/reject/list/show/restore` (DESIGN §13): one administrator asks, a
/// second approves, approved items wait in the trash for the grace period, restorable; a hold stops it.
extension Operations {
    func listDue(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewDeletions)
        let due = try catalog.dueItems(limit: min(max(arguments.limit ?? 1000, 1), 10_000))
        try allowance.record(.deletionsViewed, ["due": "\(due.count)"])
        return .answer(id: context.request.id) { $0.due = due.map(DueItemView.init) }
    }

    func requestDeletion(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let reason = try Self.required(arguments.reason, "reason", of: "deletion request")
        let named = arguments.items ?? []
        let officer = arguments.officer?.uppercased()
        let device = arguments.device
        guard named.isEmpty != (officer == nil && device == nil) else {
            throw ControlError(
                code: .badRequest,
                message: "deletion request names items, or a query over due items (--officer, --device), not both")
        }
        let allowance = try context.authorize(.requestDeletion)
        let items: [EvidenceID]
        if named.isEmpty {
            // A query takes only due items: a special deletion names its items one by one.
            items = try catalog.dueItems(limit: 100_000).filter { item in
                (officer == nil || item.officer?.uppercased() == officer) && (device == nil || item.device == device)
            }.map(\.id)
            guard !items.isEmpty else {
                throw ControlError(code: .notFound, message: "no due item matches; see `custody deletion due`")
            }
        } else {
            items = try named.map { try catalog.item(matching: $0).id }
        }
        let request = try catalog.requestDeletion(
            of: items, reason: reason, notDue: arguments.notDue == true, grace: deletionGrace,
            who: context.principal.key, at: context.now,
            events: { request in
                [
                    allowance.event(
                        .deletionRequested,
                        [
                            "deletion": "\(request.id)", "items": "\(request.items.count)",
                            "not_due": "\(request.items.filter { !$0.wasDue }.count)", "reason": request.reason,
                        ])
                ]
            }, by: allowance.actor)
        return .answer(id: context.request.id) { $0.deletion = DeletionView(request) }
    }

    func approveDeletion(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.deletionNumber(arguments, of: "deletion approve")
        let before = try catalog.deletionRequest(id)
        let allowance = try context.authorize(.decideDeletion, .deletion(requestedBy: before.requestedBy))
        let request = try catalog.approveDeletion(
            id, who: context.principal.key, at: context.now,
            events: { request in
                [
                    allowance.event(
                        .deletionApproved,
                        [
                            "deletion": "\(request.id)", "requested_by": request.requestedBy,
                            "trashed": "\(request.items.filter { $0.state == .trashed }.count)",
                            "purge_after": request.items.compactMap(\.purgeAfter).min().map(Timestamps.rfc3339) ?? "",
                        ])
                ]
                    // The trash ended these reviewers' claims: each release on record.
                    + request.endedClaims.map { claim in
                        allowance.event(
                            .reviewReleased, item: EvidenceID(claim.itemID),
                            ["reviewer": claim.reviewer, "why": "trashed by deletion #\(request.id)"])
                    }
            }, by: allowance.actor)
        return .answer(id: context.request.id) { $0.deletion = DeletionView(request) }
    }

    func rejectDeletion(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.deletionNumber(arguments, of: "deletion reject")
        let reason = try Self.required(arguments.reason, "reason", of: "deletion reject")
        let before = try catalog.deletionRequest(id)
        let allowance = try context.authorize(.decideDeletion, .deletion(requestedBy: before.requestedBy))
        let request = try catalog.rejectDeletion(
            id, reason: reason, who: context.principal.key, at: context.now,
            events: { request in
                [allowance.event(.deletionRejected, ["deletion": "\(request.id)", "reason": reason])]
            }, by: allowance.actor)
        return .answer(id: context.request.id) { $0.deletion = DeletionView(request) }
    }

    func listDeletions(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewDeletions)
        let requests = try catalog.deletionRequests(openOnly: arguments.open == true)
        try allowance.record(.deletionsViewed, ["results": "\(requests.count)"])
        return .answer(id: context.request.id) { $0.deletions = requests.map(DeletionView.init) }
    }

    func showDeletion(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.deletionNumber(arguments, of: "deletion show")
        let allowance = try context.authorize(.viewDeletions)
        let request = try catalog.deletionRequest(id)
        try allowance.record(.deletionsViewed, ["deletion": "\(id)"])
        return .answer(id: context.request.id) { $0.deletion = DeletionView(request) }
    }

    func restoreDeletion(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let text = try Self.required(arguments.item, "item", of: "deletion restore")
        let allowance = try context.authorize(.restoreDeletion)
        let item = try catalog.item(matching: text).id
        let restored = try catalog.restoreFromTrash(
            item, who: context.principal.key, at: context.now,
            events: { entry in
                [allowance.event(.itemRestored, item: item, ["deletion": "\(entry.requestID)"])]
            }, by: allowance.actor)
        return .answer(id: context.request.id) { $0.restored = DeletionItemView(restored) }
    }

    /// Refuses a trashed or shredded item to every view and export, saying which and until when: only
    /// restore reaches a trashed one, nothing a shredded one.
    func requireNotTrashed(_ item: EvidenceID) throws {
        guard let lifecycle = try catalog.lifecycle(of: item) else { return }
        switch lifecycle.state {
        case .trashed:
            let until = lifecycle.shredAfter.map { " until \(Timestamps.rfc3339($0))" } ?? ""
            throw ControlError(
                code: .badRequest,
                message:
                    "item \(item) is in the trash\(until), then shredded: nobody may read it; an administrator may restore it before then with `custody deletion restore \(item)`"
            )
        case .shredded:
            let when = lifecycle.shreddedAt.map { " on \(Timestamps.rfc3339($0))" } ?? ""
            throw ControlError(
                code: .badRequest,
                message:
                    "item \(item) was shredded\(when): its key and content are gone for good (unrecoverable); `custody show \(item)` shows its tombstone"
            )
        default: return
        }
    }

    private static func deletionNumber(_ arguments: ControlArguments, of request: String) throws -> Int64 {
        guard let id = arguments.deletion else {
            throw ControlError(code: .badRequest, message: "\(request) needs a deletion request number; see `custody deletion list`")
        }
        return id
    }
}

extension DueItemView {
    init(_ due: DueItemRecord) {
        self.init(
            item: due.id.description, dueAt: due.dueAt.map(Timestamps.rfc3339), markedAt: Timestamps.rfc3339(due.markedAt),
            category: due.category, officer: due.officer)
    }
}

extension DeletionItemView {
    init(_ entry: DeletionItemRecord) {
        self.init(
            item: entry.itemID, request: entry.requestID, wasDue: entry.wasDue, state: entry.state.rawValue,
            trashedAt: entry.trashedAt.map(Timestamps.rfc3339), purgeAfter: entry.purgeAfter.map(Timestamps.rfc3339),
            stoppedAt: entry.stoppedAt.map(Timestamps.rfc3339), restoredBy: entry.restoredBy,
            restoredAt: entry.restoredAt.map(Timestamps.rfc3339), shreddedAt: entry.shreddedAt.map(Timestamps.rfc3339))
    }
}

extension DeletionView {
    init(_ request: DeletionRequestRecord) {
        self.init(
            id: request.id, reason: request.reason, requestedBy: request.requestedBy,
            requestedAt: Timestamps.rfc3339(request.requestedAt), notDue: request.notDue, graceSeconds: request.grace,
            approvedBy: request.approvedBy, approvedAt: request.approvedAt.map(Timestamps.rfc3339),
            rejectedBy: request.rejectedBy, rejectedAt: request.rejectedAt.map(Timestamps.rfc3339),
            rejectionReason: request.rejectionReason, items: request.items.map(DeletionItemView.init))
    }
}

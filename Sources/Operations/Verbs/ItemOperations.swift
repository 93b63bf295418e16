import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `status`, `list`, `show`: the dock and the items, each within what the caller may see.
extension Operations {
    func statusAnswer(_ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewStatus)
        guard var status = currentStatus() else {
            throw ControlError(code: .notFound, message: "no daemon runs here, so there is no live status; start `custodyd run`")
        }
        let failed = try catalog.fixityFailureCount()
        status.fixityFailedItems = failed > 0 ? failed : nil
        let upcoming = try catalog.trashEnding(before: context.now.addingTimeInterval(72 * 3600))
        status.upcomingDeletions = upcoming.count > 0 ? upcoming.count : nil
        status.nextDeletionAt = upcoming.first.map(Timestamps.rfc3339)
        try allowance.record(.statusViewed, context.request.watch ? ["watch": "true"] : [:])
        return .status(status, id: context.request.id)
    }

    func list(_ query: ItemQuery, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.listItems)
        var filter = try ItemFilter(query)
        filter.scope = AccessPolicy.itemScope(for: context.principal)
        filter.now = context.now
        if let category = filter.category { _ = try catalog.category(category) }
        // The cursor by its full id (a prefix of 8 or more is taken), so the page query compares one row.
        if let after = query.after { filter.after = try catalog.item(matching: after).id.description }
        let records = try catalog.items(matching: filter)
        let total = query.total == true ? try catalog.itemCount(matching: filter) : nil
        try allowance.record(.catalogListed, ["results": "\(records.count)", "scope": filter.scope.auditText])
        var response = ControlResponse.items(records.map(ItemView.init), id: context.request.id)
        response.total = total
        return response
    }

    func show(_ item: String, _ context: OperationContext) throws -> ControlResponse {
        let record: ItemRecord
        do {
            record = try catalog.item(matching: item)
        } catch let error as CatalogError where error.code == .notFound {
            // Whether an id exists is itself information: refuse those who could not see it anyway.
            _ = try context.authorize(.listItems)
            throw error
        }
        let allowance = try context.authorize(.showItem, try resource(record), item: record.id)
        try allowance.record(.itemViewed, item: record.id)
        let trail = try catalog.auditEntries(for: record.id).map(AuditEntryView.init)
        // A tombstone shows the tombstone: who deleted it, when, why, its receipt. Nothing that pretends
        // the content exists (what probing found, a review pending, a due date); the audit trail keeps
        // its history.
        if record.lifecycle.state == .shredded {
            var detail = ItemDetailView(item: ItemView(record), metadata: nil, audit: trail)
            detail.tombstone = try catalog.tombstone(of: record.id).map(TombstoneView.init)
            return .item(detail, id: context.request.id)
        }
        let metadata = try catalog.mediaMetadata(for: record.id)
        var detail = ItemDetailView(item: ItemView(record), metadata: metadata, audit: trail)
        detail.review = ItemReviewView(
            try catalog.reviewFacts(for: record.id, at: context.now),
            decision: try catalog.retention(of: record.id, at: context.now))
        return .item(detail, id: context.request.id)
    }

    func whoami(_ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.whoami)
        try allowance.record(.identityViewed)
        let principal = context.principal
        let roles = principal.roles.map { held -> WhoAmIView.RoleView in
            var scope: [String]?
            switch held.scope {
            case .all: scope = nil
            case .own: scope = principal.person.map { [$0.id] }
            case .units(let units): scope = units.sorted()
            }
            return WhoAmIView.RoleView(
                role: held.role.rawValue, scope: scope, source: held.source, until: held.until.map(Timestamps.rfc3339))
        }
        let view = WhoAmIView(
            uid: principal.caller.uid, account: principal.caller.name, principal: principal.key,
            person: principal.person.map { PersonView($0) }, roles: roles, hint: principal.unregisteredReason)
        return .answer(id: context.request.id) { $0.whoami = view }
    }

    func readAudit(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.readAudit)
        let limit = arguments.limit ?? 100
        guard (1...ControlLimits.maxListLimit).contains(limit) else {
            throw ControlError(code: .badRequest, message: "limit must be 1 to \(ControlLimits.maxListLimit), not \(limit)")
        }
        let item = try arguments.item.map { try catalog.item(matching: $0).id }
        if let action = arguments.action, AuditAction(stored: action) == nil {
            throw ControlError(
                code: .badRequest,
                message: "'\(action)' is not an audit action; they are: \(AuditAction.all.map(\.rawValue).joined(separator: ", "))")
        }
        let entries = try catalog.auditEntries(after: arguments.after ?? 0, limit: limit, item: item, action: arguments.action)
        try allowance.record(.auditRead, item: item, ["results": "\(entries.count)"])
        return .answer(id: context.request.id) { $0.entries = entries.map(AuditEntryView.init) }
    }
}

extension ItemScope {
    /// The scope as the audit log records it.
    var auditText: String {
        switch self {
        case .all: return "all"
        case .nothing: return "none"
        case .officer(let officer): return "officer \(officer)"
        case .units(let units, let officer):
            return "units \(units.sorted().joined(separator: ","))" + (officer.map { " and officer \($0)" } ?? "")
        }
    }
}

extension ItemFilter {
    /// The catalog filter for a `list` request's query.
    /// - Throws: `ControlError.badRequest` naming the field and what it accepts.
    public init(_ query: ItemQuery) throws {
        func date(_ text: String?, _ field: String) throws -> Date? {
            guard let text else { return nil }
            guard let date = Timestamps.date(from: text) else {
                throw ControlError(
                    code: .badRequest,
                    message: "\(field) '\(text)' is not a date; use 2024-05-01 or 2024-05-01T10:00:00Z (UTC) or with an offset")
            }
            return date
        }
        var state: ItemLifecycle.State?
        if let text = query.state {
            guard let value = ItemLifecycle.State(named: text) else {
                throw ControlError(
                    code: .badRequest, message: "item state '\(text)' is not one of: \(ItemLifecycle.State.namesList)")
            }
            state = value
        }
        var kind: MediaMetadata.Kind?
        if let text = query.kind {
            guard let value = MediaMetadata.Kind(rawValue: text) else {
                throw ControlError(
                    code: .badRequest, message: "kind '\(text)' is not one of: video, audio, photo, other")
            }
            kind = value
        }
        self.init(
            deviceID: query.device, ingestedFrom: try date(query.from, "from"),
            ingestedBefore: try date(query.to, "to"), sha256Prefix: query.sha256, state: state,
            recordedFrom: try date(query.recordedFrom, "recorded_from"),
            recordedBefore: try date(query.recordedTo, "recorded_to"), officerID: query.officer, kind: kind,
            hasLocation: query.location, limit: query.limit ?? 100, flagged: query.flagged)
        dueBefore = try date(query.dueBefore, "due_before")
        dueAfter = try date(query.dueAfter, "due_after")
        category = query.category?.lowercased()
        if let text = query.reviewState {
            guard ["pending", "claimed", "reviewed"].contains(text) else {
                throw ControlError(code: .badRequest, message: "review state '\(text)' is not one of: pending, claimed, reviewed")
            }
            reviewState = text
        }
        caseNumber = query.caseNumber
        held = query.held
        fixityFailed = query.fixityFailed
        search = query.search
    }
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `hold place/release/list/show` (DESIGN §12): a held item is never due.
extension Operations {
    func placeHold(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let matter = try Self.required(arguments.matter, "matter", of: "hold place")
        let authority = try Self.required(arguments.authority, "authority", of: "hold place")
        let reason = try Self.required(arguments.reason, "reason", of: "hold place")
        guard (arguments.cases ?? []).count <= 1 else {
            throw ControlError(code: .badRequest, message: "a hold's query names one case; place one hold per case")
        }
        let query = HoldRecord.Query(
            officer: arguments.officer?.uppercased(), device: arguments.device,
            from: try Self.instant(arguments.from, "from"), to: try Self.instant(arguments.until, "until"),
            caseNumber: try arguments.cases?.first.map(Self.caseNumber))
        if (query.from != nil || query.to != nil) && query.officer == nil && query.device == nil {
            throw ControlError(
                code: .badRequest, message: "a time range narrows an officer or a device: give --officer or --device with it")
        }
        let allowance = try context.authorize(.manageHolds)
        let records = try (arguments.items ?? []).map { try catalog.item(matching: $0) }
        for record in records { try Self.requireVerified(record, for: "hold") }
        let items = records.map(\.id)
        let hold = try catalog.placeHold(
            matter: matter, authority: authority, reason: reason, items: items, query: query.isEmpty ? nil : query,
            who: context.principal.key, at: context.now,
            events: { hold in
                [allowance.event(.holdPlaced, ["hold": "\(hold.id)", "held_items": "\(hold.itemCount)"])]
            }, by: allowance.actor)
        return .answer(id: context.request.id) { $0.hold = HoldView(hold) }
    }

    func releaseHold(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        guard let id = arguments.hold else { throw ControlError(code: .badRequest, message: "hold release needs --hold") }
        let reason = try Self.required(arguments.reason, "reason", of: "hold release")
        let allowance = try context.authorize(.manageHolds)
        let hold = try catalog.releaseHold(
            id, reason: reason, who: context.principal.key, at: context.now,
            events: { hold in [allowance.event(.holdReleased, ["hold": "\(hold.id)", "held_items": "\(hold.itemCount)"])] },
            by: allowance.actor)
        return .answer(id: context.request.id) { $0.hold = HoldView(hold) }
    }

    func listHolds(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewHolds)
        let holds = try catalog.holds(openOnly: arguments.open == true)
        try allowance.record(.holdsViewed, ["results": "\(holds.count)"])
        return .answer(id: context.request.id) { $0.holds = holds.map { HoldView($0) } }
    }

    func showHold(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        guard let id = arguments.hold else { throw ControlError(code: .badRequest, message: "hold show needs a hold number") }
        let allowance = try context.authorize(.viewHolds)
        let hold = try catalog.hold(id)
        let items = try catalog.heldItems(id)
        try allowance.record(.holdsViewed, ["hold": "\(id)"])
        return .answer(id: context.request.id) { $0.hold = HoldView(hold, itemIDs: items) }
    }

    static func instant(_ text: String?, _ field: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = Timestamps.date(from: text) else {
            throw ControlError(
                code: .badRequest, message: "\(field) '\(text)' is not a date; use 2024-05-01 or 2024-05-01T10:00:00Z")
        }
        return date
    }
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `person add/list/show/leave`, `unit add/list/set`.
extension Operations {
    func addUnit(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.identifier(arguments.id, "id", of: "unit add")
        let name = try Self.required(arguments.name, "name", of: "unit add")
        let allowance = try context.authorize(.manageRegistry)
        let unit = UnitRecord(
            id: id, name: name, parentID: arguments.parent?.uppercased(), head: arguments.head?.uppercased(),
            createdAt: context.now)
        try catalog.addUnit(unit, events: [allowance.event(.unitAdded)], by: allowance.actor)
        return .answer(id: context.request.id) { $0.unit = UnitView(unit) }
    }

    /// `unit set ID --head BADGE`: a unit is made before its people, so its head is named once they
    /// are registered. The catalog's trigger refuses a head who is not an active registered person.
    func setUnitHead(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.identifier(arguments.id, "id", of: "unit set")
        let head = try Self.identifier(arguments.head, "head", of: "unit set")
        let allowance = try context.authorize(.manageRegistry)
        let previous = try catalog.unit(id).head
        var detail = ["unit": id, "head": head]
        detail["previous_head"] = previous
        try catalog.setUnitHead(id, head: head, events: [allowance.event(.unitChanged, detail)], by: allowance.actor)
        let unit = try catalog.unit(id)
        return .answer(id: context.request.id) { $0.unit = UnitView(unit) }
    }

    func listUnits(_ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewRegistry)
        let units = try catalog.units()
        try allowance.record(.registryViewed, ["results": "\(units.count)"])
        return .answer(id: context.request.id) { $0.units = units.map(UnitView.init) }
    }

    func addPerson(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.identifier(arguments.id, "id", of: "person add")
        let name = try Self.required(arguments.name, "name", of: "person add")
        let unit = try Self.identifier(arguments.unit, "unit", of: "person add")
        // `head` on person.add names the person being added: they head their unit from now on.
        let heads = arguments.head != nil
        if heads, arguments.head?.uppercased() != id {
            throw ControlError(
                code: .badRequest,
                message: "person add: head names the person being added (\(id)); set another head with `custody unit set`")
        }
        let allowance = try context.authorize(.manageRegistry)
        let person = PersonRecord(id: id, name: name, unitID: unit, account: arguments.account, createdAt: context.now)
        try catalog.addPerson(
            person, headingTheirUnit: heads,
            events: [allowance.event(.personAdded, heads ? ["head_of": unit] : [:])], by: allowance.actor)
        return .answer(id: context.request.id) { $0.person = PersonView(person) }
    }

    func listPersons(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewRegistry)
        let units = try arguments.unit.map { try catalog.unitsWithSubunits([try catalog.unit($0.uppercased()).id]) }
        let persons = try catalog.persons(inUnits: units)
        try allowance.record(.registryViewed, ["results": "\(persons.count)"])
        return .answer(id: context.request.id) { $0.persons = persons.map { PersonView($0) } }
    }

    func showPerson(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.identifier(arguments.id, "id", of: "person show")
        let allowance = try context.authorize(.viewRegistry, .person(id))
        let person = try catalog.person(id)
        let grants = try catalog.grants(person: person.id).map { GrantView($0, at: context.now) }
        let devices = try catalog.devices().filter { try catalog.holder(of: $0.serial, at: context.now)?.id == person.id }
        try allowance.record(.registryViewed, ["person": person.id])
        return .answer(id: context.request.id) {
            $0.person = PersonView(person, grants: grants, devices: devices.map(\.serial))
        }
    }

    func recordLeft(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let id = try Self.identifier(arguments.id, "id", of: "person leave")
        let reason = try Self.required(arguments.reason, "reason", of: "person leave")
        let allowance = try context.authorize(.manageRegistry, .person(id))
        let revoked = try catalog.grants(person: id).filter { $0.revokedAt == nil && $0.rejectedAt == nil }
        try catalog.recordLeft(
            id, reason: reason, at: context.now,
            events: [allowance.event(.personLeft, ["grants_revoked": revoked.map { "\($0.id)" }.joined(separator: ",")])],
            by: allowance.actor)
        let person = try catalog.person(id)
        return .answer(id: context.request.id) { $0.person = PersonView(person) }
    }

    /// A required text argument, trimmed.
    static func required(_ value: String?, _ name: String, of request: String) throws -> String {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ControlError(code: .badRequest, message: "\(request) needs --\(name)")
        }
        return value
    }

    /// A required badge or unit id: letters, digits, `_`, `-`; compared in upper case.
    static func identifier(_ value: String?, _ name: String, of request: String) throws -> String {
        let text = try required(value, name, of: request).uppercased()
        guard text.count <= 32, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) })
        else {
            throw ControlError(
                code: .badRequest,
                message: "\(name) '\(value ?? "")' is not an id: use up to 32 letters, digits, '_' or '-' (e.g. P1234)")
        }
        return text
    }
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `device add/assign/return/maintenance/retire/show/list`: recorders and terminals issued, kept
/// and retired with records (DESIGN §11).
extension Operations {
    /// The families a registry entry may name.
    static let deviceFamilies = ["ambarella", "ambarellaA9", "jieli", "hengan", "massStorage", "mtp", "other"]

    func addDevice(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let serial = try Self.serial(arguments, of: "device add")
        let family = arguments.family ?? "other"
        guard Self.deviceFamilies.contains(family) else {
            throw ControlError(
                code: .badRequest,
                message: "family '\(family)' is not one of: \(Self.deviceFamilies.joined(separator: ", "))")
        }
        let allowance = try context.authorize(.manageRegistry)
        try catalog.addDevice(
            serial: serial, model: arguments.model, family: family, at: context.now,
            events: [allowance.event(.deviceAdded)], by: allowance.actor)
        return try deviceAnswer(serial, context)
    }

    func assignDevice(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let serial = try Self.serial(arguments, of: "device assign")
        let person = try Self.identifier(arguments.person, "person", of: "device assign")
        let allowance = try context.authorize(.manageRegistry)
        _ = try catalog.person(person)
        try catalog.assignDevice(
            serial, to: person, at: context.now, events: [allowance.event(.deviceAssigned)], by: allowance.actor)
        return try deviceAnswer(serial, context)
    }

    func returnDevice(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let serial = try Self.serial(arguments, of: "device return")
        let allowance = try context.authorize(.manageRegistry)
        _ = try catalog.returnDevice(
            serial, at: context.now, events: { [allowance.event(.deviceReturned, ["person": $0])] },
            by: allowance.actor)
        return try deviceAnswer(serial, context)
    }

    func recordMaintenance(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let serial = try Self.serial(arguments, of: "device maintenance")
        let what = try Self.required(arguments.what, "what", of: "device maintenance")
        let result = try Self.required(arguments.result, "result", of: "device maintenance")
        if let status = arguments.status, !["in_maintenance", "in_service"].contains(status) {
            throw ControlError(
                code: .badRequest, message: "--status '\(status)' is not one of: in_maintenance, in_service")
        }
        let allowance = try context.authorize(.manageRegistry)
        try catalog.recordMaintenance(
            serial, what: what, result: result, status: arguments.status, at: context.now,
            events: [allowance.event(.deviceMaintained)], by: allowance.actor)
        return try deviceAnswer(serial, context)
    }

    func retireDevice(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let serial = try Self.serial(arguments, of: "device retire")
        let reason = try Self.required(arguments.reason, "reason", of: "device retire")
        let allowance = try context.authorize(.manageRegistry)
        try catalog.retireDevice(
            serial, reason: reason, at: context.now, events: [allowance.event(.deviceRetired)], by: allowance.actor)
        return try deviceAnswer(serial, context)
    }

    func showDevice(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let serial = try Self.serial(arguments, of: "device show")
        let allowance = try context.authorize(.viewRegistry)
        let answer = try deviceAnswer(serial, context)
        try allowance.record(.registryViewed, ["serial": serial])
        return answer
    }

    func listDevices(_ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.viewRegistry)
        let devices = try catalog.devices().map { device in
            DeviceView(device, holder: try catalog.holder(of: device.serial, at: context.now)?.id)
        }
        try allowance.record(.registryViewed, ["results": "\(devices.count)"])
        return .answer(id: context.request.id) { $0.devices = devices }
    }

    /// The device with its whole history.
    private func deviceAnswer(_ serial: String, _ context: OperationContext) throws -> ControlResponse {
        let device = try catalog.device(serial)
        let view = DeviceView(
            device, holder: try catalog.holder(of: serial, at: context.now)?.id,
            assignments: try catalog.assignments(of: serial), maintenance: try catalog.maintenance(of: serial))
        return .answer(id: context.request.id) { $0.device = view }
    }

    static func serial(_ arguments: ControlArguments, of request: String) throws -> String {
        let serial = try required(arguments.serial, "serial", of: request)
        guard serial.count <= 64, !serial.contains(where: { $0.isNewline }) else {
            throw ControlError(code: .badRequest, message: "serial '\(serial)' is not a device serial (at most 64 characters)")
        }
        return serial
    }
}

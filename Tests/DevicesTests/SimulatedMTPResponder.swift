@testable import Devices

/// A simulated MTP/PTP data terminal: one storage, a folder tree of files, PTP-over-USB containers.
final class SimulatedMTPResponder: SimulatedFirmware {
    struct Object {
        var parent: UInt32
        var name: String
        var content: [UInt8]
        var isFolder = false
        var modified = "20261122T160500"
    }

    /// How the responder misbehaves on one operation.
    enum Fault {
        case garbage([UInt8])
        case stall
        case silence
        /// Sends this many bytes of the data phase, then drops off the bus.
        case disconnectAfter(Int)
        /// Replaces the data phase's payload (the header's length follows the new payload).
        case dataset([UInt8])
        /// Claims this container length in the data phase header, sending the real payload.
        case claimedLength(UInt32)
        /// Answers with the wrong transaction id.
        case wrongTransaction
        /// Answers this response code, without a data phase.
        case refuse(UInt16)
    }

    static let storage: UInt32 = 0x0001_0001
    var objects: [UInt32: Object] = [:]
    var faults: [UInt16: Fault] = [:]
    /// The most bytes per IN transfer (a real terminal's max packet multiple).
    var transferSize = 512
    private(set) var sessionOpen = false
    private(set) var deleted: [UInt32] = []

    func receive(_ bytes: [UInt8]) -> [SimulatedOutcome] {
        guard let command = try? PTPContainer.decode(bytes), command.kind == .command,
            let parameters = try? command.parameters()
        else { return [response(0x2002, 0)] }  // GeneralError
        let id = command.transactionID
        let fault = faults[command.code]
        switch fault {
        case .garbage(let bytes)?: return [.data(bytes)]
        case .stall?: return [.stall]
        case .silence?: return []
        case .wrongTransaction?: return [response(PTPResponse.ok, id &+ 5)]
        case .refuse(let code)?: return [response(code, id)]
        default: break
        }
        switch command.code {
        case PTPOperation.openSession:
            sessionOpen = true
            return [response(PTPResponse.ok, id)]
        case PTPOperation.closeSession:
            sessionOpen = false
            return [response(PTPResponse.ok, id)]
        case PTPOperation.getDeviceInfo:
            return dataPhase(command, Self.deviceInfo(), fault) + [response(PTPResponse.ok, id)]
        case PTPOperation.getStorageIDs:
            return dataPhase(command, Self.uint32Array([Self.storage]), fault) + [response(PTPResponse.ok, id)]
        case PTPOperation.getObjectHandles:
            return dataPhase(command, Self.uint32Array(objects.keys.sorted()), fault) + [response(PTPResponse.ok, id)]
        case PTPOperation.getObjectInfo:
            guard let object = objects[parameters.first ?? 0] else { return [response(0x2009, id)] }
            return dataPhase(command, Self.objectInfo(object), fault) + [response(PTPResponse.ok, id)]
        case PTPOperation.getObject:
            guard let object = objects[parameters.first ?? 0], !object.isFolder else { return [response(0x2009, id)] }
            return dataPhase(command, object.content, fault) + [response(PTPResponse.ok, id)]
        case PTPOperation.deleteObject:
            guard let handle = parameters.first, objects.removeValue(forKey: handle) != nil else {
                return [response(0x2009, id)]
            }
            deleted.append(handle)
            return [response(PTPResponse.ok, id)]
        default:
            return [response(0x2005, id)]  // OperationNotSupported
        }
    }

    private func dataPhase(_ command: PTPContainer, _ payload: [UInt8], _ fault: Fault?) -> [SimulatedOutcome] {
        var payload = payload
        if case .dataset(let replacement)? = fault { payload = replacement }
        var bytes = PTPContainer(
            kind: .data, code: command.code, transactionID: command.transactionID, payload: payload
        )
        .encoded
        if case .claimedLength(let length)? = fault { bytes.replaceSubrange(0..<4, with: length.littleEndianBytes) }
        var outcomes = stride(from: 0, to: bytes.count, by: transferSize).map {
            SimulatedOutcome.data(Array(bytes[$0..<min($0 + transferSize, bytes.count)]))
        }
        if bytes.count % transferSize == 0 { outcomes.append(.data([])) }
        if case .disconnectAfter(let count)? = fault {
            let cut = min(count + PTPContainer.headerLength, bytes.count)
            return [.data(Array(bytes.prefix(cut))), .disconnect]
        }
        return outcomes
    }

    private func response(_ code: UInt16, _ id: UInt32) -> SimulatedOutcome {
        .data(PTPContainer(kind: .response, code: code, transactionID: id, parameters: []).encoded)
    }

    static func string(_ text: String) -> [UInt8] {
        guard !text.isEmpty else { return [0] }
        let units = Array(text.utf16) + [0]
        return [UInt8(units.count)] + units.flatMap(\.littleEndianBytes)
    }

    static func uint32Array(_ values: [UInt32]) -> [UInt8] {
        UInt32(values.count).littleEndianBytes + values.flatMap(\.littleEndianBytes)
    }

    static func uint16Array(_ values: [UInt16]) -> [UInt8] {
        UInt32(values.count).littleEndianBytes + values.flatMap(\.littleEndianBytes)
    }

    static func deviceInfo() -> [UInt8] {
        UInt16(100).littleEndianBytes + UInt32(6).littleEndianBytes + UInt16(100).littleEndianBytes
            + string("microsoft.com: 1.0;") + UInt16(0).littleEndianBytes
            + uint16Array([0x1001, 0x1002, 0x1003, 0x1004, 0x1007, 0x1008, 0x1009, 0x100B])
            + uint16Array([]) + uint16Array([]) + uint16Array([]) + uint16Array([0x3000])
            + string("Custody Simulations") + string("Terminal T1") + string("1.0") + string("TERM0001")
    }

    static func objectInfo(_ object: Object, size: UInt32? = nil) -> [UInt8] {
        var bytes = storage.littleEndianBytes
        bytes += (object.isFolder ? PTPObjectInfo.associationFormat : UInt16(0x300B)).littleEndianBytes
        bytes += UInt16(0).littleEndianBytes
        bytes += (size ?? UInt32(object.content.count)).littleEndianBytes
        bytes += UInt16(0).littleEndianBytes
        bytes += [UInt32](repeating: 0, count: 6).flatMap(\.littleEndianBytes)
        bytes += object.parent.littleEndianBytes
        bytes +=
            UInt16(object.isFolder ? 1 : 0).littleEndianBytes + UInt32(0).littleEndianBytes
            + UInt32(0).littleEndianBytes
        bytes += string(object.name) + string("") + string(object.modified) + string("")
        return bytes
    }
}

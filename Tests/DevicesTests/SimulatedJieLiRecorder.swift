import CustodyTesting

@testable import Devices

/// The simulated JieLi unit of `CustodyTesting` behind the `SCSITransport` protocol, with the errors
/// `SGIOTransport` gives for the same outcomes (CHECK CONDITION → `.rejected`, gone → `.disconnected`).
@dynamicMemberLookup
final class SimulatedJieLiRecorder: SCSITransport {
    let unit: SimulatedJieLiUnit

    init(record: [UInt8]) { unit = SimulatedJieLiUnit(record: record) }

    subscript<T>(dynamicMember path: ReferenceWritableKeyPath<SimulatedJieLiUnit, T>) -> T {
        get { unit[keyPath: path] }
        set { unit[keyPath: path] = newValue }
    }

    subscript<T>(dynamicMember path: KeyPath<SimulatedJieLiUnit, T>) -> T { unit[keyPath: path] }

    func execute(_ command: SCSICommand, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        let out: [UInt8]?
        let length: Int
        switch command.direction {
        case .none: (out, length) = (nil, 0)
        case .fromDevice(let count): (out, length) = (nil, count)
        case .toDevice(let bytes): (out, length) = (bytes, 0)
        }
        switch unit.execute(cdb: command.cdb, dataOut: out, length: length) {
        case .good(let bytes): return bytes
        case .checkCondition(let sense):
            try SCSIOutcome(status: 2, hostStatus: 0, driverStatus: 8, sense: sense).check("simulated command")
            return []
        case .gone: throw DeviceError(code: .disconnected, message: "the simulated LUN is gone")
        }
    }
}

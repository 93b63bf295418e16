@testable import Devices

/// A simulated GA/T 947-style recorder speaking the framing `GAT947Frame` documents.
final class SimulatedGAT947Recorder: SimulatedFirmware {
    var password = "000000"
    var record: [UInt8]
    var clock: DeviceDateTime
    private(set) var unlocked = false
    /// Faults by command byte.
    var faults: [UInt8: SimulatedFault] = [:]

    init(record: [UInt8], clock: DeviceDateTime) {
        self.record = record
        self.clock = clock
    }

    func receive(_ bytes: [UInt8]) -> [SimulatedOutcome] {
        guard let frame = try? GAT947Frame.decode(bytes) else { return [refuse(3)] }
        let answer = respond(to: frame)
        switch faults[frame.command] {
        case nil: return [answer]
        case .garbage(let bytes)?: return [.data(bytes)]
        case .stall?: return [.stall]
        case .silence?: return []
        case .disconnect?: return [.disconnect]
        case .fragmented?:
            guard case .data(let whole) = answer else { return [answer] }
            return stride(from: 0, to: whole.count, by: 5).map { .data(Array(whole[$0..<min($0 + 5, whole.count)])) }
        }
    }

    private func respond(to frame: GAT947Frame) -> SimulatedOutcome {
        switch frame.command {
        case 0x01: return reply(0x81, record)
        case 0x02: return reply(0x82, GAT947Clock.encode(clock))
        case 0x03:
            guard let set = try? GAT947Clock.decode(frame.payload) else { return refuse(3) }
            clock = set
            return reply(0x83, [0])
        case 0x04:
            guard frame.payload == Array(password.utf8) else { return refuse(1) }
            unlocked = true
            return reply(0x84, [0])
        default: return refuse(2)
        }
    }

    private func reply(_ command: UInt8, _ payload: [UInt8]) -> SimulatedOutcome {
        .data(GAT947Frame(command: command, payload: payload).encoded)
    }

    private func refuse(_ reason: UInt8) -> SimulatedOutcome { reply(0xFF, [reason]) }
}

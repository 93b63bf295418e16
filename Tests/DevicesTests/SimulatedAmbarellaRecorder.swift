@testable import Devices

/// A simulated Ambarella-style recorder speaking the framing `AmbarellaFrame` documents.
final class SimulatedAmbarellaRecorder: SimulatedFirmware {
    var password = "12345678"
    var deviceID = "DEV0001"
    var officerID: String? = "A12345"
    var clock: DeviceDateTime
    private(set) var loggedIn = false
    private(set) var unlocked = false
    /// Faults by command name (`Gdv`, `ATH`, …).
    var faults: [String: SimulatedFault] = [:]
    /// Dates to answer `@Gdt` with, in turn, before `clock`'s (to simulate midnight passing).
    var scriptedDates: [String] = []

    init(clock: DeviceDateTime) { self.clock = clock }

    func receive(_ bytes: [UInt8]) -> [SimulatedOutcome] {
        guard let frame = try? AmbarellaFrame.decode(bytes) else { return [reply("Err", "FMT")] }
        let answer = respond(to: frame)
        switch faults[frame.command] {
        case nil: return [answer]
        case .garbage(let bytes)?: return [.data(bytes)]
        case .stall?: return [.stall]
        case .silence?: return []
        case .disconnect?: return [.disconnect]
        case .fragmented?:
            guard case .data(let whole) = answer else { return [answer] }
            return stride(from: 0, to: whole.count, by: 3).map { .data(Array(whole[$0..<min($0 + 3, whole.count)])) }
        }
    }

    private func respond(to frame: AmbarellaFrame) -> SimulatedOutcome {
        if frame.command == "Ver" {
            guard frame.argument == "00000000" else { return reply("Err", "PWD") }
            loggedIn = true
            return reply("Ver", "AMBA-1.0")
        }
        guard loggedIn else { return reply("Err", "LOGIN") }
        switch frame.command {
        case "Gdv":
            guard frame.argument == password else { return reply("Err", "PWD") }
            return reply("Gdv", deviceID + (officerID.map { "," + $0 } ?? ""))
        case "Gdt":
            return reply("Gdt", scriptedDates.isEmpty ? clock.compactDate : scriptedDates.removeFirst())
        case "Gtm": return reply("Gtm", clock.compactTime)
        case "Sdt", "Stm":
            let date = frame.command == "Sdt" ? frame.argument : clock.compactDate
            let time = frame.command == "Stm" ? frame.argument : clock.compactTime
            guard let set = try? DeviceDateTime(compactDate: date, compactTime: time) else {
                return reply("Err", "ARG")
            }
            clock = set
            return reply(frame.command, "OK")
        case "ATH":
            guard frame.argument == password else { return reply("Err", "PWD") }
            unlocked = true
            return reply("ATH", "OK")
        default: return reply("Err", "CMD")
        }
    }

    private func reply(_ command: String, _ argument: String) -> SimulatedOutcome {
        .data((try? AmbarellaFrame(command: command, argument: argument).encoded) ?? [])
    }
}

@testable import Devices

/// A simulated Ambarella-style recorder, built from what the public host (`AmbaDevice.cs`) shows: it
/// takes `@Cmd;<length>;<argument>;#` commands (the `@Stm` length field 6 with eight characters), answers
/// in one transfer of at most 64 bytes, `Ver;OK` to the login, the device id in the third field of its
/// `@Gdv` answer, and `ERROR` to a wrong password.
final class SimulatedAmbarellaRecorder: SimulatedFirmware {
    var password = "12345678"
    var deviceID = "DEV0001"
    private(set) var date: String?
    private(set) var time: String?
    private(set) var loggedIn = false
    private(set) var unlocked = false
    /// Faults by command name (`Gdv`, `ATH`, …).
    var faults: [String: SimulatedFault] = [:]
    /// Answers the whole ASCII protocol with silence, as an A9 does.
    var silent = false

    func receive(_ bytes: [UInt8]) -> [SimulatedOutcome] {
        guard !silent else { return [] }
        let text = String(decoding: bytes, as: UTF8.self)
        let fields = text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4, fields[0].hasPrefix("@"), fields[3] == "#", bytes.count <= 64 else {
            return [reply("@ERROR;#")]
        }
        let name = String(fields[0].dropFirst())
        let answer = respond(name, length: fields[1], argument: fields[2])
        switch faults[name] {
        case nil: return [answer]
        case .garbage(let bytes)?: return [.data(bytes)]
        case .stall?: return [.stall]
        case .silence?: return []
        case .disconnect?: return [.disconnect]
        case .fragmented?:
            guard case .data(let whole) = answer else { return [answer] }
            return [.data(Array(whole.prefix(3))), .data(Array(whole.dropFirst(3)))]
        }
    }

    private func respond(_ name: String, length: String, argument: String) -> SimulatedOutcome {
        if name == "Ver" {
            guard length == "8", argument == "00000000" else { return reply("@Ver;ERROR;#") }
            loggedIn = true
            return reply("@Ver;OK;#")
        }
        guard loggedIn else { return reply("@\(name);ERROR;#") }
        switch (name, length) {
        case ("Gdv", "8"):
            guard argument == password else { return reply("@Gdv;ERROR;#") }
            return reply("@Gdv;OK;\(deviceID);#")
        case ("Sdt", "8") where argument.count == 8 && argument.allSatisfy(\.isNumber):
            date = argument
            return reply("@Sdt;OK;#")
        case ("Stm", "6") where argument.count == 8 && argument.hasSuffix("00") && argument.allSatisfy(\.isNumber):
            time = String(argument.prefix(6))
            return reply("@Stm;OK;#")
        case ("ATH", "8"):
            guard argument == password else { return reply("@ATH;ERROR;#") }
            unlocked = true
            return reply("@ATH;OK;#")
        default: return reply("@\(name);ERROR;#")
        }
    }

    private func reply(_ text: String) -> SimulatedOutcome { .data(Array(text.utf8)) }
}

/// A simulated Ambarella A9 recorder (`lib/bodycam.py`): vendor control transfers on endpoint 0, bulk
/// endpoints silent. Login payload `a1 12 00 12` + password, zero-padded to 64; the 10-byte answer's
/// byte 2 is 1 when the password matched; disk mode `a1 23 00 23`.
final class SimulatedA9Recorder: USBControlTransport {
    var password = "A9secret"
    private(set) var loggedIn = false
    private(set) var unlocked = false
    private(set) var requests: [(request: UInt8, value: UInt16, data: [UInt8])] = []
    private var lastStatus: UInt8 = 0
    /// Drops off the bus at this control request number (0-based), if set.
    var disconnectAt: Int?

    func bulkWrite(endpoint: UInt8, data: [UInt8], timeoutMilliseconds: UInt32) throws {
        throw DeviceError(code: .timeout, message: "the simulated A9 does not read its bulk endpoint")
    }

    func bulkRead(endpoint: UInt8, maxLength: Int, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        throw DeviceError(code: .timeout, message: "the simulated A9 says nothing on its bulk endpoint")
    }

    private func count() throws {
        if let disconnectAt, requests.count >= disconnectAt {
            throw DeviceError(code: .disconnected, message: "the simulated A9 was disconnected")
        }
    }

    func controlWrite(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], timeoutMilliseconds: UInt32
    ) throws {
        try count()
        requests.append((request, value, data))
        guard requestType == 0x40, value == 0x0080, index == 0, data.count == 64 else {
            throw DeviceError(code: .stalled, message: "the simulated A9 stalls an unknown request")
        }
        switch (request, Array(data.prefix(4))) {
        case (0x55, [0xA1, 0x12, 0x00, 0x12]):
            let secret = Array(data.dropFirst(4).prefix { $0 != 0 })
            loggedIn = secret == Array(password.utf8)
            lastStatus = loggedIn ? 1 : 0
        case (0x50, [0xA1, 0x23, 0x00, 0x23]) where data.dropFirst(4).allSatisfy({ $0 == 0 }):
            guard loggedIn else { throw DeviceError(code: .stalled, message: "disk mode before login") }
            unlocked = true
        default: throw DeviceError(code: .stalled, message: "the simulated A9 stalls an unknown payload")
        }
    }

    func controlRead(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: Int, timeoutMilliseconds: UInt32
    ) throws -> [UInt8] {
        try count()
        requests.append((request, value, []))
        guard requestType == 0xC0, request == 0x55, value == 0x0080, length == 10 else {
            throw DeviceError(code: .stalled, message: "the simulated A9 stalls an unknown read")
        }
        return [0xA1, 0x12, lastStatus, 0, 0, 0, 0, 0, 0, 0]
    }
}

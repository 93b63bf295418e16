@testable import Devices

/// A simulated Hengan-style recorder: the AT commands of `LibBodycam.dll`'s strings, each line ending
/// CR LF, answered `+NAME:value` CR LF; `+LOGIN:Sucess` (the vendor's spelling) for the right password.
final class SimulatedHenganRecorder: SimulatedFirmware {
    var password = "hengan01"
    var deviceID = "HA0001"
    var userID = "P1234"
    private(set) var loggedIn = false
    private(set) var systemTime: String?
    private(set) var udisk = false
    /// Faults by command name (`LOGIN`, `DID`, `UDISKEN`, …).
    var faults: [String: SimulatedFault] = [:]

    func receive(_ bytes: [UInt8]) -> [SimulatedOutcome] {
        guard bytes.starts(with: Array("BC+".utf8)), bytes.suffix(2) == [0x0D, 0x0A] else {
            return [line("+ERROR:Format")]
        }
        let text = String(decoding: bytes.dropFirst(3).dropLast(2), as: UTF8.self)
        let name = String(text.prefix { $0 != "=" && $0 != "?" })
        let answer = respond(name, String(text.dropFirst(name.count)))
        switch faults[name] {
        case nil: return [answer]
        case .garbage(let bytes)?: return [.data(bytes)]
        case .stall?: return [.stall]
        case .silence?: return []
        case .disconnect?: return [.disconnect]
        case .fragmented?:
            guard case .data(let whole) = answer else { return [answer] }
            return [.data(Array(whole.prefix(4))), .data(Array(whole.dropFirst(4)))]
        }
    }

    private func respond(_ name: String, _ rest: String) -> SimulatedOutcome {
        if name == "LOGIN" {
            loggedIn = rest == "=admin:" + password
            return line(loggedIn ? "+LOGIN:Sucess" : "+LOGIN:Fail")
        }
        guard loggedIn else { return line("+\(name):NoLogin") }
        switch (name, rest) {
        case ("DID", "?"): return line("+DID:\(deviceID)")
        case ("UID", "?"): return line("+UID:\(userID)")
        case ("SYSTIME", _) where rest.count == 15 && rest.dropFirst().allSatisfy(\.isNumber):
            systemTime = String(rest.dropFirst())
            return line("+SYSTIME:Sucess")
        case ("UDISKEN", "=1"):
            udisk = true
            return line("+UDISKEN:Sucess")
        default: return line("+\(name):Fail")
        }
    }

    private func line(_ text: String) -> SimulatedOutcome { .data(Array((text + "\r\n").utf8)) }
}

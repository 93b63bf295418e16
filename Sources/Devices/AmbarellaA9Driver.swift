/// The driver for the Ambarella A9 variant of 4255:0001, which logs in and switches to disk mode with
/// vendor control transfers instead of ASCII bulk commands (`alexankitty/Ambarella-A9-Body-Cam-Automation`,
/// `lib/bodycam.py`):
/// - login: OUT (0x40) request 0x55, value 0x0080, a 64-byte payload `a1 12 00 12` + the ASCII
///   password, zero-padded; then IN (0xC0) request 0x55, value 0x0080, 10 bytes: byte 2 is 1 when the
///   password was accepted;
/// - disk mode: OUT request 0x50, value 0x0080, payload `a1 23 00 23` zero-padded to 64; then the same
///   10-byte IN read (whose content that source does not check).
///
/// The source shows no device id, identity record or clock command: the device is named by its USB
/// serial (`fallbackSerial`), and the clock is neither read nor set (docking flags both).
public final class AmbarellaA9Driver: RecorderDriver {
    static let requestOut: UInt8 = 0x40
    static let requestIn: UInt8 = 0xC0
    static let loginRequest: UInt8 = 0x55
    static let diskModeRequest: UInt8 = 0x50
    static let value: UInt16 = 0x0080
    static let payloadLength = 64
    static let answerLength = 10

    private let transport: any USBControlTransport
    private let password: String
    private let fallbackSerial: String
    private let timeoutMilliseconds: UInt32
    private var loggedIn = false

    /// Creates a driver.
    /// - Parameters:
    ///   - fallbackSerial: what the device is called (its USB serial, or its bus position).
    public init(
        transport: any USBControlTransport, password: String, fallbackSerial: String,
        timeoutMilliseconds: UInt32 = 5000
    ) {
        self.transport = transport
        self.password = password
        self.fallbackSerial = fallbackSerial
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Logs in (the only way to learn the password is right) and names the device by its USB serial.
    public func identify() throws -> DeviceIdentity {
        try login(password)
        return DeviceIdentity(serial: fallbackSerial)
    }

    public func readClock() throws -> DeviceDateTime {
        throw DeviceError(code: .unsupported, message: "the Ambarella A9 protocol has no documented clock command")
    }

    public func setClock(_ time: DeviceDateTime) throws {
        throw DeviceError(code: .unsupported, message: "the Ambarella A9 protocol has no documented clock command")
    }

    public func unlock(password: String) throws -> StorageHandover {
        try login(password)
        try transport.controlWrite(
            requestType: Self.requestOut, request: Self.diskModeRequest, value: Self.value, index: 0,
            data: Self.payload([0xA1, 0x23, 0x00, 0x23]), timeoutMilliseconds: timeoutMilliseconds)
        _ = try readAnswer("disk mode")
        return .massStorage(volumeLabel: nil)
    }

    private func login(_ password: String) throws {
        guard !loggedIn else { return }
        let secret = Array(password.utf8)
        guard secret.count <= Self.payloadLength - 4 else {
            throw DeviceError(
                code: .wrongPassword,
                message: "the Ambarella A9 login carries at most \(Self.payloadLength - 4) password bytes; "
                    + "check the device profile's password credential")
        }
        try transport.controlWrite(
            requestType: Self.requestOut, request: Self.loginRequest, value: Self.value, index: 0,
            data: Self.payload([0xA1, 0x12, 0x00, 0x12] + secret), timeoutMilliseconds: timeoutMilliseconds)
        let answer = try readAnswer("login")
        guard answer[2] == 1 else {
            throw DeviceError(
                code: .wrongPassword,
                message: "Ambarella A9 recorder refused the password (login status \(answer[2])); "
                    + "check the device profile's password credential")
        }
        loggedIn = true
    }

    private func readAnswer(_ what: String) throws -> [UInt8] {
        let answer = try transport.controlRead(
            requestType: Self.requestIn, request: Self.loginRequest, value: Self.value, index: 0,
            length: Self.answerLength, timeoutMilliseconds: timeoutMilliseconds)
        guard answer.count == Self.answerLength else {
            throw DeviceError.malformed(
                "Ambarella A9 recorder answered \(answer.count) bytes to \(what), not \(Self.answerLength)")
        }
        return answer
    }

    /// `bytes`, zero-padded to the 64-byte payload.
    static func payload(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: max(0, payloadLength - bytes.count))
    }
}

/// The driver for Hengan-style recorders: AT-style ASCII commands over libusb bulk endpoints, as the
/// strings of the vendor's `LibBodycam.dll` (`Edward125/H6`) show them — read from a binary, so
/// medium confidence:
/// - `BC+LOGIN=admin:<password>`, answered `+LOGIN:Sucess` (the vendor's spelling) when accepted;
/// - `BC+DID?` (device id), `BC+UID?` (user, i.e. officer, id), `BC+GBIDCODE?` (GA/T identity code);
/// - `BC+SYSTIME=yyyyMMddHHmmss`; `BC+UDISKEN=1` switches the U-disk (mass storage) on.
///
/// Assumed where the strings are silent, and implemented by the simulator: a command ends with CR LF;
/// an answer is one line `+<NAME>:<value>` ending with CR LF, at most 128 bytes, the value `Sucess` (or
/// `Success`) for a setting that worked. No query reads the clock: `readClock()` is `.unsupported`.
public final class HenganDriver: RecorderDriver {
    /// The longest answer line accepted.
    public static let maximumAnswerLength = 128

    private let transport: any USBTransport
    private let endpoints: BulkEndpoints
    private let password: String
    private var loggedIn = false

    /// Creates a driver.
    public init(transport: any USBTransport, password: String, endpoints: BulkEndpoints = BulkEndpoints()) {
        self.transport = transport
        self.endpoints = endpoints
        self.password = password
    }

    public func identify() throws -> DeviceIdentity {
        try login(password)
        let deviceID = try query("DID")
        guard !deviceID.isEmpty else { throw DeviceError.malformed("Hengan recorder answered an empty device id") }
        let officer = try query("UID")
        return DeviceIdentity(serial: deviceID, officerID: officer.isEmpty ? nil : officer)
    }

    public func readClock() throws -> DeviceDateTime {
        throw DeviceError(
            code: .unsupported, message: "Hengan recorders have no known command that reads the clock; it is set only")
    }

    public func setClock(_ time: DeviceDateTime) throws {
        try login(password)
        try setting("SYSTIME", time.compactDate + time.compactTime)
    }

    public func unlock(password: String) throws -> StorageHandover {
        try login(password)
        try setting("UDISKEN", "1")
        return .massStorage(volumeLabel: nil)
    }

    private func login(_ password: String) throws {
        guard !loggedIn else { return }
        guard password.utf8.allSatisfy({ (0x21...0x7E).contains($0) }), password.utf8.count <= 64 else {
            throw DeviceError(
                code: .wrongPassword,
                message: "a Hengan password is at most 64 printable ASCII characters without spaces")
        }
        let answer = try exchange("BC+LOGIN=admin:" + password, expecting: "LOGIN")
        guard Self.isSuccess(answer) else {
            throw DeviceError(
                code: .wrongPassword,
                message:
                    "Hengan recorder refused the login (\"\(answer)\"); check the device profile's password credential")
        }
        loggedIn = true
    }

    private func query(_ name: String) throws -> String {
        let value = try exchange("BC+\(name)?", expecting: name)
        guard value.utf8.count <= 64, !value.contains(where: { "/\\".contains($0) }) else {
            throw DeviceError.malformed("Hengan recorder's \(name) \"\(value)\" is not an identifier")
        }
        return value
    }

    private func setting(_ name: String, _ value: String) throws {
        let answer = try exchange("BC+\(name)=\(value)", expecting: name)
        guard Self.isSuccess(answer) else {
            throw DeviceError(code: .rejected, message: "Hengan recorder refused BC+\(name): \"\(answer)\"")
        }
    }

    static func isSuccess(_ value: String) -> Bool { value == "Sucess" || value == "Success" }

    /// Sends a command line and returns the value of its `+NAME:value` answer.
    private func exchange(_ command: String, expecting name: String) throws -> String {
        try transport.bulkWrite(
            endpoint: endpoints.out, data: Array((command + "\r\n").utf8),
            timeoutMilliseconds: endpoints.timeoutMilliseconds)
        let line = try FrameReader(transport: transport, endpoints: endpoints).readFrame(
            maximum: Self.maximumAnswerLength, what: "Hengan \(name)"
        ) { bytes in bytes.firstIndex(of: 0x0A).map { $0 + 1 } }
        return try HenganAnswer.value(of: line, named: name)
    }
}

/// One answer line of a Hengan-style recorder: `+NAME:value` CR LF.
enum HenganAnswer {
    /// - Throws: `DeviceError.malformed` when the line is not `+NAME:value` for `name`, or not ASCII.
    static func value(of line: [UInt8], named name: String) throws -> String {
        var bytes = line
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw DeviceError.malformed("Hengan answer to \(name) is not printable ASCII: \(render(line))")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let prefix = "+\(name):"
        guard text.hasPrefix(prefix) else {
            throw DeviceError.malformed("Hengan recorder answered \"\(text)\" to \(name); expected \(prefix)…")
        }
        return String(text.dropFirst(prefix.count))
    }
}

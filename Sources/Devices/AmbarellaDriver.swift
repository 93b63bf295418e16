/// The driver for Ambarella-style recorders (e.g. 4255:0001): the ASCII protocol of `AmbarellaFrame`
/// over bulk OUT 0x01 / IN 0x81.
///
/// Login (`@Ver` with the fixed `00000000`) precedes every session; the device id (`@Gdv`) and the
/// mass-storage switch (`@ATH`) carry the profile's password.
public final class AmbarellaDriver: RecorderDriver {
    private let transport: any USBTransport
    private let endpoints: BulkEndpoints
    private let password: String
    private var loggedIn = false
    private var deviceID: String?

    /// Creates a driver.
    /// - Parameters:
    ///   - password: the device password (`@Gdv` needs it before unlock); 8 characters on known devices.
    public init(transport: any USBTransport, password: String, endpoints: BulkEndpoints = BulkEndpoints()) {
        self.transport = transport
        self.endpoints = endpoints
        self.password = password
    }

    public func identify() throws -> DeviceIdentity {
        try login()
        let answer = try exchange("Gdv", argument: password)
        let fields = answer.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let serial = fields.first, !serial.isEmpty, fields.count <= 2 else {
            throw DeviceError.malformed("Ambarella device id answer \"\(answer)\" is not <device id>[,<officer id>]")
        }
        deviceID = serial
        return DeviceIdentity(serial: serial, officerID: fields.count == 2 ? fields[1] : nil)
    }

    public func readClock() throws -> DeviceDateTime {
        try login()
        // Date, time, date again: a reading across midnight would otherwise be a day off.
        var date = try exchange("Gdt")
        var time = try exchange("Gtm")
        let dateAgain = try exchange("Gdt")
        if dateAgain != date {
            date = dateAgain
            time = try exchange("Gtm")
        }
        return try DeviceDateTime(compactDate: date, compactTime: time)
    }

    public func setClock(_ time: DeviceDateTime) throws {
        try login()
        try expectOK(exchange("Sdt", argument: time.compactDate), "Sdt")
        try expectOK(exchange("Stm", argument: time.compactTime), "Stm")
    }

    public func unlock(password: String) throws -> StorageHandover {
        try login()
        try expectOK(exchange("ATH", argument: password), "ATH")
        // The disk that appears carries the device id as its volume label.
        return .massStorage(volumeLabel: deviceID)
    }

    private func login() throws {
        guard !loggedIn else { return }
        let version = try exchange("Ver", argument: "00000000")
        guard !version.isEmpty else { throw DeviceError.malformed("Ambarella login answered no version") }
        loggedIn = true
    }

    private func expectOK(_ answer: String, _ command: String) throws {
        guard answer == "OK" else {
            throw DeviceError(code: .rejected, message: "Ambarella recorder answered \"\(answer)\" to @\(command)")
        }
    }

    /// Sends one command and returns the argument of its answer.
    private func exchange(_ command: String, argument: String = "") throws -> String {
        let request = try AmbarellaFrame(command: command, argument: argument)
        try transport.bulkWrite(
            endpoint: endpoints.out, data: request.encoded, timeoutMilliseconds: endpoints.timeoutMilliseconds)
        let reader = FrameReader(transport: transport, endpoints: endpoints)
        let bytes = try reader.readFrame(maximum: AmbarellaFrame.maximumFrameLength, what: "Ambarella @\(command)") {
            $0.firstIndex(of: UInt8(ascii: "#")).map { $0 + 1 }
        }
        let reply = try AmbarellaFrame.decode(bytes)
        if reply.command == "Err" {
            if reply.argument == "PWD" {
                throw DeviceError(
                    code: .wrongPassword,
                    message:
                        "Ambarella recorder refused the password for @\(command); check the device profile's password")
            }
            throw DeviceError(
                code: .rejected, message: "Ambarella recorder refused @\(command): \"\(reply.argument)\"")
        }
        guard reply.command == command else {
            throw DeviceError.malformed("Ambarella recorder answered @\(reply.command) to @\(command)")
        }
        return reply.argument
    }
}

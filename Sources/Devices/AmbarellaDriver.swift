/// The driver for Ambarella-style recorders (4255:0001): the ASCII commands of `AmbarellaCommand` over
/// bulk OUT 0x01 / IN 0x81, one command transfer and one answer transfer (`AmbarellaReply`) each.
///
/// Login (`@Ver`) precedes everything; the device id (`@Gdv`) and the mass-storage switch (`@ATH`)
/// carry the profile's password. The public sources document no command that reads the clock, so
/// `readClock()` is `.unsupported` (docking flags the clock as not read) and `setClock(_:)` sets it.
public final class AmbarellaDriver: RecorderDriver {
    private let transport: any USBTransport
    private let endpoints: BulkEndpoints
    private let password: String
    private var loggedIn = false
    private var deviceID: String?

    /// Creates a driver.
    /// - Parameters:
    ///   - password: the device password (`@Gdv` needs it before unlock).
    public init(transport: any USBTransport, password: String, endpoints: BulkEndpoints = BulkEndpoints()) {
        self.transport = transport
        self.endpoints = endpoints
        self.password = password
    }

    public func identify() throws -> DeviceIdentity {
        try login()
        let id = try exchange(AmbarellaCommand.deviceID(password: password)).deviceID()
        deviceID = id
        return DeviceIdentity(serial: id)
    }

    public func readClock() throws -> DeviceDateTime {
        throw DeviceError(
            code: .unsupported,
            message: "Ambarella recorders have no documented command that reads the clock; it is set, not measured")
    }

    public func setClock(_ time: DeviceDateTime) throws {
        try login()
        try expectAnswer(exchange(AmbarellaCommand.setDate(time)), "Sdt")
        try expectAnswer(exchange(AmbarellaCommand.setTime(time)), "Stm")
    }

    public func unlock(password: String) throws -> StorageHandover {
        try login()
        try expectAnswer(exchange(AmbarellaCommand.massStorage(password: password)), "ATH")
        // The disk that appears carries the device id as its volume label.
        return .massStorage(volumeLabel: deviceID)
    }

    /// Sends `@Ver;8;00000000;#` once per session.
    /// - Throws: `DeviceError` from the transport (a `.timeout` is how a recorder that does not speak
    ///   the ASCII protocol shows itself), or `.rejected` when the answer lacks `Ver;OK`.
    func login() throws {
        guard !loggedIn else { return }
        let answer = try exchange(AmbarellaCommand.login)
        guard answer.acceptsLogin else {
            throw DeviceError(
                code: .rejected, message: "Ambarella recorder answered \"\(answer.text)\" to the login @Ver, not Ver;OK"
            )
        }
        loggedIn = true
    }

    private func expectAnswer(_ answer: AmbarellaReply, _ command: String) throws {
        guard answer.names(command) else {
            throw DeviceError.malformed("Ambarella recorder answered \"\(answer.text)\" to @\(command)")
        }
    }

    /// Sends one command and reads its one answer transfer; a refusal is an error.
    private func exchange(_ command: AmbarellaCommand) throws -> AmbarellaReply {
        try transport.bulkWrite(
            endpoint: endpoints.out, data: command.encoded, timeoutMilliseconds: endpoints.timeoutMilliseconds)
        let bytes = try transport.bulkRead(
            endpoint: endpoints.in, maxLength: AmbarellaReply.maximumLength,
            timeoutMilliseconds: endpoints.timeoutMilliseconds)
        let answer = try AmbarellaReply(transfer: bytes)
        guard !answer.isRefusal else {
            if command.carriesPassword {
                throw DeviceError(
                    code: .wrongPassword,
                    message: "Ambarella recorder answered ERROR to @\(command.name), which carries the password; "
                        + "check the device profile's password credential")
            }
            throw DeviceError(
                code: .rejected, message: "Ambarella recorder refused @\(command.name): \"\(answer.text)\"")
        }
        return answer
    }
}

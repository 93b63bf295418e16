/// The driver for JieLi-based (GA/T 947-style) recorders: vendor SCSI commands (`JieLiCommand`) on the
/// recorder's own mass-storage LUN, recognised by its INQUIRY (`DV16 DEVICE V1.00`).
///
/// Each step follows the vendor SDK: initialise, read the 6-byte id code, check the password, read the
/// `ZFY_INFO` identity record; set the clock; check the SD card, then switch to mass storage. After
/// the id-code, device-info and clock commands the SDK reads the return status (sub-command 14), whose
/// first byte is 0 on success; so does this driver.
///
/// The password: the SDK reads it from the camera (sub-command 13, 16 bytes, NUL-terminated) and
/// compares it on the host; the camera itself checks nothing. This driver does the same, so a profile
/// with the wrong password leaves the camera locked, but the password is no protection (see
/// docs/threat-model.md). The password read is never logged or put in a message.
///
/// No SDK command reads the clock: `readClock()` is `.unsupported` and docking flags the clock as not
/// measured.
public final class JieLiDriver: RecorderDriver {
    /// The INQUIRY names (`SCSIInquiry.compactName`) of known JieLi recorders.
    public static let knownInquiryNames: Set<String> = ["dv16devicev1.00"]

    private let transport: any SCSITransport
    private let password: String
    private let timeoutMilliseconds: UInt32
    private var checkedPassword: String?
    /// The manufacturer and model code (`GET_ID_CODE`), once identified.
    public private(set) var idCode: String?

    /// Creates a driver.
    public init(transport: any SCSITransport, password: String, timeoutMilliseconds: UInt32 = 5000) {
        self.transport = transport
        self.password = password
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Checks the LUN's INQUIRY names a known JieLi recorder.
    /// - Throws: `DeviceError.unsupported` naming what it is instead.
    public func checkInquiry() throws {
        let inquiry = try SCSIInquiry(data: transport.execute(.inquiry, timeoutMilliseconds: timeoutMilliseconds))
        guard Self.knownInquiryNames.contains(inquiry.compactName) else {
            throw DeviceError(
                code: .unsupported,
                message: "SCSI unit \"\(inquiry.vendor) \(inquiry.product)\" is not a known JieLi recorder "
                    + "(expected DV16 DEVICE V1.00); check the device profile")
        }
    }

    public func identify() throws -> DeviceIdentity {
        try send(.write(.initialize))
        let code = try send(.read(.getIDCode, length: 6), checkStatus: true)
        idCode = String(decoding: code.prefix { $0 != 0 }.filter { (0x20...0x7E).contains($0) }, as: UTF8.self)
        try checkPassword(password)
        let record = try send(.read(.getDeviceInfo, length: ZFYInfo.length), checkStatus: true)
        return try ZFYInfo(record: record).identity
    }

    public func readClock() throws -> DeviceDateTime {
        throw DeviceError(
            code: .unsupported, message: "the JieLi SDK has no command that reads the clock; it is set, not measured")
    }

    public func setClock(_ time: DeviceDateTime) throws {
        try checkPassword(password)
        try send(.write(.syncTime, data: JieLiClock.encode(time)), checkStatus: true)
    }

    public func unlock(password: String) throws -> StorageHandover {
        try checkPassword(password)
        let card = try send(.read(.getSDStatus, length: 4))
        guard card.first != 0 else {
            throw DeviceError(
                code: .rejected, message: "JieLi recorder reports no SD card; nothing to ingest until one is inserted")
        }
        try send(.write(.setMassStorage))
        return .massStorage(volumeLabel: nil)
    }

    /// Reads the camera's password and compares it with `candidate`, as the SDK does, once per password.
    private func checkPassword(_ candidate: String) throws {
        guard checkedPassword != candidate else { return }
        let stored = try send(.read(.getPassword, length: 16))
        guard stored.prefix(while: { $0 != 0 }).elementsEqual(candidate.utf8) else {
            throw DeviceError(
                code: .wrongPassword,
                message: "JieLi recorder's password differs from the device profile's; check the password credential")
        }
        checkedPassword = candidate
    }

    /// Sends one command; for a read, exactly the asked length must come back.
    @discardableResult
    private func send(_ command: JieLiCommand, checkStatus: Bool = false) throws -> [UInt8] {
        let data = try transport.execute(command.scsi, timeoutMilliseconds: timeoutMilliseconds)
        if case .fromDevice(let length) = command.scsi.direction, data.count != length {
            throw DeviceError.malformed(
                "JieLi recorder answered \(data.count) bytes to sub-command \(command.subCommand.rawValue), not \(length)"
            )
        }
        if checkStatus {
            let status = try transport.execute(
                JieLiCommand.read(.getReturnStatus, length: 4).scsi, timeoutMilliseconds: timeoutMilliseconds)
            guard let first = status.first else {
                throw DeviceError.malformed(
                    "JieLi recorder returned no status after sub-command \(command.subCommand.rawValue)")
            }
            guard first == 0 else {
                throw DeviceError(
                    code: .rejected,
                    message: "JieLi recorder returned status \(first) to sub-command \(command.subCommand.rawValue)")
            }
        }
        return data
    }
}

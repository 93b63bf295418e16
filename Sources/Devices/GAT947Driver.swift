/// The driver for GA/T 947-style recorders: `ZFY_INFO` identity, clock, password-gated unlock, over
/// the framing of `GAT947Frame` (an assumption where the standard is silent; replace this driver when
/// a vendor's framing is known).
public final class GAT947Driver: RecorderDriver {
    private let transport: any USBTransport
    private let endpoints: BulkEndpoints

    enum Command {
        static let identify: UInt8 = 0x01
        static let readClock: UInt8 = 0x02
        static let setClock: UInt8 = 0x03
        static let unlock: UInt8 = 0x04
        static let refusal: UInt8 = 0xFF
    }

    /// Creates a driver.
    public init(transport: any USBTransport, endpoints: BulkEndpoints = BulkEndpoints()) {
        self.transport = transport
        self.endpoints = endpoints
    }

    public func identify() throws -> DeviceIdentity {
        let info = try ZFYInfo(record: exchange(Command.identify, what: "identify"))
        func present(_ text: String) -> String? { text.isEmpty ? nil : text }
        return DeviceIdentity(
            serial: info.productSerial, officerID: present(info.officerID), officerName: present(info.officerName),
            unitNumber: present(info.unitNumber), unitName: present(info.unitName))
    }

    public func readClock() throws -> DeviceDateTime {
        try GAT947Clock.decode(exchange(Command.readClock, what: "read clock"))
    }

    public func setClock(_ time: DeviceDateTime) throws {
        try expectSuccess(exchange(Command.setClock, payload: GAT947Clock.encode(time), what: "set clock"), "set clock")
    }

    public func unlock(password: String) throws -> StorageHandover {
        try expectSuccess(exchange(Command.unlock, payload: Array(password.utf8), what: "unlock"), "unlock")
        return .massStorage(volumeLabel: nil)
    }

    private func expectSuccess(_ payload: [UInt8], _ what: String) throws {
        guard payload == [0] else {
            throw DeviceError.malformed("GA/T 947 recorder answered \(payload.count) bytes, not status 0, to \(what)")
        }
    }

    private func exchange(_ command: UInt8, payload: [UInt8] = [], what: String) throws -> [UInt8] {
        try transport.bulkWrite(
            endpoint: endpoints.out, data: GAT947Frame(command: command, payload: payload).encoded,
            timeoutMilliseconds: endpoints.timeoutMilliseconds)
        let bytes = try FrameReader(transport: transport, endpoints: endpoints).readFrame(
            maximum: GAT947Frame.maximumPayloadLength + GAT947Frame.overhead, what: "GA/T 947 \(what)",
            expectedLength: GAT947Frame.expectedLength(of:))
        let reply = try GAT947Frame.decode(bytes)
        if reply.command == Command.refusal {
            switch reply.payload {
            case [1]:
                throw DeviceError(
                    code: .wrongPassword,
                    message: "GA/T 947 recorder refused the password for \(what); check the device profile's password")
            default:
                throw DeviceError(
                    code: .rejected, message: "GA/T 947 recorder refused \(what) (reason \(reply.payload))")
            }
        }
        guard reply.command == command | 0x80 else {
            throw DeviceError.malformed("GA/T 947 recorder answered command \(reply.command) to \(what)")
        }
        return reply.payload
    }
}

/// The 7-byte clock of the GA/T 947 framing: year (2 bytes, big-endian), month, day, hour, minute, second.
enum GAT947Clock {
    static func encode(_ time: DeviceDateTime) -> [UInt8] {
        [UInt8(time.year >> 8), UInt8(time.year & 0xFF)]
            + [time.month, time.day, time.hour, time.minute, time.second].map { UInt8($0) }
    }

    static func decode(_ bytes: [UInt8]) throws -> DeviceDateTime {
        guard bytes.count == 7 else {
            throw DeviceError.malformed("GA/T 947 clock is \(bytes.count) bytes, not 7")
        }
        return try DeviceDateTime(
            year: Int(bytes[0]) << 8 | Int(bytes[1]), month: Int(bytes[2]), day: Int(bytes[3]), hour: Int(bytes[4]),
            minute: Int(bytes[5]), second: Int(bytes[6]))
    }
}

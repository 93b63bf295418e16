/// One frame of the GA/T 947-style recorder protocol, as Custody models it.
///
/// GA/T 947 fixes the identity record (`ZFY_INFO`) and the clock rule, not the USB framing. Custody
/// assumes, and the simulated recorder implements, a length-prefixed binary frame:
///
/// | bytes | field |
/// |---|---|
/// | 2 | magic `ZF` (0x5A 0x46) |
/// | 1 | command (a reply sets bit 7: 0x81 answers 0x01; 0xFF is a refusal) |
/// | 2 | payload length, big-endian, at most `maximumPayloadLength` |
/// | n | payload |
/// | 1 | checksum: XOR of the command, length and payload bytes |
///
/// Commands: 0x01 identify (reply: the 89-byte `ZFY_INFO`), 0x02 read clock and 0x03 set clock
/// (`GAT947Clock`, 7 bytes), 0x04 unlock to mass storage (payload: the password in ASCII). Set and
/// unlock answer one status byte, 0 for success; a refusal (0xFF) carries 1 byte: 1 wrong password,
/// 2 unknown command, 3 bad argument. The driver is separate so a vendor's real framing can replace
/// this one.
public struct GAT947Frame: Sendable, Hashable {
    /// The largest payload accepted.
    public static let maximumPayloadLength = 512
    /// Header (magic, command, length) plus checksum.
    public static let overhead = 6
    static let magic: [UInt8] = [0x5A, 0x46]

    /// The command or reply code.
    public var command: UInt8
    /// The payload.
    public var payload: [UInt8]

    /// Creates a frame.
    public init(command: UInt8, payload: [UInt8] = []) {
        self.command = command
        self.payload = payload
    }

    /// The frame's bytes on the wire.
    public var encoded: [UInt8] {
        let length = UInt16(payload.count)
        let body = [command, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return Self.magic + body + [body.reduce(0, ^)]
    }

    /// How many bytes the frame starting `prefix` needs in all, once its header is there; nil before.
    /// - Throws: `DeviceError.malformed` on a bad magic or an oversized length.
    public static func expectedLength(of prefix: some Collection<UInt8>) throws -> Int? {
        let prefix = Array(prefix.prefix(5))
        for (index, byte) in prefix.prefix(2).enumerated() where byte != magic[index] {
            throw DeviceError.malformed("GA/T 947 frame does not start with \"ZF\"")
        }
        guard prefix.count == 5 else { return nil }
        let length = Int(prefix[3]) << 8 | Int(prefix[4])
        guard length <= maximumPayloadLength else {
            throw DeviceError(
                code: .tooLarge,
                message: "GA/T 947 frame claims \(length) payload bytes; at most \(maximumPayloadLength) are accepted")
        }
        return length + overhead
    }

    /// Parses exactly one frame.
    /// - Throws: `DeviceError.malformed` (bad magic, length, checksum or trailing bytes), `.tooLarge`.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> GAT947Frame {
        let bytes = Array(bytes)
        guard let total = try expectedLength(of: bytes) else {
            throw DeviceError.malformed("GA/T 947 frame of \(bytes.count) bytes is shorter than its header")
        }
        guard bytes.count == total else {
            throw DeviceError.malformed("GA/T 947 frame should be \(total) bytes but is \(bytes.count)")
        }
        let body = bytes[2..<(total - 1)]
        guard body.reduce(0, ^) == bytes[total - 1] else {
            throw DeviceError.malformed("GA/T 947 frame checksum does not match its contents")
        }
        return GAT947Frame(command: bytes[2], payload: Array(bytes[5..<(total - 1)]))
    }
}

/// The SCSI pipe to one logical unit of a docked device: what the JieLi family's vendor commands go
/// through. The real one is `SGIOTransport` (the kernel's SG_IO); tests use simulated recorders that
/// implement this same protocol. Owned by one task at a time; a call blocks for at most its timeout.
public protocol SCSITransport: AnyObject {
    /// Sends `command` and returns the bytes the device sent (empty unless the data comes from the device).
    /// - Throws: `DeviceError`: `.rejected` for a CHECK CONDITION (naming the sense key), `.disconnected`
    ///   when the device is gone, `.timeout`, `.unavailable` when the kernel refuses the command
    ///   (vendor commands need `CAP_SYS_RAWIO`), `.io` otherwise.
    func execute(_ command: SCSICommand, timeoutMilliseconds: UInt32) throws -> [UInt8]
}

/// One SCSI command: its command descriptor block and which way its data moves.
public struct SCSICommand: Sendable, Hashable {
    /// Which way a command's data moves.
    public enum Direction: Sendable, Hashable {
        /// No data phase.
        case none
        /// The device sends up to this many bytes.
        case fromDevice(length: Int)
        /// The host sends these bytes.
        case toDevice([UInt8])
    }

    /// The command descriptor block (6 to 16 bytes).
    public var cdb: [UInt8]
    /// The data phase.
    public var direction: Direction

    /// Creates a command.
    public init(cdb: [UInt8], direction: Direction) {
        self.cdb = cdb
        self.direction = direction
    }

    /// INQUIRY (0x12) for the standard 36 bytes.
    public static let inquiry = SCSICommand(cdb: [0x12, 0, 0, 0, 36, 0], direction: .fromDevice(length: 36))
}

/// The identification part of a standard INQUIRY answer: how a recorder's own LUN is recognised.
public struct SCSIInquiry: Sendable, Hashable {
    /// T10 vendor (bytes 8–15), trailing spaces removed.
    public var vendor: String
    /// Product (bytes 16–31), trailing spaces removed.
    public var product: String
    /// Revision (bytes 32–35), trailing spaces removed.
    public var revision: String

    /// Parses an INQUIRY answer.
    /// - Throws: `DeviceError.malformed` when it is shorter than 36 bytes or the strings are not ASCII.
    public init(data: [UInt8]) throws {
        guard data.count >= 36 else {
            throw DeviceError.malformed("SCSI INQUIRY answer is \(data.count) bytes, fewer than the standard 36")
        }
        func text(_ range: Range<Int>) throws -> String {
            var bytes = Array(data[range])
            while let last = bytes.last, last == 0x20 || last == 0 { bytes.removeLast() }
            guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                throw DeviceError.malformed("SCSI INQUIRY identification holds bytes that are not printable ASCII")
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        vendor = try text(8..<16)
        product = try text(16..<32)
        revision = try text(32..<36)
    }

    /// Vendor then product, lower-cased and without spaces: how the JieLi SDK compares them
    /// (`"DV16" + "DEVICE V1.00"` is `dv16devicev1.00`, however the 8 + 16 bytes split them).
    public var compactName: String {
        (vendor + product).lowercased().filter { $0 != " " }
    }
}

/// One PTP/MTP USB container (PTP over USB, "Still Image Capture Device" class, §D.7.1): a 12-byte
/// little-endian header — length (4), type (2), code (2), transaction id (4) — then the payload.
///
/// Command and response containers carry up to five 32-bit parameters; data containers carry the data
/// phase, which `PTPSession` streams rather than holding here.
public struct PTPContainer: Sendable, Hashable {
    /// The header's size in bytes.
    public static let headerLength = 12
    /// Commands and responses carry at most five parameters.
    public static let maximumParameters = 5

    /// What a container is.
    public enum Kind: UInt16, Sendable {
        case command = 1, data = 2, response = 3, event = 4
    }

    /// The container type.
    public var kind: Kind
    /// The operation, response or event code (e.g. 0x1002 OpenSession, 0x2001 OK).
    public var code: UInt16
    /// The transaction the container belongs to.
    public var transactionID: UInt32
    /// The payload: parameters for commands, responses and events; data for data containers.
    public var payload: [UInt8]

    /// Creates a container.
    public init(kind: Kind, code: UInt16, transactionID: UInt32, payload: [UInt8] = []) {
        self.kind = kind
        self.code = code
        self.transactionID = transactionID
        self.payload = payload
    }

    /// Creates a command or response with 32-bit parameters.
    public init(kind: Kind, code: UInt16, transactionID: UInt32, parameters: [UInt32]) {
        self.init(
            kind: kind, code: code, transactionID: transactionID, payload: parameters.flatMap(\.littleEndianBytes))
    }

    /// The payload read as 32-bit parameters.
    /// - Throws: `DeviceError.malformed` when it is not a whole number of at most five parameters.
    public func parameters() throws -> [UInt32] {
        guard payload.count % 4 == 0, payload.count / 4 <= Self.maximumParameters else {
            throw DeviceError.malformed(
                "PTP container 0x\(String(code, radix: 16)) carries \(payload.count) parameter bytes, "
                    + "not up to five 32-bit parameters")
        }
        return stride(from: 0, to: payload.count, by: 4).map { PTPReader.uint32(payload, at: $0) }
    }

    /// The container's bytes on the wire.
    public var encoded: [UInt8] {
        UInt32(Self.headerLength + payload.count).littleEndianBytes + kind.rawValue.littleEndianBytes
            + code.littleEndianBytes + transactionID.littleEndianBytes + payload
    }

    /// The header of a container: what a first transfer says about the whole.
    public struct Header: Sendable, Hashable {
        /// The container's total length including the header; 0xFFFFFFFF for data phases over 4 GiB.
        public var length: UInt32
        public var kind: Kind
        public var code: UInt16
        public var transactionID: UInt32
    }

    /// Parses a header from the first 12 bytes.
    /// - Throws: `DeviceError.malformed` when there are fewer than 12 bytes, the type is unknown, or the
    ///   length is smaller than the header.
    public static func header(_ bytes: some Collection<UInt8>) throws -> Header {
        let bytes = Array(bytes.prefix(headerLength))
        guard bytes.count == headerLength else {
            throw DeviceError.malformed("PTP container of \(bytes.count) bytes is shorter than its 12-byte header")
        }
        let length = PTPReader.uint32(bytes, at: 0)
        guard let kind = Kind(rawValue: PTPReader.uint16(bytes, at: 4)) else {
            throw DeviceError.malformed("PTP container type \(PTPReader.uint16(bytes, at: 4)) is not 1–4")
        }
        guard length >= UInt32(headerLength) else {
            throw DeviceError.malformed("PTP container length \(length) is smaller than its header")
        }
        return Header(
            length: length, kind: kind, code: PTPReader.uint16(bytes, at: 6),
            transactionID: PTPReader.uint32(bytes, at: 8))
    }

    /// Parses one whole container (a command, response or event; or a small data phase).
    /// - Throws: `DeviceError.malformed` when the bytes are not exactly the container the header
    ///   describes, or `maximumLength` is exceeded (`.tooLarge`).
    public static func decode(_ bytes: some Collection<UInt8>, maximumLength: Int = 1 << 20) throws -> PTPContainer {
        let bytes = Array(bytes)
        let header = try header(bytes)
        guard Int(header.length) <= maximumLength else {
            throw DeviceError(
                code: .tooLarge,
                message: "PTP container claims \(header.length) bytes; at most \(maximumLength) accepted")
        }
        guard bytes.count == Int(header.length) else {
            throw DeviceError.malformed("PTP container says \(header.length) bytes but \(bytes.count) arrived")
        }
        return PTPContainer(
            kind: header.kind, code: header.code, transactionID: header.transactionID,
            payload: Array(bytes[headerLength...]))
    }
}

/// Little-endian field reads over untrusted bytes; callers check bounds first (`PTPDataReader` does).
enum PTPReader {
    static func uint16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }
}

extension FixedWidthInteger {
    var littleEndianBytes: [UInt8] {
        (0..<(Self.bitWidth / 8)).map { UInt8(truncatingIfNeeded: self >> (8 * $0)) }
    }
}

import CustodyCore
import EvidenceCrypto
import SystemPackage

/// The 64-byte header at the start of every object file (docs/store-format.md §4).
///
/// It is the associated data of every segment, so it cannot change without every segment failing.
public struct ObjectHeader: Equatable, Sendable {
    /// Header length in bytes.
    public static let length = 64
    /// Segment size used for new objects: 1 MiB.
    public static let defaultSegmentSize = 1 << 20
    /// Smallest and largest segment sizes a reader accepts.
    public static let segmentSizeRange = (1 << 12)...(1 << 26)
    static let magic = Array("CSTDYOBJ".utf8)
    static let version: UInt16 = 1
    static let suite: UInt16 = 1
    static let noncePrefixLength = 7

    /// Plaintext bytes per segment.
    public var segmentSize: Int
    /// Plaintext length of the whole item.
    public var plaintextLength: Int64
    /// The item this object belongs to.
    public var itemID: EvidenceID
    /// Random per-object nonce prefix.
    public var noncePrefix: [UInt8]

    /// Creates a header.
    public init(segmentSize: Int, plaintextLength: Int64, itemID: EvidenceID, noncePrefix: [UInt8]) {
        precondition(Self.segmentSizeRange.contains(segmentSize) && segmentSize.nonzeroBitCount == 1)
        precondition(noncePrefix.count == Self.noncePrefixLength && plaintextLength >= 0)
        self.segmentSize = segmentSize
        self.plaintextLength = plaintextLength
        self.itemID = itemID
        self.noncePrefix = noncePrefix
    }

    /// Number of segments: at least one, so an empty item still has an authenticated final segment.
    public var segmentCount: Int64 {
        max(1, (plaintextLength + Int64(segmentSize) - 1) / Int64(segmentSize))
    }

    /// Exact size of the object file.
    public var objectLength: Int64 {
        Int64(Self.length) + plaintextLength + Int64(AESGCM.tagLength) * segmentCount
    }

    /// Byte offset of segment `index` in the object file.
    public func offset(ofSegment index: Int64) -> Int64 {
        Int64(Self.length) + index * Int64(segmentSize + AESGCM.tagLength)
    }

    /// Plaintext length of segment `index`.
    public func plaintextLength(ofSegment index: Int64) -> Int {
        Int(min(Int64(segmentSize), plaintextLength - index * Int64(segmentSize)))
    }

    /// The 12-byte nonce of segment `index`: prefix, index, last-segment flag.
    public func nonce(forSegment index: Int64) -> [UInt8] {
        precondition(index >= 0 && index < segmentCount && index <= Int64(UInt32.max))
        let value = UInt32(index)
        return noncePrefix + [
            UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff),
        ]
            + [index == segmentCount - 1 ? 1 : 0]
    }

    /// The encoded 64 bytes.
    public var encoded: [UInt8] {
        var out = Self.magic
        out += bigEndianBytes(Self.version)
        out += bigEndianBytes(Self.suite)
        out += bigEndianBytes(UInt32(segmentSize))
        out += bigEndianBytes(UInt64(plaintextLength))
        out += itemID.bytes
        out += noncePrefix
        out += [UInt8](repeating: 0, count: Self.length - out.count)
        return out
    }

    /// Parses and validates a header.
    /// - Throws: `StoreError.corruptObject` naming the field that is wrong.
    public init(decoding bytes: [UInt8], objectName: String) throws {
        func corrupt(_ why: String) -> StoreError {
            StoreError(code: .corruptObject, message: "object \(objectName): \(why)")
        }
        guard bytes.count == Self.length else { throw corrupt("header is truncated") }
        guard Array(bytes[0..<8]) == Self.magic else { throw corrupt("not a Custody object (bad magic)") }
        let version = readBigEndian(bytes, at: 8, as: UInt16.self)
        guard version == Self.version else { throw corrupt("format version \(version) is not supported") }
        let suite = readBigEndian(bytes, at: 10, as: UInt16.self)
        guard suite == Self.suite else { throw corrupt("cipher suite \(suite) is not supported") }
        let segmentSize = Int(readBigEndian(bytes, at: 12, as: UInt32.self))
        guard Self.segmentSizeRange.contains(segmentSize), segmentSize.nonzeroBitCount == 1 else {
            throw corrupt("segment size \(segmentSize) is out of range")
        }
        let length = readBigEndian(bytes, at: 16, as: UInt64.self)
        guard length <= UInt64(Int64.max / 2) else { throw corrupt("plaintext length \(length) is absurd") }
        guard bytes[47..<64].allSatisfy({ $0 == 0 }) else { throw corrupt("reserved header bytes are not zero") }
        self.init(
            segmentSize: segmentSize, plaintextLength: Int64(length),
            itemID: EvidenceID(bytes: bytes[24..<40])!, noncePrefix: Array(bytes[40..<47]))
    }
}

private func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

private func readBigEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
    var value: T = 0
    for byte in bytes[offset..<offset + MemoryLayout<T>.size] { value = value << 8 | T(byte) }
    return value
}

extension ObjectHeader {
    /// Reads the header of an open object file and checks it in the order docs/store-format.md §4
    /// gives: format fields, file size against the header, item id, and the plaintext length when the
    /// catalog's is known.
    /// - Throws: `StoreError.corruptObject` naming the object and what is wrong; `.io` on a read error.
    static func read(
        from fd: FileDescriptor, path: FilePath, id: EvidenceID, expectedLength: Int64?
    ) throws -> (header: ObjectHeader, bytes: [UInt8]) {
        var bytes = [UInt8](repeating: 0, count: length)
        let got: Int
        do {
            got = try bytes.withUnsafeMutableBytes { try fd.read(fromAbsoluteOffset: 0, into: $0) }
        } catch {
            throw StoreError(code: .io, message: "reading object \(path) failed", cause: error as? Errno)
        }
        let header = try ObjectHeader(decoding: Array(bytes.prefix(got)), objectName: path.string)
        let fileSize = try Syscalls.fileSize(fd)
        guard fileSize == header.objectLength else {
            throw StoreError(
                code: .corruptObject,
                message:
                    "object \(path) of item \(id) is \(fileSize) bytes but its header implies \(header.objectLength): truncated or extended"
            )
        }
        guard header.itemID == id else {
            throw StoreError(
                code: .corruptObject, message: "object \(path) belongs to item \(header.itemID), not to item \(id)")
        }
        if let expectedLength, header.plaintextLength != expectedLength {
            throw StoreError(
                code: .corruptObject,
                message:
                    "object \(path) of item \(id) holds \(header.plaintextLength) bytes, not the \(expectedLength) recorded"
            )
        }
        return (header, bytes)
    }
}

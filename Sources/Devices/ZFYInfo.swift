/// The GA/T 947 identity record `ZFY_INFO`: who the recorder is and who carries it.
///
/// 89 bytes of GBK text in fixed fields, each padded with NUL or spaces: product serial (7), officer id
/// (6), officer name (32), unit number (12), unit name (32).
public struct ZFYInfo: Sendable, Hashable {
    /// The record's size in bytes.
    public static let length = 89

    /// The recorder's product serial number.
    public var productSerial: String
    /// The officer's police number.
    public var officerID: String
    /// The officer's name.
    public var officerName: String
    /// The unit's number.
    public var unitNumber: String
    /// The unit's name.
    public var unitName: String

    /// Creates a record.
    public init(productSerial: String, officerID: String, officerName: String, unitNumber: String, unitName: String) {
        self.productSerial = productSerial
        self.officerID = officerID
        self.officerName = officerName
        self.unitNumber = unitNumber
        self.unitName = unitName
    }

    static let fields: [(name: String, width: Int)] = [
        ("product serial", 7), ("officer id", 6), ("officer name", 32), ("unit number", 12), ("unit name", 32),
    ]

    /// Parses the 89-byte record.
    /// - Throws: `DeviceError.malformed` naming the field when the length is wrong, a field is not GBK,
    ///   or it holds control characters; the serial must not be empty.
    public init(record: some Collection<UInt8>) throws {
        let record = Array(record)
        guard record.count == Self.length else {
            throw DeviceError.malformed("ZFY_INFO record is \(record.count) bytes; GA/T 947 fixes it at 89")
        }
        var values: [String] = []
        var offset = 0
        for field in Self.fields {
            var bytes = Array(record[offset..<(offset + field.width)])
            offset += field.width
            if let end = bytes.firstIndex(of: 0) {
                guard bytes[end...].allSatisfy({ $0 == 0 }) else {
                    throw DeviceError.malformed("ZFY_INFO \(field.name) has bytes after its NUL padding")
                }
                bytes = Array(bytes[..<end])
            }
            while bytes.last == 0x20 { bytes.removeLast() }
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw DeviceError.malformed("ZFY_INFO \(field.name) holds control characters")
            }
            values.append(try GBK.decode(bytes, field: "ZFY_INFO \(field.name)"))
        }
        guard !values[0].isEmpty else { throw DeviceError.malformed("ZFY_INFO product serial is empty") }
        self.init(
            productSerial: values[0], officerID: values[1], officerName: values[2], unitNumber: values[3],
            unitName: values[4])
    }
}

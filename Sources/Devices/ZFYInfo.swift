/// The GA/T 947 identity record `ZFY_INFO`: who the recorder is and who carries it.
///
/// GBK text in five fixed fields: product serial, officer id, officer name, unit number, unit name.
/// Vendors' SDKs lay it out two ways, and both are read:
/// - `compact`, 89 bytes (7/6/32/12/32), no terminators: a field may fill its width
///   (`jjzqp/gitskills`, `USBJL.h`, under `#pragma pack(1)`);
/// - `terminated`, 94 bytes (8/7/33/13/33): each field one byte wider for its NUL terminator, which
///   must be there.
/// Short values are padded with NUL (or spaces, which are trimmed).
public struct ZFYInfo: Sendable, Hashable {
    /// The two layouts of the record.
    public enum Layout: Sendable, Hashable, CaseIterable {
        /// 89 bytes, 7/6/32/12/32, no terminators.
        case compact
        /// 94 bytes, 8/7/33/13/33, one NUL terminator per field.
        case terminated

        /// The widths of the fields, in record order.
        public var widths: [Int] { self == .compact ? [7, 6, 32, 12, 32] : [8, 7, 33, 13, 33] }
        /// The record's size in bytes.
        public var length: Int { widths.reduce(0, +) }
    }

    /// The size of the compact record, the one the JieLi SDK reads.
    public static let length = Layout.compact.length

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

    static let fieldNames = ["product serial", "officer id", "officer name", "unit number", "unit name"]

    /// Parses a record of either layout, told apart by its length (89 or 94 bytes).
    /// - Throws: `DeviceError.malformed` naming the field when the length is neither, a terminated
    ///   field lacks its NUL, a field has bytes after its padding, is not GBK, or holds control
    ///   characters; the serial must not be empty.
    public init(record: some Collection<UInt8>) throws {
        let record = Array(record)
        guard let layout = Layout.allCases.first(where: { $0.length == record.count }) else {
            throw DeviceError.malformed(
                "ZFY_INFO record is \(record.count) bytes; GA/T 947 records are 89 (compact) or 94 (terminated)")
        }
        var values: [String] = []
        var offset = 0
        for (name, width) in zip(Self.fieldNames, layout.widths) {
            var bytes = Array(record[offset..<(offset + width)])
            offset += width
            if layout == .terminated, bytes.last != 0 {
                throw DeviceError.malformed("ZFY_INFO \(name) has no NUL terminator in its \(width) bytes")
            }
            if let end = bytes.firstIndex(of: 0) {
                guard bytes[end...].allSatisfy({ $0 == 0 }) else {
                    throw DeviceError.malformed("ZFY_INFO \(name) has bytes after its NUL padding")
                }
                bytes = Array(bytes[..<end])
            }
            while bytes.last == 0x20 { bytes.removeLast() }
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw DeviceError.malformed("ZFY_INFO \(name) holds control characters")
            }
            values.append(try GBK.decode(bytes, field: "ZFY_INFO \(name)"))
        }
        guard !values[0].isEmpty else { throw DeviceError.malformed("ZFY_INFO product serial is empty") }
        self.init(
            productSerial: values[0], officerID: values[1], officerName: values[2], unitNumber: values[3],
            unitName: values[4])
    }

    /// The identity a driver reports: the serial, and every field that is not empty.
    public var identity: DeviceIdentity {
        func present(_ text: String) -> String? { text.isEmpty ? nil : text }
        return DeviceIdentity(
            serial: productSerial, officerID: present(officerID), officerName: present(officerName),
            unitNumber: present(unitNumber), unitName: present(unitName))
    }
}

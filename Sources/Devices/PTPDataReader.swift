/// A bounds-checked cursor over a PTP dataset (DeviceInfo, ObjectInfo, arrays): every read past the
/// end, every oversized count, every bad string is a `DeviceError.malformed` naming the dataset.
public struct PTPDataReader {
    private let bytes: [UInt8]
    private let dataset: String
    /// Where the next read starts.
    public private(set) var offset = 0

    /// Creates a reader over `bytes` of the dataset named `dataset`.
    public init(_ bytes: [UInt8], dataset: String) {
        self.bytes = bytes
        self.dataset = dataset
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int, _ field: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw DeviceError.malformed("PTP \(dataset) ends inside \(field) (offset \(offset) of \(bytes.count))")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// Reads an unsigned 8-bit field.
    public mutating func uint8(_ field: String) throws -> UInt8 { try take(1, field).first! }

    /// Reads a little-endian 16-bit field.
    public mutating func uint16(_ field: String) throws -> UInt16 {
        let slice = try take(2, field)
        return PTPReader.uint16(Array(slice), at: 0)
    }

    /// Reads a little-endian 32-bit field.
    public mutating func uint32(_ field: String) throws -> UInt32 {
        let slice = try take(4, field)
        return PTPReader.uint32(Array(slice), at: 0)
    }

    /// Reads a little-endian 64-bit field.
    public mutating func uint64(_ field: String) throws -> UInt64 {
        let low = UInt64(try uint32(field))
        return low | UInt64(try uint32(field)) << 32
    }

    /// Reads a PTP array of `elementSize`-byte elements: a 32-bit count, then the elements. The count
    /// is checked against the bytes actually present before anything is allocated.
    public mutating func array<T>(_ field: String, elementSize: Int, _ element: (inout PTPDataReader) throws -> T)
        throws -> [T]
    {
        let count = Int(try uint32("\(field) count"))
        guard count <= remaining / elementSize else {
            throw DeviceError.malformed(
                "PTP \(dataset) claims \(count) \(field) but has room for \(remaining / elementSize)")
        }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try element(&self)) }
        return values
    }

    /// Reads a PTP string: a count of UTF-16 code units (including the terminating NUL, 0 for an empty
    /// string), then the code units, little-endian.
    public mutating func string(_ field: String) throws -> String {
        let count = Int(try uint8("\(field) length"))
        guard count > 0 else { return "" }
        let raw = try take(count * 2, field)
        let units = stride(from: raw.startIndex, to: raw.endIndex, by: 2).map {
            UInt16(raw[$0]) | UInt16(raw[$0 + 1]) << 8
        }
        guard units.last == 0 else { throw DeviceError.malformed("PTP \(dataset) \(field) is not NUL-terminated") }
        var text = ""
        for scalar in UTF16.decode(Array(units.dropLast())) {
            guard let scalar else { throw DeviceError.malformed("PTP \(dataset) \(field) is not valid UTF-16") }
            guard scalar.value >= 0x20, scalar.value != 0x7F else {
                throw DeviceError.malformed("PTP \(dataset) \(field) holds control characters")
            }
            text.unicodeScalars.append(scalar)
        }
        return text
    }
}

extension UTF16 {
    /// Decodes code units, nil for each ill-formed sequence.
    fileprivate static func decode(_ units: [UInt16]) -> [Unicode.Scalar?] {
        var iterator = units.makeIterator()
        var decoder = UTF16()
        var scalars: [Unicode.Scalar?] = []
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break loop
            case .error: scalars.append(nil)
            }
        }
        return scalars
    }
}

import Foundation

/// A small, bounded reader of the EXIF block of a JPEG: the fields reviewers need (camera, original
/// time, GPS) and the image size. Every offset and count is checked against the block; IFDs are
/// followed at most once each, so a hostile file cannot make it loop or allocate without limit.
struct ExifReader {
    /// What was found.
    struct Result: Equatable {
        var fields: [String: String] = [:]
        var width: Int?
        var height: Int?
        var gps: MediaMetadataLocation?
        var gpsRaw: String?
    }

    /// How many bytes of a JPEG's start are examined: EXIF must sit in APP1, before the image data.
    static let headLength = 256 << 10

    /// Reads the JPEG markers in `head` (the start of the file).
    static func read(jpeg head: [UInt8]) -> Result? {
        guard head.count >= 4, head[0] == 0xff, head[1] == 0xd8 else { return nil }
        var result = Result()
        var offset = 2
        while offset + 4 <= head.count {
            guard head[offset] == 0xff else { break }
            let marker = head[offset + 1]
            if marker == 0xff {
                offset += 1
                continue
            }
            if marker == 0xd9 || marker == 0xda { break }  // end of image / start of scan: no more headers
            let length = Int(head[offset + 2]) << 8 | Int(head[offset + 3])
            guard length >= 2, offset + 2 + length <= head.count else { break }
            let segment = Array(head[(offset + 4)..<(offset + 2 + length)])
            switch marker {
            case 0xe1 where segment.starts(with: Array("Exif\0\0".utf8)):
                readTIFF(Array(segment.dropFirst(6)), into: &result)
            case 0xc0...0xc3, 0xc5...0xc7, 0xc9...0xcb, 0xcd...0xcf:
                if segment.count >= 5 {
                    result.height = Int(segment[1]) << 8 | Int(segment[2])
                    result.width = Int(segment[3]) << 8 | Int(segment[4])
                }
            default: break
            }
            offset += 2 + length
        }
        return result
    }

    private static let names: [UInt16: String] = [
        0x010f: "Make", 0x0110: "Model", 0x0131: "Software", 0x0132: "DateTime", 0x9003: "DateTimeOriginal",
        0x9004: "DateTimeDigitized", 0x9010: "OffsetTime", 0x9011: "OffsetTimeOriginal", 0xa002: "PixelXDimension",
        0xa003: "PixelYDimension", 0x0001: "GPSLatitudeRef", 0x0002: "GPSLatitude", 0x0003: "GPSLongitudeRef",
        0x0004: "GPSLongitude", 0x0005: "GPSAltitudeRef", 0x0006: "GPSAltitude",
    ]

    private static func readTIFF(_ tiff: [UInt8], into result: inout Result) {
        guard tiff.count >= 8 else { return }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4d, 0x4d): little = false
        default: return
        }
        let reader = TIFFBytes(bytes: tiff, little: little)
        guard reader.u16(2) == 42, let first = reader.u32(4) else { return }
        var gpsFields: [String: String] = [:]
        var visited = Set<Int>()
        var pending: [(offset: Int, isGPS: Bool)] = [(Int(first), false)]
        while let (offset, isGPS) = pending.popLast() {
            guard visited.insert(offset).inserted, visited.count <= 4, let count = reader.u16(offset), count <= 512
            else { continue }
            for index in 0..<Int(count) {
                let entry = offset + 2 + index * 12
                guard let tag = reader.u16(entry), let type = reader.u16(entry + 2), let n = reader.u32(entry + 4)
                else {
                    break
                }
                if !isGPS, tag == 0x8769 || tag == 0x8825, let pointer = reader.u32(entry + 8) {
                    pending.append((Int(pointer), tag == 0x8825))
                    continue
                }
                guard let name = names[tag], let value = reader.value(type: type, count: Int(n), entry: entry) else {
                    continue
                }
                if isGPS { gpsFields[name] = value } else if tag > 0x0010 { result.fields[name] = value }
            }
        }
        for (name, value) in gpsFields { result.fields[name] = value }
        if let width = result.fields["PixelXDimension"].flatMap(Int.init) { result.width = result.width ?? width }
        if let height = result.fields["PixelYDimension"].flatMap(Int.init) { result.height = result.height ?? height }
        result.gps = gps(gpsFields)
        if result.gps != nil {
            result.gpsRaw = [
                "GPSLatitudeRef", "GPSLatitude", "GPSLongitudeRef", "GPSLongitude", "GPSAltitudeRef", "GPSAltitude",
            ]
            .compactMap { key in gpsFields[key].map { "\(key)=\($0)" } }.joined(separator: "; ")
        }
    }

    private static func gps(_ fields: [String: String]) -> MediaMetadataLocation? {
        func degrees(_ text: String?) -> Double? {
            guard let parts = text?.split(separator: " ").compactMap({ Double($0) }), parts.count == 3 else {
                return nil
            }
            return parts[0] + parts[1] / 60 + parts[2] / 3600
        }
        guard var latitude = degrees(fields["GPSLatitude"]), var longitude = degrees(fields["GPSLongitude"]) else {
            return nil
        }
        if fields["GPSLatitudeRef"]?.uppercased() == "S" { latitude = -latitude }
        if fields["GPSLongitudeRef"]?.uppercased() == "W" { longitude = -longitude }
        guard (-90...90).contains(latitude), (-180...180).contains(longitude) else { return nil }
        var altitude = fields["GPSAltitude"].flatMap(Double.init)
        if fields["GPSAltitudeRef"] == "1", let value = altitude { altitude = -value }
        return MediaMetadataLocation(latitude: latitude, longitude: longitude, altitude: altitude)
    }
}

/// Bounds-checked integer and value reads from a TIFF block.
private struct TIFFBytes {
    let bytes: [UInt8]
    let little: Bool

    func u16(_ offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        let a = UInt16(bytes[offset])
        let b = UInt16(bytes[offset + 1])
        return little ? b << 8 | a : a << 8 | b
    }

    func u32(_ offset: Int) -> UInt32? {
        guard let first = u16(offset), let second = u16(offset + 2) else { return nil }
        return little ? UInt32(second) << 16 | UInt32(first) : UInt32(first) << 16 | UInt32(second)
    }

    /// The value of an entry as text: ASCII as is, numbers in decimal, rationals as decimals.
    func value(type: UInt16, count: Int, entry: Int) -> String? {
        let size: Int
        switch type {
        case 1, 2, 7: size = 1
        case 3: size = 2
        case 4, 9: size = 4
        case 5, 10: size = 8
        default: return nil
        }
        guard count > 0, count <= 4096 else { return nil }
        let total = size * count
        let start = total <= 4 ? entry + 8 : (u32(entry + 8).map(Int.init) ?? -1)
        guard start >= 0, start + total <= bytes.count else { return nil }
        switch type {
        case 2:
            let text = bytes[start..<start + total].prefix { $0 != 0 }
            return String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        case 1, 7: return count == 1 ? "\(bytes[start])" : nil
        case 3: return (0..<count).compactMap { u16(start + $0 * 2).map { "\($0)" } }.joined(separator: " ")
        case 4: return (0..<count).compactMap { u32(start + $0 * 4).map { "\($0)" } }.joined(separator: " ")
        case 9:
            return (0..<count).compactMap { u32(start + $0 * 4).map { "\(Int32(bitPattern: $0))" } }.joined(
                separator: " ")
        default:
            return (0..<count).compactMap { index -> String? in
                guard let numerator = u32(start + index * 8), let denominator = u32(start + index * 8 + 4),
                    denominator != 0
                else { return nil }
                let value =
                    type == 10
                    ? Double(Int32(bitPattern: numerator)) / Double(Int32(bitPattern: denominator))
                    : Double(numerator) / Double(denominator)
                return "\(value)"
            }.joined(separator: " ")
        }
    }
}

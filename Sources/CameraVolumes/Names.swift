/// File names as FAT and exFAT store them, turned into the UTF-8 bytes of a path component.
enum Names {
    /// UTF-16 code units to UTF-8; an unpaired surrogate is kept as its 3-byte (WTF-8) form, so no name
    /// is lost or merged with another (`RawPath.displayString` shows those bytes escaped).
    static func utf8(fromUTF16 units: [UInt16]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(units.count * 3)
        var index = 0
        while index < units.count {
            var scalar = UInt32(units[index])
            index += 1
            if (0xd800...0xdbff).contains(scalar), index < units.count, (0xdc00...0xdfff).contains(units[index]) {
                scalar = 0x10000 + ((scalar - 0xd800) << 10) + (UInt32(units[index]) - 0xdc00)
                index += 1
            }
            append(scalar, to: &out)
        }
        return out
    }

    static func append(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out += [UInt8(0xc0 | scalar >> 6), UInt8(0x80 | scalar & 0x3f)]
        case 0x800..<0x10000:
            out += [UInt8(0xe0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3f), UInt8(0x80 | scalar & 0x3f)]
        default:
            out += [
                UInt8(0xf0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3f), UInt8(0x80 | scalar >> 6 & 0x3f),
                UInt8(0x80 | scalar & 0x3f),
            ]
        }
    }

    /// An 8.3 name from its 11 bytes, with the Windows NT lower-case flags (byte 12 of the entry), OEM
    /// bytes decoded as code page 437 (the mtools and Linux default).
    static func shortName(_ raw: ArraySlice<UInt8>, caseFlags: UInt8) -> [UInt8] {
        var bytes = Array(raw)
        if bytes[0] == 0x05 { bytes[0] = 0xe5 }
        func part(_ slice: ArraySlice<UInt8>, lower: Bool) -> [UInt8] {
            var out: [UInt8] = []
            for byte in slice.reversed().drop(while: { $0 == 0x20 }).reversed() {
                if byte >= 0x80 {
                    append(cp437[Int(byte) - 0x80].unicodeScalars.first!.value, to: &out)
                } else if lower, (0x41...0x5a).contains(byte) {
                    out.append(byte + 0x20)
                } else {
                    out.append(byte)
                }
            }
            return out
        }
        let base = part(bytes[0..<8], lower: caseFlags & 0x08 != 0)
        let ext = part(bytes[8..<11], lower: caseFlags & 0x10 != 0)
        return ext.isEmpty ? base : base + [0x2e] + ext
    }

    /// Why a name cannot be a path component, or nil when it can: a name with `/` or NUL, or one that
    /// is `.` or `..`, would make a path that means something else.
    static func problem(with name: [UInt8]) -> String? {
        if name.isEmpty { return "an empty name" }
        if name == [0x2e] || name == [0x2e, 0x2e] { return "a name that is `.` or `..`" }
        if name.contains(0x2f) { return "a name containing `/`" }
        if name.contains(0) { return "a name containing NUL" }
        return nil
    }

    /// Code page 437, bytes 0x80...0xFF.
    static let cp437: [Character] = Array(
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00a0}"
    )
}

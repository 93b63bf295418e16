/// One frame of the Ambarella-style ASCII command protocol: `@Cmd;<length>;<argument>;#`.
///
/// Public descriptions of these recorders give the commands (`@Ver;8;00000000;#`, `@Gdv;8;<pwd>;#`,
/// `@Sdt`, `@Stm`, `@ATH;8;<pwd>;#`) but not the answers. Where they are silent Custody assumes, and
/// the simulated recorder implements:
/// - every frame, in either direction, is `@`, a three-letter command name, `;`, the argument's
///   length in decimal ASCII, `;`, the argument (printable ASCII without `;` or `#`), `;#`;
/// - the device answers with a frame of the same name; a refusal is a frame named `Err` whose
///   argument says why (`PWD` for a wrong password);
/// - `@Gdt`/`@Gtm` (no argument) read the date (`YYYYMMDD`) and time (`HHMMSS`); `@Sdt`/`@Stm` set them
///   and answer `OK`; `@Gdv` answers the device id, optionally followed by `,` and the officer id.
public struct AmbarellaFrame: Sendable, Hashable, CustomStringConvertible {
    /// The longest argument accepted, in bytes; anything longer is a malformed frame.
    public static let maximumArgumentLength = 64
    /// The longest encoded frame: `@Cmd;64;` + 64 bytes + `;#`.
    public static let maximumFrameLength = 8 + maximumArgumentLength + 2

    /// The three-letter command name (`Ver`, `Gdv`, `Err`).
    public var command: String
    /// The argument (a password, a date, a device id); may be empty.
    public var argument: String

    /// Creates a frame.
    /// - Throws: `DeviceError.malformed` when the name is not three letters or digits, or the argument
    ///   is too long or holds a byte the framing cannot carry.
    public init(command: String, argument: String = "") throws {
        guard command.utf8.count == 3, command.utf8.allSatisfy(Self.isNameByte) else {
            throw DeviceError.malformed("Ambarella command name \"\(command)\" is not three letters or digits")
        }
        guard argument.utf8.count <= Self.maximumArgumentLength else {
            throw DeviceError.malformed(
                "Ambarella argument of \(argument.utf8.count) bytes exceeds \(Self.maximumArgumentLength)")
        }
        guard argument.utf8.allSatisfy(Self.isArgumentByte) else {
            throw DeviceError.malformed("Ambarella argument for \(command) holds a byte the framing cannot carry")
        }
        self.command = command
        self.argument = argument
    }

    /// The frame's bytes on the wire.
    public var encoded: [UInt8] { Array("@\(command);\(argument.utf8.count);\(argument);#".utf8) }

    public var description: String { "@\(command);\(argument.utf8.count);\(argument);#" }

    /// Parses exactly one frame; every deviation is an error naming it.
    /// - Throws: `DeviceError.malformed`.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> AmbarellaFrame {
        let bytes = Array(bytes)
        guard bytes.count <= maximumFrameLength else {
            throw DeviceError.malformed("Ambarella frame of \(bytes.count) bytes exceeds \(maximumFrameLength)")
        }
        guard bytes.count >= 9, bytes.first == UInt8(ascii: "@") else {
            throw DeviceError.malformed("Ambarella frame does not start with \"@\" or is too short: \(render(bytes))")
        }
        guard bytes.suffix(2) == [UInt8(ascii: ";"), UInt8(ascii: "#")] else {
            throw DeviceError.malformed("Ambarella frame does not end with \";#\": \(render(bytes))")
        }
        let name = bytes[1..<4]
        guard name.allSatisfy(isNameByte), bytes[4] == UInt8(ascii: ";") else {
            throw DeviceError.malformed("Ambarella frame has no three-letter command name: \(render(bytes))")
        }
        let body = bytes[5..<(bytes.count - 2)]
        guard let separator = body.firstIndex(of: UInt8(ascii: ";")) else {
            throw DeviceError.malformed("Ambarella frame has no length field: \(render(bytes))")
        }
        let lengthDigits = body[body.startIndex..<separator]
        guard (1...2).contains(lengthDigits.count), lengthDigits.allSatisfy({ (0x30...0x39).contains($0) }),
            let length = Int(String(decoding: lengthDigits, as: UTF8.self))
        else {
            throw DeviceError.malformed("Ambarella frame length is not a decimal number: \(render(bytes))")
        }
        let argument = body[(separator + 1)...]
        guard argument.count == length else {
            throw DeviceError.malformed(
                "Ambarella frame says \(length) argument bytes but carries \(argument.count): \(render(bytes))")
        }
        guard argument.allSatisfy(isArgumentByte) else {
            throw DeviceError.malformed("Ambarella frame argument holds a byte the framing forbids: \(render(bytes))")
        }
        return try AmbarellaFrame(
            command: String(decoding: name, as: UTF8.self), argument: String(decoding: argument, as: UTF8.self))
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func isArgumentByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) && byte != UInt8(ascii: ";") && byte != UInt8(ascii: "#")
    }

    /// Renders untrusted bytes for a message: printable ASCII as is, the rest as `\xNN`, at most 80.
    static func render(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes.prefix(80) {
            if (0x20...0x7E).contains(byte) {
                text.append(Character(Unicode.Scalar(byte)))
            } else {
                let hex = String(byte, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return bytes.count > 80 ? text + "…" : text
    }
}

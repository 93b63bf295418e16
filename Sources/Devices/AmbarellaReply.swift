/// One answer of an Ambarella-style recorder: a single bulk IN transfer of at most 64 bytes of ASCII.
///
/// What the public host (`AmbaDevice.cs`) relies on, and all Custody relies on: it reads one 64-byte
/// transfer and trims it; the login answer contains `Ver;OK`; the device-id answer starts with `@Gdv`
/// and carries the id in its third `;`-separated field (a trailing `#` trimmed); an answer containing
/// `ERROR` is a refusal. The answers to `@Sdt`, `@Stm` and `@ATH` are not checked by that host; Custody
/// takes any answer that names the command and is not a refusal.
public struct AmbarellaReply: Sendable, Hashable {
    /// The size of the host's read buffer, and so the longest answer.
    public static let maximumLength = 64
    /// The longest device id accepted (it becomes the volume label and the device's serial).
    public static let maximumDeviceIDLength = 32

    /// The answer, trimmed of NUL padding and white space.
    public var text: String

    /// Parses one transfer.
    /// - Throws: `DeviceError.malformed` when it is empty, longer than 64 bytes, or holds anything but
    ///   printable ASCII once trimmed.
    public init(transfer bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        guard bytes.count <= Self.maximumLength else {
            throw DeviceError.malformed("Ambarella answer of \(bytes.count) bytes exceeds \(Self.maximumLength)")
        }
        let isPadding: (UInt8) -> Bool = { $0 == 0 || $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !isPadding($0) }),
            let last = bytes.lastIndex(where: { !isPadding($0) })
        else { throw DeviceError.malformed("Ambarella recorder sent an empty answer") }
        let core = bytes[first...last]
        guard core.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw DeviceError.malformed("Ambarella answer holds bytes that are not printable ASCII: \(render(bytes))")
        }
        text = String(decoding: core, as: UTF8.self)
    }

    /// True when the recorder refused the command.
    public var isRefusal: Bool { text.contains("ERROR") }

    /// True when this is the answer to a login that succeeded.
    public var acceptsLogin: Bool { text.contains("Ver;OK") }

    /// True when the answer names `command` (`@Sdt…`), as every non-refusal answer must.
    public func names(_ command: String) -> Bool {
        let prefix = "@" + command
        guard text.hasPrefix(prefix) else { return false }
        let rest = text.dropFirst(prefix.count)
        return rest.isEmpty || rest.first == ";" || rest.first == "#"
    }

    /// The device id of an `@Gdv` answer: its third `;` field, trailing `#` removed.
    /// - Throws: `DeviceError.malformed` when the answer is not `@Gdv` or the field is missing, empty,
    ///   too long, or holds a character a volume label or file name cannot (`/`, `\`, `;`, `#`).
    public func deviceID() throws -> String {
        guard names("Gdv") else {
            throw DeviceError.malformed("Ambarella recorder answered \"\(text)\" to @Gdv; expected @Gdv;…;<device id>")
        }
        let fields = text.split(separator: ";", omittingEmptySubsequences: false)
        guard fields.count >= 3 else {
            throw DeviceError.malformed("Ambarella @Gdv answer \"\(text)\" has no third field with the device id")
        }
        var id = Substring(fields[2])
        while id.last == "#" { id = id.dropLast() }
        id = Substring(id.trimmingSpaces)
        guard !id.isEmpty, id.utf8.count <= Self.maximumDeviceIDLength,
            !id.contains(where: { "/\\;#".contains($0) })
        else {
            throw DeviceError.malformed(
                "Ambarella @Gdv answer \"\(text)\" does not carry a device id of 1 to \(Self.maximumDeviceIDLength) "
                    + "characters")
        }
        return String(id)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}

/// Renders untrusted bytes for a message: printable ASCII as is, the rest as `\xNN`, at most 80.
func render(_ bytes: [UInt8]) -> String {
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

/// One command of the Ambarella-style ASCII protocol (4255:0001, bulk OUT 0x01), as the public
/// reverse-engineered host (`BigBadMuttuH/AmbaBodyCam`, `AmbaDevice.cs`) sends it:
/// `@<name>;<length>;<argument>;#`.
///
/// The length field is what that host sends, not always the argument's length: `@Stm;6;HHmmss00;#`
/// says 6 and carries eight characters (the time and two zeros). Custody sends exactly those bytes,
/// because that is what the cameras are known to accept.
public struct AmbarellaCommand: Sendable, Hashable, CustomStringConvertible {
    /// The longest argument Custody sends.
    public static let maximumArgumentLength = 32

    /// The three-letter command name (`Ver`, `Gdv`, `Sdt`, `Stm`, `ATH`).
    public var name: String
    /// The argument (a password, a date, a time).
    public var argument: String
    /// The number in the length field.
    public var lengthField: Int

    /// Creates a command; the length field defaults to the argument's length.
    /// - Throws: `DeviceError.malformed` when the name is not three letters, or the argument is too long
    ///   or holds a byte the framing cannot carry (`;`, `#`, anything but printable ASCII).
    public init(name: String, argument: String, lengthField: Int? = nil) throws {
        guard name.utf8.count == 3, name.utf8.allSatisfy(Self.isNameByte) else {
            throw DeviceError.malformed("Ambarella command name \"\(name)\" is not three letters or digits")
        }
        guard argument.utf8.count <= Self.maximumArgumentLength,
            argument.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != 0x3B && $0 != 0x23 })
        else {
            throw DeviceError.malformed(
                "the argument of Ambarella @\(name) must be at most \(Self.maximumArgumentLength) printable "
                    + "ASCII characters without \";\" or \"#\"; check the profile's password")
        }
        self.name = name
        self.argument = argument
        self.lengthField = lengthField ?? argument.utf8.count
    }

    /// `@Ver;8;00000000;#`: the login every session starts with; the answer contains `Ver;OK`.
    public static var login: AmbarellaCommand { get throws { try AmbarellaCommand(name: "Ver", argument: "00000000") } }

    /// `@Gdv;8;<password>;#`: asks for the device id.
    public static func deviceID(password: String) throws -> AmbarellaCommand {
        try AmbarellaCommand(name: "Gdv", argument: password)
    }

    /// `@Sdt;8;yyyyMMdd;#`: sets the date.
    public static func setDate(_ time: DeviceDateTime) throws -> AmbarellaCommand {
        try AmbarellaCommand(name: "Sdt", argument: time.compactDate)
    }

    /// `@Stm;6;HHmmss00;#`: sets the time; the length field says 6, as the public host sends it.
    public static func setTime(_ time: DeviceDateTime) throws -> AmbarellaCommand {
        try AmbarellaCommand(name: "Stm", argument: time.compactTime + "00", lengthField: 6)
    }

    /// `@ATH;8;<password>;#`: switches to mass storage; a disk labelled with the device id appears.
    public static func massStorage(password: String) throws -> AmbarellaCommand {
        try AmbarellaCommand(name: "ATH", argument: password)
    }

    /// Whether the command carries the password (a refusal then means a wrong password).
    public var carriesPassword: Bool { name == "Gdv" || name == "ATH" }

    /// The bytes on the wire.
    public var encoded: [UInt8] { Array(description.utf8) }

    public var description: String { "@\(name);\(lengthField);\(argument);#" }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

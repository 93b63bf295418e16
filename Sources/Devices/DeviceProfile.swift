/// What Custody knows about one kind of device, from the daemon configuration: how to talk to it and
/// what to do with its evidence.
///
/// Keys (as decoded from configuration; all but `id` and `family` optional):
/// - `id` (String, `"vvvv:pppp"`, hexadecimal): the USB vendor and product id.
/// - `interfaceClass` (Int, default none): match only devices with an interface of this class
///   (0xFF vendor, 0x06 still image/PTP, 0x08 mass storage), for ids shared by several modes.
/// - `family` (String: `ambarella`, `ambarellaA9`, `jieli`, `hengan`, `massStorage`, `mtp`): which
///   driver talks to it.
/// - `name` (String, default the id): how logs and the catalog name this kind of device.
/// - `unlockPassword` (String, default none): a reference to the unlock password, never the password:
///   the name of a systemd credential (a file in `$CREDENTIALS_DIRECTORY`).
/// - `wipeAfterVerify` (Bool, default `false`): delete files from the device once their items verified.
/// - `mediaFolders` ([String], default `["DCIM"]`): the folders below the volume root that hold media;
///   `[]` means the whole volume.
/// - `fileNameRule` (String, default none): the name of the MediaProbe file-name rule for this family.
/// - `clockUTCOffsetSeconds` (Int, default 0): the zone the device keeps its wall clock in.
/// - `bulkOut`, `bulkIn` (Int, default 0x01 / 0x81), `timeoutMilliseconds` (Int, default 5000): the
///   command endpoints of vendor-protocol and MTP devices.
public struct DeviceProfile: Sendable, Hashable, Codable {
    /// The USB id this profile matches.
    public var id: USBDeviceID
    /// When set, only devices with an interface of this class match.
    public var interfaceClass: UInt8?
    /// The driver family.
    public var family: DeviceFamily
    /// A name for people.
    public var name: String
    /// The systemd credential that holds the unlock password, when the family needs one.
    public var unlockPassword: String?
    /// Delete files from the device once their items verified.
    public var wipeAfterVerify: Bool
    /// How the wipe deletes: false unlinks (the data stays on the card until the camera overwrites
    /// it); true zeroes the wiped files' clusters first (profile `wipe = "overwrite"`).
    public var wipeOverwrites = false
    /// Mass storage only: a file below the volume root that the camera rewrites when it is connected;
    /// its modification time gives the camera's clock offset (profile `clock_file`). Nil: not measured.
    public var clockFile: String?
    /// Folders below the volume root that hold media; empty for the whole volume.
    public var mediaFolders: [String]
    /// The MediaProbe file-name rule for this family, if any.
    public var fileNameRule: String?
    /// The zone of the device's wall clock, in seconds east of UTC.
    public var clockUTCOffsetSeconds: Int
    /// The command endpoints and transfer timeout.
    public var endpoints: BulkEndpoints

    /// Creates a profile with the documented defaults.
    public init(
        id: USBDeviceID, family: DeviceFamily, interfaceClass: UInt8? = nil, name: String? = nil,
        unlockPassword: String? = nil, wipeAfterVerify: Bool = false, mediaFolders: [String] = ["DCIM"],
        fileNameRule: String? = nil, clockUTCOffsetSeconds: Int = 0, endpoints: BulkEndpoints = BulkEndpoints()
    ) {
        self.id = id
        self.interfaceClass = interfaceClass
        self.family = family
        self.name = name ?? id.description
        self.unlockPassword = unlockPassword
        self.wipeAfterVerify = wipeAfterVerify
        self.mediaFolders = mediaFolders
        self.fileNameRule = fileNameRule
        self.clockUTCOffsetSeconds = clockUTCOffsetSeconds
        self.endpoints = endpoints
    }

    enum CodingKeys: String, CodingKey {
        case id, interfaceClass, family, name, unlockPassword, wipeAfterVerify, wipeOverwrites, clockFile,
            mediaFolders, fileNameRule,
            clockUTCOffsetSeconds, bulkOut, bulkIn, timeoutMilliseconds
    }

    /// Decodes a profile from configuration.
    /// - Throws: `DecodingError` naming the key: a bad id, an unknown family, endpoints that are not
    ///   OUT (bit 7 clear) and IN (bit 7 set), a zero timeout, a family that needs a password without one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .id)
        guard let id = USBDeviceID(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .id, in: c, debugDescription: "\"\(text)\" is not a USB id like \"4255:0001\"")
        }
        let defaults = BulkEndpoints()
        let endpoints = BulkEndpoints(
            out: try c.decodeIfPresent(UInt8.self, forKey: .bulkOut) ?? defaults.out,
            in: try c.decodeIfPresent(UInt8.self, forKey: .bulkIn) ?? defaults.in,
            timeoutMilliseconds: try c.decodeIfPresent(UInt32.self, forKey: .timeoutMilliseconds)
                ?? defaults.timeoutMilliseconds)
        guard endpoints.out & 0x80 == 0, endpoints.in & 0x80 != 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .bulkIn, in: c, debugDescription: "bulkOut must be an OUT endpoint and bulkIn an IN endpoint")
        }
        guard endpoints.timeoutMilliseconds > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .timeoutMilliseconds, in: c, debugDescription: "the timeout must be more than 0 ms")
        }
        self.init(
            id: id, family: try c.decode(DeviceFamily.self, forKey: .family),
            interfaceClass: try c.decodeIfPresent(UInt8.self, forKey: .interfaceClass),
            name: try c.decodeIfPresent(String.self, forKey: .name),
            unlockPassword: try c.decodeIfPresent(String.self, forKey: .unlockPassword),
            wipeAfterVerify: try c.decodeIfPresent(Bool.self, forKey: .wipeAfterVerify) ?? false,
            mediaFolders: try c.decodeIfPresent([String].self, forKey: .mediaFolders) ?? ["DCIM"],
            fileNameRule: try c.decodeIfPresent(String.self, forKey: .fileNameRule),
            clockUTCOffsetSeconds: try c.decodeIfPresent(Int.self, forKey: .clockUTCOffsetSeconds) ?? 0,
            endpoints: endpoints)
        wipeOverwrites = try c.decodeIfPresent(Bool.self, forKey: .wipeOverwrites) ?? false
        clockFile = try c.decodeIfPresent(String.self, forKey: .clockFile)
        if family.needsPassword, unlockPassword == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .unlockPassword, in: c,
                debugDescription: "a \(family.rawValue) device needs unlockPassword (a credential name)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.description, forKey: .id)
        try c.encodeIfPresent(interfaceClass, forKey: .interfaceClass)
        try c.encode(family, forKey: .family)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(unlockPassword, forKey: .unlockPassword)
        try c.encode(wipeAfterVerify, forKey: .wipeAfterVerify)
        try c.encode(wipeOverwrites, forKey: .wipeOverwrites)
        try c.encodeIfPresent(clockFile, forKey: .clockFile)
        try c.encode(mediaFolders, forKey: .mediaFolders)
        try c.encodeIfPresent(fileNameRule, forKey: .fileNameRule)
        try c.encode(clockUTCOffsetSeconds, forKey: .clockUTCOffsetSeconds)
        try c.encode(endpoints.out, forKey: .bulkOut)
        try c.encode(endpoints.in, forKey: .bulkIn)
        try c.encode(endpoints.timeoutMilliseconds, forKey: .timeoutMilliseconds)
    }
}

/// Which driver talks to a device.
public enum DeviceFamily: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ambarella-style recorder: the ASCII bulk protocol (`AmbarellaDriver`), or the A9 control-transfer
    /// variant when the ASCII login gets no answer (`AmbarellaProbe`).
    case ambarella
    /// The Ambarella A9 control-transfer variant only (`AmbarellaA9Driver`).
    case ambarellaA9
    /// JieLi-based GA/T 947-style recorder: vendor SCSI commands on its own LUN (`JieLiDriver`).
    case jieli
    /// Hengan-style recorder: AT commands over bulk endpoints (`HenganDriver`).
    case hengan
    /// Already a USB disk: nothing to unlock.
    case massStorage
    /// An MTP/PTP data terminal (`PTPSession`).
    case mtp

    /// Whether unlocking needs a password.
    public var needsPassword: Bool { self != .massStorage && self != .mtp }

    /// Whether the driver speaks SCSI to the recorder's own LUN rather than USB transfers.
    public var speaksSCSI: Bool { self == .jieli }
}

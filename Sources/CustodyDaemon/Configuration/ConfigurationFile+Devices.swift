import Devices
import MediaProbe

/// `[devices]`, its `[[devices.profile]]` elements and its `[devices.registry."SERIAL"]` tables.
extension ConfigurationFile {
    static func devices(_ section: ConfigurationSection) throws -> DaemonConfiguration.Devices {
        var devices = DaemonConfiguration.Devices()
        if let enabled = try section.boolean("enabled") { devices.enabled = enabled }
        if let timeout = try section.integer("block_device_timeout_ms", in: 1000...600_000) {
            devices.blockDeviceTimeoutMilliseconds = Int32(timeout)
        }
        if let sessions = try section.integer("max_sessions", in: 1...64) { devices.maxSessions = Int(sessions) }
        var profiles: [DeviceProfile] = []
        var lines: [ProfileMatch: Int] = [:]
        for element in try section.sections("profile", known: ConfigurationSchema.profile) {
            let profile = try profile(element)
            // The first matching profile wins, so a second one for the same device would be silently dead.
            let match = ProfileMatch(id: profile.id, interfaceClass: profile.interfaceClass)
            if let line = lines[match] {
                throw ConfigurationError(
                    code: .duplicate, line: element.table.line,
                    detail:
                        "the [[devices.profile]] on line \(line) already matches \(profile.id)\(profile.interfaceClass.map { " with interface_class \($0)" } ?? ""); this one would never be used"
                )
            }
            lines[match] = element.table.line
            profiles.append(profile)
        }
        devices.profiles = DeviceProfiles(profiles: profiles, registry: try registry(section))
        return devices
    }

    private struct ProfileMatch: Hashable {
        var id: USBDeviceID
        var interfaceClass: UInt8?
    }

    /// One `[[devices.profile]]`, validated as `DeviceProfile`'s decoder validates one.
    private static func profile(_ section: ConfigurationSection) throws -> DeviceProfile {
        let idRule = "a USB id like \"4255:0001\" (vendor:product, 4 hexadecimal digits each)"
        guard let id = try section.string("id", mustBe: idRule, usbID) else { throw section.missing("id", idRule) }
        let familyNames = DeviceFamily.allCases.map { TOMLValue.quoted(configurationName($0)) }
        let familyRule = "one of " + familyNames.joined(separator: ", ")
        guard let family = try section.string("family", mustBe: familyRule, family(named:)) else {
            throw section.missing("family", familyRule)
        }
        let credentialRule = "the name of a systemd credential (a file name: not the password, no \"/\")"
        let unlockPassword = try section.string("unlock_password", mustBe: credentialRule) {
            isFileName($0) ? $0 : nil
        }
        if family.needsPassword, unlockPassword == nil {
            throw section.missing(
                "unlock_password",
                "family \"\(family.rawValue)\" unlocks with a password; name the systemd credential that holds it")
        }
        let defaults = BulkEndpoints()
        let endpoints = BulkEndpoints(
            out: try section.integer(
                "bulk_out", in: 0...0x7F, mustBe: "an OUT endpoint address (0 to 127, bit 7 clear)"
            )
            .map(UInt8.init) ?? defaults.out,
            in: try section.integer(
                "bulk_in", in: 0x80...0xFF, mustBe: "an IN endpoint address (128 to 255, bit 7 set)"
            )
            .map(UInt8.init) ?? defaults.in,
            timeoutMilliseconds: try section.integer("timeout_ms", in: 1...Int64(UInt32.max)).map(UInt32.init)
                ?? defaults.timeoutMilliseconds)
        let ruleNames = FileNameRule.builtIn.map(\.name)
        var profile = DeviceProfile(
            id: id, family: family,
            interfaceClass: try section.integer("interface_class", in: 0...255).map(UInt8.init),
            name: try section.string("name"),
            unlockPassword: unlockPassword,
            wipeAfterVerify: try section.boolean("wipe_after_verify") ?? false,
            mediaFolders: try section.strings(
                "media_folders", eachMustBe: "a folder below the volume root, like \"DCIM\" (no \"..\", not absolute)",
                where: isMediaFolder) ?? ["DCIM"],
            fileNameRule: try section.string(
                "file_name_rule", mustBe: "one of " + ruleNames.map { TOMLValue.quoted($0) }.joined(separator: ", ")
            ) { ruleNames.contains($0) ? $0 : nil },
            clockUTCOffsetSeconds: Int(
                try section.integer(
                    "clock_utc_offset_seconds", in: -14 * 3600...14 * 3600,
                    mustBe: "a number of seconds east of UTC from -50400 to 50400 (-14 to +14 hours)") ?? 0),
            endpoints: endpoints)
        profile.wipeOverwrites =
            try section.string("wipe", mustBe: "\"unlink\" or \"overwrite\"") {
                ["unlink": false, "overwrite": true][$0]
            } ?? false
        profile.clockFile = try section.string(
            "clock_file", mustBe: "a file below the volume root, like \"MISC/TIME.TXT\" (no \"..\", not absolute)"
        ) { isMediaFolder($0) ? $0 : nil }
        if profile.clockFile != nil, family != .massStorage {
            throw ConfigurationError(
                code: .invalidValue, line: section.table.line,
                detail:
                    "key \"clock_file\" in [[devices.profile]] is for mass_storage cameras; a \(family.rawValue) device's clock is read over its protocol"
            )
        }
        return profile
    }

    private static func usbID(_ text: String) -> USBDeviceID? {
        // USBDeviceID alone would take "+123:0001", since UInt16 parsing accepts a sign.
        guard text.utf8.allSatisfy({ $0 == UInt8(ascii: ":") || $0.isHexadecimalDigit }) else { return nil }
        return USBDeviceID(text)
    }

    private static func family(named name: String) -> DeviceFamily? {
        DeviceFamily.allCases.first { configurationName($0) == name || $0.rawValue == name }
    }

    /// The family's name in the TOML file: snake case (`mass_storage`, `ambarella_a9`).
    private static func configurationName(_ family: DeviceFamily) -> String {
        switch family {
        case .massStorage: return "massStorage"
        case .ambarellaA9: return "ambarella_a9"
        default: return family.rawValue
        }
    }

    /// A credential is a file in `$CREDENTIALS_DIRECTORY`: a name, not a path.
    private static func isFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.unicodeScalars.contains("\0")
    }

    /// Relative to the volume root and inside it: a camera's volume is hostile input, and so is a typo.
    private static func isMediaFolder(_ folder: String) -> Bool {
        !folder.isEmpty && !folder.hasPrefix("/") && !folder.unicodeScalars.contains("\0")
            && !folder.split(separator: "/").contains("..")
    }

    /// `[devices.registry."SERIAL"]` tables: who each device is assigned to.
    private static func registry(_ devices: ConfigurationSection) throws -> [String: RegisteredDevice] {
        let registry = try devices.section("registry", known: nil)
        var entries: [String: RegisteredDevice] = [:]
        for serial in registry.table.keys {
            let entry = try registry.section(serial, known: ConfigurationSchema.registryEntry)
            guard !serial.isEmpty else {
                throw ConfigurationError(
                    code: .invalidValue, line: entry.table.line,
                    detail: "\(entry.header): the serial number cannot be empty")
            }
            entries[serial] = RegisteredDevice(
                officerID: try entry.string("officer"), unitNumber: try entry.string("unit"))
        }
        return entries
    }
}

extension UInt8 {
    fileprivate var isHexadecimalDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}

import CustodyDaemon
import Devices
import Foundation
import SystemPackage
import Testing

/// `ConfigurationFile`: defaults, the environment, every key read into `DaemonConfiguration`, and the
/// file on disk.
@Suite struct ConfigurationFileTests {
    private func parse(_ text: String, environment: [String: String] = [:]) throws -> DaemonConfiguration {
        try ConfigurationFile.parse(text: text, path: "custodyd.toml", environment: environment)
    }

    @Test func anEmptyFileHasEveryDefault() throws {
        let configuration = try parse("")
        #expect(configuration.stateDirectory == "/var/lib/custody")
        #expect(configuration.keyFile == nil)
        #expect(configuration.credentialsDirectory == nil)
        #expect(configuration.timeZone == TimeZone.current)
        #expect(configuration.control == DaemonConfiguration.Control())
        #expect(configuration.deletion.graceSeconds == 14 * 86_400 && configuration.deletion.retentionPassSeconds == 86_400)
        #expect(configuration.control.socketPath == "/run/custody/control.sock")
        #expect(configuration.control.socketGroup == "custody")
        #expect(configuration.control.allowedGroups == ["custody"])
        #expect(configuration.control.maxConnections == 64)
        #expect(configuration.control.peerTimeoutSeconds == 10)
        #expect(configuration.devices.enabled)
        #expect(configuration.devices.blockDeviceTimeoutMilliseconds == 30_000)
        #expect(configuration.devices.profiles.profiles.isEmpty)
        #expect(configuration.devices.profiles.registry.isEmpty)
        #expect(configuration.watchedFolders.isEmpty)
        #expect(configuration.fixity == DaemonConfiguration.Fixity())
        #expect(configuration.fixity.intervalSeconds == 168 * 3600)
        #expect(configuration.fixity.maxBytesPerSecond == 33_554_432)
    }

    @Test func aBackupLifetimeDefaultsToNinetyDaysAndIsChecked() throws {
        #expect(try parse("").backup.lifetimeSeconds == 90 * 86_400)
        #expect(try parse("[backup]\nlifetime_days = 0\n").backup.lifetimeSeconds == 0)
        for bad in ["-1", "36501", "\"90\"", "1.5"] {
            #expect(throws: ConfigurationError.self, "lifetime_days = \(bad)") {
                try parse("[backup]\nlifetime_days = \(bad)\n")
            }
        }
        #expect(throws: ConfigurationError.self) { try parse("[backup]\nlifetime = 3\n") }
        #expect(try parse("").backup.directory == nil)
        #expect(throws: ConfigurationError.self) { try parse("[backup]\ndirectory = \"relative\"\n") }
        #expect(throws: ConfigurationError.self) { try parse("[backup]\nschedule_hours = 0\n") }
        #expect(throws: ConfigurationError.self) {
            try parse("[backup]\ndirectory = \"/srv/b\"\nlifetime_days = 1\nschedule_hours = 48\n")
        }
    }

    @Test func emptyTablesAndCommentsAreDefaultsToo() throws {
        let configuration = try parse("# nothing\n[store]\n[ingest]\n[control]\n[devices]\n[fixity]\n")
        #expect(configuration.stateDirectory == "/var/lib/custody")
        #expect(configuration.control == DaemonConfiguration.Control())
    }

    @Test func theEnvironmentGivesStateAndCredentialsDirectories() throws {
        let environment = [
            "STATE_DIRECTORY": "/var/lib/custody-a:/var/lib/other",
            "CREDENTIALS_DIRECTORY": "/run/credentials/custodyd.service",
        ]
        let configuration = try parse("", environment: environment)
        #expect(configuration.stateDirectory == "/var/lib/custody-a")
        #expect(configuration.credentialsDirectory == "/run/credentials/custodyd.service")
        #expect(configuration.keyFile == nil)
        // The file wins over the environment.
        let explicit = try parse("[store]\nstate_directory = \"/srv/custody\"", environment: environment)
        #expect(explicit.stateDirectory == "/srv/custody")
        #expect(
            try parse("", environment: ["STATE_DIRECTORY": "", "CREDENTIALS_DIRECTORY": ""]).stateDirectory
                == "/var/lib/custody")
    }

    @Test(arguments: [
        ["STATE_DIRECTORY": "relative/state"],
        ["CREDENTIALS_DIRECTORY": "credentials"],
    ])
    func relativeEnvironmentPathsAreRefused(environment: [String: String]) throws {
        let error = try #require(throws: ConfigurationError.self) { try parse("", environment: environment) }
        #expect(error.code == .environment)
        #expect(error.message.contains(environment.keys.first!), "\(error.message)")
        #expect(error.message.contains("must be an absolute path"))
    }

    @Test func everyKeyIsRead() throws {
        let text = """
            [store]
            state_directory = "/srv/custody/"
            key_file = "/etc/custody/custody.kek"

            [ingest]
            time_zone = "America/New_York"

            [control]
            socket = "/run/custody/other.sock"
            group = ""
            allowed_groups = ["custody", "evidence-clerks"]
            max_connections = 8
            peer_timeout_seconds = 2.5
            max_connections_per_caller = 3
            reserved_admin_connections = 2
            request_timeout_seconds = 1.5
            idle_timeout_seconds = 30

            [devices]
            enabled = false
            block_device_timeout_ms = 60_000

            [[devices.profile]]
            id = "2e8a:000A"
            family = "massStorage"
            name = "Card reader"
            interface_class = 8
            wipe_after_verify = false
            clock_file = "MISC/TIME.TXT"
            media_folders = []
            file_name_rule = "datetime_device_officer"
            clock_utc_offset_seconds = -18000
            bulk_out = 0x02
            bulk_in = 0x82
            timeout_ms = 1000

            [[devices.profile]]
            id = "1234:5678"
            family = "jieli"
            unlock_password = "gat-password"
            media_folders = ["DCIM", "Record/Video"]
            wipe = "overwrite"

            [devices.registry."SN-1"]
            officer = "P1"
            [devices.registry."SN-2"]
            unit = "U2"

            [[watch]]
            path = "/srv/incoming/reader-1/"
            device = "READER-1"
            settle_seconds = 0
            remove_after_verify = true

            [[watch]]
            path = "/srv/share"
            name = "share"

            [fixity]
            enabled = false
            interval_hours = 24
            max_bytes_per_second = 0x100000

            [review]
            lease_minutes = 45

            [notes]
            max_bytes = 2000
            per_minute = 5
            per_hour = 50
            bytes_per_day = 65536

            [deletion]
            grace_days = 30
            retention_pass_hours = 6
            services = false

            [backup]
            lifetime_days = 400
            directory = "/srv/custody-backup"
            schedule_hours = 12
            """
        let configuration = try parse(text)
        #expect(configuration.stateDirectory == "/srv/custody")
        #expect(configuration.reviewLeaseSeconds == 45 * 60)
        #expect(configuration.deletion.graceSeconds == 30 * 86_400)
        #expect(configuration.backup.lifetimeSeconds == 400 * 86_400)
        #expect(configuration.backup.directory == "/srv/custody-backup" && configuration.backup.scheduleSeconds == 12 * 3600)
        #expect(configuration.deletion.retentionPassSeconds == 6 * 3600 && !configuration.deletion.servicesEnabled)
        #expect(configuration.keyFile == "/etc/custody/custody.kek")
        #expect(configuration.timeZone.identifier == "America/New_York")
        #expect(configuration.control.socketPath == "/run/custody/other.sock")
        #expect(configuration.control.socketGroup == nil)
        #expect(configuration.control.allowedGroups == ["custody", "evidence-clerks"])
        #expect(configuration.control.maxConnections == 8)
        #expect(configuration.control.peerTimeoutSeconds == 2.5)
        #expect(configuration.control.maxConnectionsPerCaller == 3)
        #expect(configuration.control.reservedAdministratorConnections == 2)
        #expect(configuration.control.requestTimeoutSeconds == 1.5)
        #expect(configuration.control.idleTimeoutSeconds == 30)
        #expect(configuration.notes.maxBytes == 2000)
        #expect(configuration.notes.perMinute == 5)
        #expect(configuration.notes.perHour == 50)
        #expect(configuration.notes.bytesPerDay == 65536)
        #expect(!configuration.devices.enabled)
        #expect(configuration.devices.blockDeviceTimeoutMilliseconds == 60_000)
        #expect(
            configuration.devices.profiles.profiles == [
                {
                    var profile = DeviceProfile(
                        id: USBDeviceID(vendor: 0x2E8A, product: 0x000A), family: .massStorage, interfaceClass: 8,
                        name: "Card reader", mediaFolders: [], fileNameRule: "datetime_device_officer",
                        clockUTCOffsetSeconds: -18000,
                        endpoints: BulkEndpoints(out: 2, in: 0x82, timeoutMilliseconds: 1000))
                    profile.clockFile = "MISC/TIME.TXT"
                    return profile
                }(),
                {
                    var profile = DeviceProfile(
                        id: USBDeviceID(vendor: 0x1234, product: 0x5678), family: .jieli,
                        unlockPassword: "gat-password", mediaFolders: ["DCIM", "Record/Video"])
                    profile.wipeOverwrites = true
                    return profile
                }(),
            ])
        #expect(configuration.devices.profiles.profiles.map(\.wipeOverwrites) == [false, true])
        #expect(configuration.devices.profiles.profiles.map(\.clockFile) == ["MISC/TIME.TXT", nil])
        #expect(
            configuration.devices.profiles.registry == [
                "SN-1": RegisteredDevice(officerID: "P1"), "SN-2": RegisteredDevice(unitNumber: "U2"),
            ])
        var reader = DaemonConfiguration.WatchedFolder(path: "/srv/incoming/reader-1", name: "reader-1")
        reader.deviceID = "READER-1"
        reader.settleSeconds = 0
        reader.removeAfterVerify = true
        #expect(
            configuration.watchedFolders == [
                reader, DaemonConfiguration.WatchedFolder(path: "/srv/share", name: "share"),
            ])
        #expect(!configuration.fixity.enabled)
        #expect(configuration.fixity.intervalSeconds == 24 * 3600)
        #expect(configuration.fixity.maxBytesPerSecond == 1 << 20)
    }

    @Test func familiesAreSpelledEitherWay() throws {
        for (name, family) in [
            ("massStorage", DeviceFamily.massStorage), ("massStorage", .massStorage), ("mtp", .mtp),
        ] {
            let text = "[[devices.profile]]\nid = \"04e8:6860\"\nfamily = \"\(name)\""
            #expect(try parse(text).devices.profiles.profiles.first?.family == family)
        }
    }

    // MARK: The file on disk

    @Test func loadReadsTheFile() throws {
        let path = try temporaryFile(named: #function, contents: Array("[control]\nmax_connections = 3\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path.string) }
        #expect(try ConfigurationFile.load(path: path, environment: [:]).control.maxConnections == 3)
    }

    @Test func loadNamesThePathOfAMissingFileAndTheFix() throws {
        let path: FilePath = "/nonexistent/custody/custodyd.toml"
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationFile.load(path: path, environment: [:])
        }
        #expect(error.code == .unreadableFile)
        #expect(error.message.hasPrefix("/nonexistent/custody/custodyd.toml: no such file; install the example"))
    }

    @Test func loadRefusesADirectoryAndTextThatIsNotUTF8() throws {
        let directory = try #require(throws: ConfigurationError.self) {
            try ConfigurationFile.load(path: "/tmp", environment: [:])
        }
        #expect(directory.message.contains("is a directory"))
        let path = try temporaryFile(named: #function, contents: [0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22])
        defer { try? FileManager.default.removeItem(atPath: path.string) }
        let binary = try #require(throws: ConfigurationError.self) {
            try ConfigurationFile.load(path: path, environment: [:])
        }
        #expect(binary.message.contains("not UTF-8"))
    }

    @Test func errorsFromALoadedFileNameItsPath() throws {
        let path = try temporaryFile(named: #function, contents: Array("\n[control]\nmax_connections = 0\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path.string) }
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationFile.load(path: path, environment: [:])
        }
        #expect(error.message.hasPrefix("\(path) line 3: key \"max_connections\" in [control] must be"))
    }

    private func temporaryFile(named name: String, contents: [UInt8]) throws -> FilePath {
        let file = name.filter { $0.isLetter || $0.isNumber }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ConfigurationFileTests-\(file)-\(getpid()).toml"
        ).path
        try Data(contents).write(to: URL(fileURLWithPath: path))
        return FilePath(path)
    }
}

import Catalog
import Devices
import Foundation
import SystemPackage

/// Everything `custodyd run` is told by its configuration file (docs/configuration.md), with every
/// default filled in. Built only by `ConfigurationFile.parse`, which rejects unknown keys and bad
/// values naming the key and its line.
///
/// Keys of `/etc/custody/custodyd.toml` (all optional but where required):
/// - `[store]` `state_directory` (String, absolute; default `$STATE_DIRECTORY`, else `/var/lib/custody`),
///   `key_file` (String, absolute; default `$CREDENTIALS_DIRECTORY/custody.kek` when present, else
///   `<state>/custody.kek`).
/// - `[ingest]` `time_zone` (String, IANA name; default the system's).
/// - `[control]` `socket` (String, absolute; default `/run/custody/control.sock`), `group` (String;
///   default `"custody"`, `""` keeps the daemon's group), `allowed_groups` ([String]; default
///   `["custody"]`), `max_connections` (Int 1…1024; default 64), `max_connections_per_caller` (Int 1…
///   `max_connections`; default 8), `reserved_admin_connections` (Int 0…`max_connections` − 1; default
///   4), `request_timeout_seconds` (number, more than 0, at most 3600; default 5),
///   `idle_timeout_seconds` (number, more than 0, at most 86400; default `peer_timeout_seconds`),
///   `peer_timeout_seconds` (number, more than 0, at most 3600; default 10).
/// - `[notes]` `max_bytes` (Int 16…10000; default 4096), `per_minute` (Int 1…1000; default 10),
///   `per_hour` (Int 1…10000; default 120), `bytes_per_day` (Int 1024…104857600; default 262144).
/// - `[devices]` `enabled` (Bool; default true), `block_device_timeout_ms` (Int 1000…600000; default
///   30000), `max_sessions` (Int 1…64; default two per core, 2 to 8).
/// - `[[devices.profile]]` the keys of `DeviceProfile` in snake_case: `id` and `family` (required),
///   `name`, `interface_class`, `unlock_password` (a credential name), `wipe_after_verify`, `wipe`,
///   `media_folders`, `file_name_rule`, `clock_utc_offset_seconds`, `bulk_out`, `bulk_in`, `timeout_ms`.
/// - `[devices.registry."SERIAL"]` `officer`, `unit` (String; default not checked).
/// - `[[watch]]` `path` (String, absolute; required), `name` (String; default the last path component),
///   `device` (String; default none), `settle_seconds` (number 0…3600; default 5),
///   `remove_after_verify` (Bool; default false).
/// - `[fixity]` `enabled` (Bool; default true), `interval_hours` (number, more than 0, at most 8760;
///   default 168), `max_bytes_per_second` (Int, at least 1 MiB; default 33554432).
/// - `[audit]` `anchor_file` (String, absolute; default none), `anchor_interval_minutes` (number, more
///   than 0, at most 1440; default 15), `journal` (Bool; default true).
/// - `[review]` `lease_minutes` (Int 1…480; default 30): how long a review claim lasts.
/// - `[deletion]` `grace_days` (Int 1…365; default 14): how long approved deletions stay in the trash,
///   restorable; `retention_pass_hours` (number, more than 0, at most 168; default 24): time between
///   two retention passes that mark items due; `services` (Bool; default false): whether the
///   retention and shred services run.
/// - `[backup]` `lifetime_days` (Int 0…36500; default 90): how long a snapshot made by `custodyd
///   backup` is kept before `custodyd backup prune` removes it, and so how long it may hold the
///   wrapped key of an item shredded after it was made (0: until the next prune); `directory`
///   (String, absolute; default none): where the daemon backs up on its own, then prunes, every
///   `schedule_hours` (number, more than 0, at most 8760; default 24).
/// - `[metrics]` `textfile_dir` (String, absolute; default none: no metrics): where `custody.prom` is
///   written for node_exporter's textfile collector; `interval_seconds` (number 1…3600; default 60).
public struct DaemonConfiguration: Sendable {
    /// The state directory: store and catalog.
    public var stateDirectory: FilePath
    /// The key-encryption key file; nil means `$CREDENTIALS_DIRECTORY/custody.kek`, else
    /// `<state>/custody.kek` (KeyFile.location).
    public var keyFile: FilePath?
    /// Where systemd credentials are (unlock passwords); from `$CREDENTIALS_DIRECTORY`.
    public var credentialsDirectory: String?
    /// The zone assumed for local times stored without one (FAT time stamps, file names).
    public var timeZone: TimeZone
    /// The control socket.
    public var control: Control
    /// Docked devices.
    public var devices: Devices
    /// Watched import folders.
    public var watchedFolders: [WatchedFolder]
    /// The fixity scrubber.
    public var fixity: Fixity
    /// Where and how often the audit chain's head is anchored.
    public var audit: Audit
    /// How long a review claim lasts unless the request names a lease (docs/retention.md).
    public var reviewLeaseSeconds: Double = 30 * 60
    /// How large a note may be and how many one person may add (docs/configuration.md, `[notes]`).
    public var notes = NoteLimits()
    /// The trash's grace period and the retention pass's schedule (docs/retention.md, "Deletion").
    public var deletion = Deletion()
    /// Backups' settings (docs/operations.md, "Backups").
    public var backup = Backup()
    /// Where and how often metrics are written (docs/metrics.md); nil writes none.
    public var metrics: Metrics?

    /// The metrics file's settings.
    public struct Metrics: Sendable, Equatable {
        /// node_exporter's textfile directory, where `custody.prom` is replaced.
        public var textfileDirectory: FilePath
        /// Time between two writes.
        public var intervalSeconds: Double = 60
        public init(textfileDirectory: FilePath) { self.textfileDirectory = textfileDirectory }
    }

    /// Backups' settings.
    public struct Backup: Sendable, Equatable {
        /// How long a snapshot lives: its record's `expires_at` is its `made_at` plus this.
        public var lifetimeSeconds: Double = 90 * 86_400
        /// Where the daemon's backup service backs up; nil runs no service (`custodyd backup` only).
        public var directory: FilePath?
        /// Time between two scheduled backups (from the last one recorded into `directory`).
        public var scheduleSeconds: Double = 24 * 3600
        public init() {}
    }

    /// Deletion's settings.
    public struct Deletion: Sendable, Equatable {
        /// How long an approved deletion stays in the trash, restorable, before the shred.
        public var graceSeconds: Double = 14 * 86_400
        /// Time between the starts of two retention passes.
        public var retentionPassSeconds: Double = 24 * 3600
        /// Whether the retention and shred services run in the daemon.
        public var servicesEnabled: Bool = true
        public init() {}
    }

    /// The control socket's settings.
    public struct Control: Sendable, Equatable {
        /// The socket's path.
        public var socketPath: FilePath = "/run/custody/control.sock"
        /// The group that owns the socket (mode 0660); nil keeps the daemon's group.
        public var socketGroup: String? = "custody"
        /// Callers whose uid is 0 or the daemon's, or who are in one of these groups (primary or
        /// supplementary, from the kernel), are served; everyone else is refused and audited.
        public var allowedGroups: [String] = ["custody"]
        /// Connections served at once; one more is answered `busy` and closed.
        public var maxConnections: Int = 64
        /// Connections one uid may hold at once, administrators included; one more is answered
        /// `limited` and closed, so no caller can take every connection.
        public var maxConnectionsPerCaller: Int = 8
        /// Of `maxConnections`, how many only administrators (root, the daemon's uid, members of an
        /// administrators' group) may take: the others are served while fewer than
        /// `maxConnections - reservedAdministratorConnections` connections are open.
        public var reservedAdministratorConnections: Int = 4
        /// How long one request line may take, from its first byte to its newline, however it trickles in.
        public var requestTimeoutSeconds: Double = 5
        /// How long a connection may stay open without starting a request (after connecting, or after
        /// the previous answer).
        public var idleTimeoutSeconds: Double = 10
        /// How long a peer may take to read a response before it is dropped.
        public var peerTimeoutSeconds: Double = 10
        public init() {}
    }

    /// Docked devices' settings.
    public struct Devices: Sendable {
        /// Whether to watch USB at all (off for a folder-only station).
        public var enabled: Bool = true
        /// The profiles and the device registry.
        public var profiles: DeviceProfiles = DeviceProfiles(profiles: [])
        /// How long to wait, after unlock, for the device's disk to appear.
        public var blockDeviceTimeoutMilliseconds: Int32 = 30_000
        /// How many dock sessions run at once; the others wait in docking order (`custody status`
        /// shows them queued).
        public var maxSessions: Int = SessionGate.defaultLimit(cores: ProcessInfo.processInfo.activeProcessorCount)
        public init() {}
    }

    /// A folder a card reader or a share delivers into, ingested like a device.
    public struct WatchedFolder: Sendable, Equatable {
        /// The folder (absolute).
        public var path: FilePath
        /// A name for people and the bay id.
        public var name: String
        /// The device id recorded on its items.
        public var deviceID: String?
        /// A file is taken only once its size and times stayed the same, with no write event, for this long.
        public var settleSeconds: Double = 5
        /// Delete files from the folder once their items verified.
        public var removeAfterVerify: Bool = false
        public init(path: FilePath, name: String) {
            self.path = path
            self.name = name
        }
    }

    /// The fixity scrubber's schedule.
    public struct Fixity: Sendable, Equatable {
        /// Whether to scrub at all.
        public var enabled: Bool = true
        /// Time between the starts of two full passes.
        public var intervalSeconds: Double = 7 * 24 * 3600
        /// Bytes read per second at most, so ingest is never starved.
        public var maxBytesPerSecond: Int64 = 32 << 20
        public init() {}
    }

    /// Audit anchoring (docs/audit-log.md, "Anchors"): the chain's head published outside the state
    /// directory at start, every interval, and at stop.
    public struct Audit: Sendable, Equatable {
        /// A file outside the state directory (another disk, a mounted share) that anchors are
        /// appended to; nil for none.
        public var anchorFile: FilePath?
        /// Time between two anchors while the daemon runs.
        public var anchorIntervalSeconds: Double = 15 * 60
        /// Whether anchors also go to the systemd journal (when there is one).
        public var journal: Bool = true
        public init() {}
    }

    /// A configuration with every default: state in `stateDirectory`, no profiles, no folders.
    public init(stateDirectory: FilePath) {
        self.stateDirectory = stateDirectory
        keyFile = nil
        credentialsDirectory = nil
        timeZone = .current
        control = Control()
        devices = Devices()
        watchedFolders = []
        fixity = Fixity()
        audit = Audit()
    }
}

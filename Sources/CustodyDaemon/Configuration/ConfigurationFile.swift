import Catalog
import Foundation
import SystemPackage

/// The configuration file of `custodyd run`, `/etc/custody/custodyd.toml` (docs/configuration.md,
/// example in systemd/custodyd.toml).
///
/// Strict, because the daemon runs unattended: an unknown key, a key of the wrong type, a value out of
/// range, a relative path or a table defined twice stops it at startup with a message naming the file,
/// the line and the key, rather than running with something the operator did not mean.
public enum ConfigurationFile {
    /// Where `custodyd run` reads its configuration.
    public static let defaultPath: FilePath = "/etc/custody/custodyd.toml"

    /// Reads a configuration from the text of a configuration file, filling in every default.
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - path: The file, named in errors.
    ///   - environment: The daemon's environment: `STATE_DIRECTORY` (the first of a colon-separated
    ///     list) is the default state directory, `CREDENTIALS_DIRECTORY` where credentials are.
    /// - Throws: `ConfigurationError` naming the line and the key: a syntax error, TOML that
    ///   custodyd.toml does not accept, an unknown or missing key, a value of the wrong type or out of
    ///   range, a relative path; or naming the environment variable that is unusable.
    public static func parse(text: String, path: FilePath, environment: [String: String]) throws
        -> DaemonConfiguration
    {
        do {
            return try configuration(from: TOMLDocument(parsing: text).root, environment: environment)
        } catch var error as ConfigurationError where error.line != nil {
            error.path = path.string
            throw error
        }
    }

    private static func configuration(from root: TOMLTable, environment: [String: String]) throws
        -> DaemonConfiguration
    {
        let top = try ConfigurationSection(root, path: [], known: ConfigurationSchema.top)

        let store = try top.section("store", known: ConfigurationSchema.store)
        let stateDirectory = try store.absolutePath("state_directory") ?? stateDirectory(environment)
        var configuration = DaemonConfiguration(stateDirectory: stateDirectory)
        configuration.keyFile = try store.absolutePath("key_file")
        configuration.credentialsDirectory = try credentialsDirectory(environment)

        let ingest = try top.section("ingest", known: ConfigurationSchema.ingest)
        if let zone = try ingest.string(
            "time_zone", mustBe: "an IANA time zone name like \"Europe/Berlin\"", TimeZone.init(identifier:))
        {
            configuration.timeZone = zone
        }

        configuration.control = try control(top.section("control", known: ConfigurationSchema.control))
        configuration.devices = try devices(top.section("devices", known: ConfigurationSchema.devices))
        configuration.watchedFolders = try watchedFolders(top.sections("watch", known: ConfigurationSchema.watch))
        configuration.fixity = try fixity(top.section("fixity", known: ConfigurationSchema.fixity))
        configuration.audit = try audit(top.section("audit", known: ConfigurationSchema.audit))
        let review = try top.section("review", known: ConfigurationSchema.review)
        if let minutes = try review.integer("lease_minutes", in: 1...480, mustBe: "an integer of minutes from 1 to 480") {
            configuration.reviewLeaseSeconds = Double(minutes) * 60
        }
        configuration.notes = try notes(top.section("notes", known: ConfigurationSchema.notes))
        let deletion = try top.section("deletion", known: ConfigurationSchema.deletion)
        if let days = try deletion.integer("grace_days", in: 1...365, mustBe: "an integer of days from 1 to 365") {
            configuration.deletion.graceSeconds = Double(days) * 86_400
        }
        if let hours = try deletion.number(
            "retention_pass_hours", mustBe: "a number of hours more than 0, at most 168", where: { $0 > 0 && $0 <= 168 })
        {
            configuration.deletion.retentionPassSeconds = hours * 3600
        }
        if let enabled = try deletion.boolean("services") { configuration.deletion.servicesEnabled = enabled }
        let backup = try top.section("backup", known: ConfigurationSchema.backup)
        if let days = try backup.integer(
            "lifetime_days", in: 0...36_500, mustBe: "an integer of days from 0 to 36500")
        {
            configuration.backup.lifetimeSeconds = Double(days) * 86_400
        }
        configuration.backup.directory = try backup.absolutePath("directory")
        if let hours = try backup.number(
            "schedule_hours", mustBe: "a number of hours more than 0, at most 8760 (a year)",
            where: { $0 > 0 && $0 <= 8760 })
        {
            configuration.backup.scheduleSeconds = hours * 3600
        }
        // The service prunes after each backup: a lifetime shorter than the schedule would leave
        // stretches with no snapshot at all.
        if configuration.backup.directory != nil,
            configuration.backup.lifetimeSeconds < configuration.backup.scheduleSeconds
        {
            throw ConfigurationError(
                code: .invalidValue, line: backup.table.line,
                detail:
                    "key \"lifetime_days\" in [backup] is shorter than \"schedule_hours\": each scheduled backup would be pruned before the next is made; keep snapshots at least as long as the time between backups"
            )
        }
        configuration.metrics = try metrics(top.section("metrics", known: ConfigurationSchema.metrics))
        return configuration
    }

    private static func metrics(_ section: ConfigurationSection) throws -> DaemonConfiguration.Metrics? {
        let directory = try section.absolutePath("textfile_dir")
        let interval = try section.number(
            "interval_seconds", mustBe: "a number of seconds from 1 to 3600", where: { $0 >= 1 && $0 <= 3600 })
        guard let directory else {
            if interval != nil {
                throw ConfigurationError(
                    code: .invalidValue, line: section.table.line,
                    detail:
                        "[metrics] has \"interval_seconds\" but no \"textfile_dir\": metrics are written only into a directory; add textfile_dir (node_exporter's --collector.textfile.directory)"
                )
            }
            return nil
        }
        var metrics = DaemonConfiguration.Metrics(textfileDirectory: directory)
        if let interval { metrics.intervalSeconds = interval }
        return metrics
    }

    private static func control(_ section: ConfigurationSection) throws -> DaemonConfiguration.Control {
        var control = DaemonConfiguration.Control()
        if let socket = try section.absolutePath("socket") { control.socketPath = socket }
        if let group = try section.string("group", allowingEmpty: true) {
            // "" keeps the daemon's own group, which is what a station without a custody group wants.
            control.socketGroup = group.isEmpty ? nil : group
        }
        if let groups = try section.strings("allowed_groups", eachMustBe: "a group name", where: { !$0.isEmpty }) {
            control.allowedGroups = groups
        }
        if let connections = try section.integer("max_connections", in: 1...1024) {
            control.maxConnections = Int(connections)
        }
        let connections = Int64(control.maxConnections)
        if let perCaller = try section.integer(
            "max_connections_per_caller", in: 1...connections,
            mustBe: "an integer from 1 to max_connections (\(connections))")
        {
            control.maxConnectionsPerCaller = Int(perCaller)
        } else {
            control.maxConnectionsPerCaller = min(control.maxConnectionsPerCaller, control.maxConnections)
        }
        // At least one connection stays open to everyone else, or the socket would serve administrators only.
        if let reserved = try section.integer(
            "reserved_admin_connections", in: 0...(connections - 1),
            mustBe: "an integer from 0 to max_connections - 1 (\(connections - 1))")
        {
            control.reservedAdministratorConnections = Int(reserved)
        } else {
            control.reservedAdministratorConnections = min(
                control.reservedAdministratorConnections, control.maxConnections - 1)
        }
        if let timeout = try section.number(
            "request_timeout_seconds", mustBe: "a number of seconds greater than 0 and at most 3600",
            where: { $0 > 0 && $0 <= 3600 })
        {
            control.requestTimeoutSeconds = timeout
        }
        if let timeout = try section.number(
            "peer_timeout_seconds", mustBe: "a number of seconds greater than 0 and at most 3600",
            where: { $0 > 0 && $0 <= 3600 })
        {
            control.peerTimeoutSeconds = timeout
        }
        // Before this key existed, peer_timeout_seconds was also the idle limit: it still is by default.
        control.idleTimeoutSeconds = control.peerTimeoutSeconds
        if let timeout = try section.number(
            "idle_timeout_seconds", mustBe: "a number of seconds greater than 0 and at most 86400 (a day)",
            where: { $0 > 0 && $0 <= 86_400 })
        {
            control.idleTimeoutSeconds = timeout
        }
        return control
    }

    private static func notes(_ section: ConfigurationSection) throws -> NoteLimits {
        var notes = NoteLimits()
        if let bytes = try section.integer("max_bytes", in: 16...10_000) { notes.maxBytes = Int(bytes) }
        if let count = try section.integer("per_minute", in: 1...1000) { notes.perMinute = Int(count) }
        if let count = try section.integer("per_hour", in: 1...10_000) { notes.perHour = Int(count) }
        if let bytes = try section.integer("bytes_per_day", in: 1024...(100 << 20)) { notes.bytesPerDay = Int(bytes) }
        return notes
    }

    private static func fixity(_ section: ConfigurationSection) throws -> DaemonConfiguration.Fixity {
        var fixity = DaemonConfiguration.Fixity()
        if let enabled = try section.boolean("enabled") { fixity.enabled = enabled }
        if let hours = try section.number(
            "interval_hours", mustBe: "a number of hours greater than 0 and at most 8760 (a year)",
            where: { $0 > 0 && $0 <= 8760 })
        {
            fixity.intervalSeconds = hours * 3600
        }
        if let rate = try section.integer(
            "max_bytes_per_second", in: (1 << 20)...Int64.max, mustBe: "an integer of at least 1048576 (1 MiB)")
        {
            fixity.maxBytesPerSecond = rate
        }
        return fixity
    }

    private static func audit(_ section: ConfigurationSection) throws -> DaemonConfiguration.Audit {
        var audit = DaemonConfiguration.Audit()
        audit.anchorFile = try section.absolutePath("anchor_file")
        if let minutes = try section.number(
            "anchor_interval_minutes", mustBe: "a number of minutes greater than 0 and at most 1440 (a day)",
            where: { $0 > 0 && $0 <= 1440 })
        {
            audit.anchorIntervalSeconds = minutes * 60
        }
        if let journal = try section.boolean("journal") { audit.journal = journal }
        return audit
    }

    /// `$STATE_DIRECTORY` (systemd's `StateDirectory=`; the first of a colon-separated list), else
    /// `/var/lib/custody`, as `StateDirectory.defaultRoot` has it.
    private static func stateDirectory(_ environment: [String: String]) throws -> FilePath {
        let root = StateDirectory.defaultRoot(environment: environment)
        guard root.isAbsolute else {
            throw ConfigurationError(
                code: .environment, line: nil,
                detail:
                    "the environment variable STATE_DIRECTORY must be an absolute path, not \(TOMLValue.quoted(root.string)); set StateDirectory= in the unit, or state_directory in [store]"
            )
        }
        return root
    }

    /// `$CREDENTIALS_DIRECTORY` (systemd's `LoadCredential=`), where unlock passwords are.
    private static func credentialsDirectory(_ environment: [String: String]) throws -> String? {
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else { return nil }
        guard directory.hasPrefix("/") else {
            throw ConfigurationError(
                code: .environment, line: nil,
                detail:
                    "the environment variable CREDENTIALS_DIRECTORY must be an absolute path, not \(TOMLValue.quoted(directory))"
            )
        }
        return directory
    }
}

/// Every table of custodyd.toml and the keys it accepts (docs/configuration.md), in one place, so that
/// a key written under the wrong header can be told where it belongs.
enum ConfigurationSchema {
    typealias Key = ConfigurationSection.Key

    static let top: [Key] = [
        .table("store"), .table("ingest"), .table("control"), .table("devices"), .tableArray("watch"), .table("fixity"),
        .table("audit"),
        .table("review"),
        .table("notes"),
        .table("deletion"),
        .table("backup"),
        .table("metrics"),
    ]
    static let store: [Key] = [.value("state_directory"), .value("key_file")]
    static let ingest: [Key] = [.value("time_zone")]
    static let control: [Key] = [
        .value("socket"), .value("group"), .value("allowed_groups"), .value("max_connections"),
        .value("peer_timeout_seconds"), .value("max_connections_per_caller"), .value("reserved_admin_connections"),
        .value("request_timeout_seconds"), .value("idle_timeout_seconds"),
    ]
    static let devices: [Key] = [
        .value("enabled"), .value("block_device_timeout_ms"), .value("max_sessions"), .tableArray("profile"),
        .table("registry"),
    ]
    static let profile: [Key] = [
        .value("id"), .value("family"), .value("name"), .value("interface_class"), .value("unlock_password"),
        .value("wipe_after_verify"), .value("wipe"), .value("clock_file"), .value("media_folders"), .value("file_name_rule"),
        .value("clock_utc_offset_seconds"), .value("bulk_out"), .value("bulk_in"), .value("timeout_ms"),
    ]
    static let registryEntry: [Key] = [.value("officer"), .value("unit")]
    static let watch: [Key] = [
        .value("path"), .value("name"), .value("device"), .value("settle_seconds"), .value("remove_after_verify"),
    ]
    static let fixity: [Key] = [.value("enabled"), .value("interval_hours"), .value("max_bytes_per_second")]
    static let audit: [Key] = [.value("anchor_file"), .value("anchor_interval_minutes"), .value("journal")]
    static let review: [Key] = [.value("lease_minutes")]
    static let notes: [Key] = [.value("max_bytes"), .value("per_minute"), .value("per_hour"), .value("bytes_per_day")]
    static let deletion: [Key] = [.value("grace_days"), .value("retention_pass_hours"), .value("services")]
    static let backup: [Key] = [.value("lifetime_days"), .value("directory"), .value("schedule_hours")]
    static let metrics: [Key] = [.value("textfile_dir"), .value("interval_seconds")]

    private static let tables: [(header: String, keys: [Key])] = [
        ("[store]", store), ("[ingest]", ingest), ("[control]", control), ("[devices]", devices),
        ("[[devices.profile]]", profile), ("[devices.registry.\"SERIAL\"]", registryEntry), ("[[watch]]", watch),
        ("[fixity]", fixity), ("[audit]", audit), ("[review]", review),
        ("[notes]", notes),
        ("[deletion]", deletion),
        ("[backup]", backup),
        ("[metrics]", metrics),
    ]

    /// The headers of the tables that have `key` as a value key: `["[devices]", "[fixity]"]` for `enabled`.
    static func headers(accepting key: String) -> [String] {
        tables.filter { table in
            table.keys.contains { if case .value(key) = $0 { true } else { false } }
        }.map(\.header)
    }
}

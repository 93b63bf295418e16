import CustodyDaemon
import Testing

/// Every bad value stops the daemon with a message naming the file, the line, the key and the rule.
@Suite struct ConfigurationErrorTests {
    private static let profile = "[[devices.profile]]\nid = \"4255:0001\"\nfamily = \"mtp\"\n"

    private func parseError(_ text: String) throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self) {
            try ConfigurationFile.parse(text: text, path: "custodyd.toml", environment: [:])
        }
    }

    @Test(arguments: [
        // [store]
        (
            "[store]\nstate_directory = \"var/lib/custody\"", 2,
            #"key "state_directory" in [store] must be an absolute path (starting with /), not "var/lib/custody""#
        ),
        ("[store]\nkey_file = \"\"", 2, #"key "key_file" in [store] must be an absolute path"#),
        (
            "[store]\nstate_directory = 5", 2,
            #"key "state_directory" in [store] must be a string, not the integer 5"#
        ),
        // [ingest]
        (
            "[ingest]\ntime_zone = \"Mars/Olympus_Mons\"", 2,
            #"key "time_zone" in [ingest] must be an IANA time zone name like "Europe/Berlin", not "Mars/Olympus_Mons""#
        ),
        // [control]
        ("[control]\nsocket = \"control.sock\"", 2, #"key "socket" in [control] must be an absolute path"#),
        ("[control]\ngroup = [\"a\"]", 2, #"key "group" in [control] must be a string, not an array"#),
        (
            "[control]\nallowed_groups = \"custody\"", 2,
            #"key "allowed_groups" in [control] must be an array of strings, not the string "custody""#
        ),
        (
            "[control]\nallowed_groups = [\n\"custody\",\n3]", 4,
            #"key "allowed_groups" in [control] must be an array of strings, but holds the integer 3"#
        ),
        (
            "[control]\nallowed_groups = [\"\"]", 2,
            #"each element of key "allowed_groups" in [control] must be a group name"#
        ),
        (
            "[control]\nmax_connections = 0", 2,
            #"key "max_connections" in [control] must be an integer from 1 to 1024, not 0"#
        ),
        ("[control]\nmax_connections = 1025", 2, "from 1 to 1024, not 1025"),
        (
            "[control]\nmax_connections = \"64\"", 2,
            #"key "max_connections" in [control] must be an integer, not the string "64""#
        ),
        ("[control]\nmax_connections = 6.4", 2, "must be an integer, not the number 6.4"),
        (
            "[control]\npeer_timeout_seconds = 0", 2,
            #"key "peer_timeout_seconds" in [control] must be a number of seconds greater than 0"#
        ),
        ("[control]\npeer_timeout_seconds = 3601", 2, "at most 3600, not 3601"),
        (
            "[control]\nmax_connections = 4\nmax_connections_per_caller = 5", 3,
            #"key "max_connections_per_caller" in [control] must be an integer from 1 to max_connections (4), not 5"#
        ),
        (
            "[control]\nmax_connections = 4\nreserved_admin_connections = 4", 3,
            #"key "reserved_admin_connections" in [control] must be an integer from 0 to max_connections - 1 (3), not 4"#
        ),
        ("[control]\nrequest_timeout_seconds = 0", 2, "greater than 0 and at most 3600, not 0"),
        (
            "[notes]\nmax_bytes = 20000", 2,
            #"key "max_bytes" in [notes] must be an integer from 16 to 10000, not 20000"#
        ),
        ("[control]\npeer_timeout_seconds = true", 2, "must be a number, not the boolean true"),
        // [devices]
        ("[devices]\nenabled = \"yes\"", 2, #"key "enabled" in [devices] must be true or false, not the string "yes""#),
        ("[devices]\nblock_device_timeout_ms = 999", 2, "from 1000 to 600000, not 999"),
        ("[devices]\nprofile = 1", 2, #"key "profile" in [devices] must be an array of tables ([[devices.profile]])"#),
        (
            "[devices.profile]\nid = \"4255:0001\"", 1,
            "[devices.profile] must be written [[devices.profile]], once for each"
        ),
        // [[devices.profile]]
        (
            profile + "clock_file = \"MISC/TIME.TXT\"", 1,
            #"key "clock_file" in [[devices.profile]] is for mass_storage cameras"#
        ),
        (
            profile + "wipe = \"shred\"", 4,
            #"key "wipe" in [[devices.profile]] must be "unlink" or "overwrite", not "shred""#
        ),
        (
            profile + "wipe_after_verify = \"yes\"", 4,
            #"key "wipe_after_verify" in [[devices.profile]] must be true or false, not the string "yes""#
        ),
        (
            "\n[[devices.profile]]\nfamily = \"mtp\"", 2,
            #"[[devices.profile]] needs key "id" (a USB id like "4255:0001""#
        ),
        (
            "[[devices.profile]]\nid = \"4255:1\"\nfamily = \"mtp\"", 2,
            #"key "id" in [[devices.profile]] must be a USB id like "4255:0001" (vendor:product, 4 hexadecimal digits each), not "4255:1""#
        ),
        ("[[devices.profile]]\nid = \"+255:0001\"\nfamily = \"mtp\"", 2, "must be a USB id"),
        ("[[devices.profile]]\nid = \"4255:0001\"", 1, #"[[devices.profile]] needs key "family""#),
        (
            "[[devices.profile]]\nid = \"4255:0001\"\nfamily = \"usb\"", 3,
            #"key "family" in [[devices.profile]] must be one of "ambarella", "ambarella_a9", "jieli", "hengan", "massStorage", "mtp", not "usb""#
        ),
        (
            "\n\n[[devices.profile]]\nid = \"4255:0001\"\nfamily = \"ambarella\"", 3,
            #"[[devices.profile]] needs key "unlock_password" (family "ambarella" unlocks with a password"#
        ),
        (
            "[[devices.profile]]\nid = \"4255:0001\"\nfamily = \"jieli\"\nunlock_password = \"/etc/secret\"", 4,
            #"key "unlock_password" in [[devices.profile]] must be the name of a systemd credential"#
        ),
        (
            "[[devices.profile]]\nid = \"4255:0001\"\nfamily = \"jieli\"\nunlock_password = \"..\"", 4,
            "systemd credential"
        ),
        (profile + "interface_class = 256", 4, "from 0 to 255, not 256"),
        (
            profile + "media_folders = [\"DCIM\", \"../etc\"]", 4,
            #"each element of key "media_folders" in [[devices.profile]] must be a folder below the volume root, like "DCIM" (no "..", not absolute), not "../etc""#
        ),
        (profile + "media_folders = [\"/DCIM\"]", 4, "not absolute"),
        (profile + "media_folders = \"DCIM\"", 4, "must be an array of strings"),
        (
            profile + "file_name_rule = \"mine\"", 4,
            #"key "file_name_rule" in [[devices.profile]] must be one of "date_time_seq_device_officer""#
        ),
        (profile + "clock_utc_offset_seconds = 50401", 4, "from -50400 to 50400"),
        (
            profile + "bulk_out = 0x81", 4,
            #"key "bulk_out" in [[devices.profile]] must be an OUT endpoint address (0 to 127, bit 7 clear), not 129"#
        ),
        (profile + "bulk_in = 0x01", 4, "must be an IN endpoint address (128 to 255, bit 7 set), not 1"),
        (
            profile + "timeout_ms = 0", 4,
            #"key "timeout_ms" in [[devices.profile]] must be an integer from 1 to 4294967295, not 0"#
        ),
        (profile + "name = \"\"", 4, #"key "name" in [[devices.profile]] must be a non-empty string"#),
        (
            profile + "\n" + profile, 5,
            "the [[devices.profile]] on line 1 already matches 4255:0001; this one would never be used"
        ),
        // [devices.registry]
        (
            "[devices.registry.\"SN1\"]\nofficer = 5", 2,
            #"key "officer" in [devices.registry.SN1] must be a string, not the integer 5"#
        ),
        (
            "[devices.registry]\nSN1 = \"P1\"", 2,
            #"key "SN1" in [devices.registry] must be a table ([devices.registry.SN1])"#
        ),
        ("[devices.registry.\"\"]\nofficer = \"P1\"", 1, "the serial number cannot be empty"),
        // [[watch]]
        ("[[watch]]\nname = \"x\"", 1, #"[[watch]] needs key "path" (the absolute path of the folder)"#),
        (
            "[[watch]]\npath = \"incoming\"", 2,
            #"key "path" in [[watch]] must be an absolute path (starting with /), not "incoming""#
        ),
        (
            "[[watch]]\npath = \"/srv/in\"\n[[watch]]\npath = \"/srv/in/\"", 4,
            "/srv/in is already watched by the [[watch]] whose path is on line 2"
        ),
        (
            "[[watch]]\npath = \"/a/in\"\n[[watch]]\npath = \"/b/in\"", 4,
            #"the [[watch]] on line 1 is already named "in""#
        ),
        ("[[watch]]\npath = \"/srv/in\"\nsettle_seconds = -1", 3, "from 0 to 3600, not -1"),
        ("[[watch]]\npath = \"/srv/in\"\nremove_after_verify = 1", 3, "must be true or false, not the integer 1"),
        ("[watch]\npath = \"/srv/in\"", 1, "[watch] must be written [[watch]], once for each"),
        // [fixity]
        (
            "[fixity]\ninterval_hours = 0", 2,
            #"key "interval_hours" in [fixity] must be a number of hours greater than 0"#
        ),
        ("[fixity]\nmax_bytes_per_second = 1000", 2, "at least 1048576 (1 MiB), not 1000"),
        ("[[fixity]]", 1, "[[fixity]] must be written [fixity]: there is only one"),
    ])
    func badValuesNameTheKeyAndLine(text: String, line: Int, message: String) throws {
        let error = try parseError(text)
        #expect(error.line == line, "\(error.message)")
        #expect(error.message.hasPrefix("custodyd.toml line \(line): "), "\(error.message)")
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        (
            "[store]\nstat_directory = \"/x\"", 2,
            #"unknown key "stat_directory" in [store]; did you mean "state_directory"?"#
        ),
        ("[store]\nstateDirectory = \"/x\"", 2, #"did you mean "state_directory"?"#),
        (
            ConfigurationErrorTests.profile + "wipeAfterVerify = true", 4,
            #"unknown key "wipeAfterVerify" in [[devices.profile]]; did you mean "wipe_after_verify"?"#
        ),
        ("[control]\nmax_conections = 5", 2, #"did you mean "max_connections"?"#),
        ("[control]\nfrobnicate = 5", 2, #"unknown key "frobnicate" in [control] (keys are "socket", "group""#),
        ("\n[stor]", 2, "unknown table [stor]; did you mean [store]?"),
        ("[[watches]]\npath = \"/x\"", 1, "unknown table [[watches]]; did you mean [[watch]]?"),
        (
            "[logging]\nlevel = \"debug\"", 1,
            "unknown table [logging] (tables are [store], [ingest], [control], [devices], [[watch]], [fixity], [audit], [review], [notes], [deletion], [backup], [metrics])"
        ),
        ("store = \"/x\"", 1, #"key "store" at the top level must be a table ([store]), not the string "/x""#),
        ("state_directory = \"/x\"", 1, #"unknown key "state_directory" at the top level; it belongs in [store]"#),
        (
            "[store]\nstate_directory = \"/x\"\nsocket = \"/s\"", 3,
            #"unknown key "socket" in [store]; it belongs in [control]"#
        ),
        ("[ingest]\nenabled = true", 2, "it belongs in [devices] or [fixity]"),
        (
            "[devices.registry.\"SN1\"]\nofficer_id = \"P1\"", 2,
            #"unknown key "officer_id" in [devices.registry.SN1]; did you mean "officer"?"#
        ),
        ("[devices.profiles]", 1, "unknown table [devices.profiles]; did you mean [[devices.profile]]?"),
    ])
    func unknownKeysAreRefusedWithASuggestion(text: String, line: Int, message: String) throws {
        let error = try parseError(text)
        #expect(error.code == .unknownKey || error.code == .wrongType)
        #expect(
            error.message == "custodyd.toml line \(line): " + message || error.message.contains(message),
            "\(error.message)")
        #expect(error.line == line)
    }

    @Test func syntaxErrorsNameTheFileToo() throws {
        let error = try parseError("[store]\n\nstate_directory = \"/x\nkey_file = 1")
        #expect(error.code == .syntax)
        #expect(error.message == "custodyd.toml line 3: a string is not closed with \" before the end of the line")
    }
}

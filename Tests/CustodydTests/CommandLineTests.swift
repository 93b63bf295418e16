import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct CommandLineTests {
    @Test func importListShowAndVerifyTheDemoShapes() throws {
        let fixture = try CLIFixture("demoShapes")
        let hash = try fixture.put("DCIM/A.MP4", testBytes(count: 70_000, seed: 1))
        let imported = try fixture.json("import", "--device", "DEV0001", fixture.source)
        #expect(imported["verified"] as? Int == 1)
        #expect((imported["failed"] as? [Any])?.isEmpty == true)

        let item = try #require(try fixture.itemsByPath()["DCIM/A.MP4"])
        #expect(item["sha256"] as? String == hash)
        #expect(item["state"] as? String == "verified")
        #expect(item["size"] as? Int == 70_000)
        #expect((item["source"] as? [String: Any])?["device"] as? String == "DEV0001")
        #expect(item["wrapped_key"] == nil)

        let id = try #require(item["id"] as? String)
        let shown = try fixture.json("show", String(id.prefix(8)))
        #expect((shown["item"] as? [String: Any])?["id"] as? String == id)
        let actions = (shown["audit"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
        #expect(actions == ["item.stored", "item.verified", "item.probed", "item.viewed"])

        let human = try fixture.run("list", "--device", "DEV0001", "--sha256", String(hash.prefix(6)))
        #expect(human.status == 0)
        #expect(human.stdout.contains(id))
        #expect(try fixture.run("list", "--device", "OTHER").stdout.contains("0 items"))

        let verify = try fixture.json("verify", "--deep")
        #expect(verify["ok"] as? Bool == true)
        #expect(verify["checked"] as? Int == 1)
        let chain = try fixture.json("audit", "verify")
        #expect(chain["ok"] as? Bool == true)
    }

    @Test func initCreatesMissingParents() throws {
        let fixture = try CLIFixture("initParents", initialise: false)
        let state = fixture.directory.file("a/b/state")
        #expect(try custodyd("init", "--state", state).status == 0)
        #expect(try custodyd("verify", "--state", state).stdout.contains("0 items checked"))
    }

    @Test func customNameRulesAndZoneShapeTheRecordedAtTime() throws {
        let fixture = try CLIFixture("nameRules")
        try fixture.put("CAM7-OF42-20240501120000.dat", testBytes(count: 100, seed: 9))
        let result = try fixture.run(
            "import", "--name-rule", "{device}-{officer}-{datetime}", "--time-zone", "Asia/Shanghai", fixture.source)
        #expect(result.status == 0, "\(result.stderr)")
        let media = try #require(try fixture.itemsByPath()["CAM7-OF42-20240501120000.dat"]?["media"] as? [String: Any])
        #expect(media["officer"] as? String == "OF42")
        #expect(media["recorded_at"] as? String == "2024-05-01T04:00:00.000Z")
        #expect(media["recorded_at_source"] as? String == "file_name")
        let listed = try fixture.json(
            "list", "--officer", "OF42", "--recorded-from", "2024-05-01", "--recorded-to", "2024-05-02")
        #expect(listed["count"] as? Int == 1)
        let shown = try fixture.json("show", String((listed["items"] as! [[String: Any]])[0]["id"] as! String))
        #expect((shown["metadata"] as? [String: Any])?["nameFields"] != nil)
        #expect(try fixture.run("reprobe").stdout.contains("1 item probed"))
    }

    @Test func initRefusesToOverwriteAStateOrAKey() throws {
        let fixture = try CLIFixture("initRefuses")
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.key))
        let again = try fixture.run("init")
        #expect(again.status == 2)
        #expect(again.stderr.contains("already"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.key)) == before)
        var info = stat()
        stat(fixture.key, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func aWrongMissingOrExposedKeyIsRefusedAndNothingIsWritten() throws {
        let fixture = try CLIFixture("wrongKey")
        try fixture.put("a.mp4", testBytes(count: 1000, seed: 2))
        let other = try CLIFixture("wrongKeyOther")
        let auditBefore = try fixture.json("audit", "verify")["entries"] as? Int

        let wrong = try fixture.run("import", "--key-file", other.key, fixture.source)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("is not this store's key"))

        let missing = try fixture.run("import", "--key-file", fixture.directory.file("nope.kek"), fixture.source)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no key file at"))

        let exposed = try fixture.directory.write(
            Array(try Data(contentsOf: URL(fileURLWithPath: fixture.key))), to: "exposed.kek")
        chmod(exposed, 0o644)
        let open = try fixture.run("import", "--key-file", exposed, fixture.source)
        #expect(open.status == 2)
        #expect(open.stderr.contains("chmod 600"))

        let short = try fixture.directory.write([1, 2, 3], to: "short.kek")
        chmod(short, 0o600)
        #expect(try fixture.run("import", "--key-file", short, fixture.source).stderr.contains("exactly 32"))

        #expect(try fixture.itemsByPath().isEmpty)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: fixture.state + "/objects").isEmpty)
        // Only the audit verification itself and the list above were added; no import entries.
        let auditAfter = try fixture.json("audit", "verify")["entries"] as? Int
        #expect(auditAfter == (auditBefore ?? 0) + 1)
    }

    @Test func aFlippedByteIsReportedByIdAndPathAndFailsTheExitStatus() throws {
        let fixture = try CLIFixture("flippedByte")
        try fixture.put("a.mp4", testBytes(count: 50_000, seed: 3))
        try fixture.put("b.mp4", testBytes(count: 50_000, seed: 4))
        #expect(try fixture.run("import", fixture.source).status == 0)
        let item = try #require(try fixture.itemsByPath()["b.mp4"])
        let object =
            fixture.state + "/objects/" + String((item["ciphertext_sha256"] as! String).prefix(2)) + "/"
            + (item["ciphertext_sha256"] as! String)
        let handle = try #require(FileHandle(forUpdatingAtPath: object))
        try handle.seek(toOffset: 1000)
        let byte = try #require(try handle.read(upToCount: 1))
        try handle.seek(toOffset: 1000)
        try handle.write(contentsOf: Data([byte[0] ^ 0x01]))
        try handle.close()

        for arguments in [["verify"], ["verify", "--deep"]] {
            let result = try custodyd(arguments: arguments + ["--state", fixture.state])
            #expect(result.status == 1)
            #expect(result.stdout.contains(item["id"] as! String))
            #expect(result.stdout.contains(object))
            #expect(result.stdout.contains("1 passed, 1 problems"))
        }
    }

    @Test func anUnreadableFileIsNamedAndTheRestContinue() throws {
        let fixture = try CLIFixture("unreadable")
        try fixture.put("a-readable.mp4", testBytes(count: 1000, seed: 5))
        let secret = try fixture.put("b-locked.mp4", testBytes(count: 1000, seed: 6))
        try fixture.put("c-readable.mp4", testBytes(count: 1000, seed: 7))
        chmod(fixture.source + "/b-locked.mp4", 0o000)
        defer { chmod(fixture.source + "/b-locked.mp4", 0o600) }

        var arguments = ["import", "--json", "--state", fixture.state, fixture.source]
        var executable = BuiltProducts.custodyd
        if geteuid() == 0 {
            // Root reads anything: drop to an unprivileged user that owns the state but not the file.
            let nobody: UInt32 = 65534
            for path in try [fixture.directory.path]
                + FileManager.default.subpathsOfDirectory(atPath: fixture.directory.path).map({
                    fixture.directory.path + "/" + $0
                })
            {
                chown(path, nobody, nobody)
            }
            chown(fixture.source + "/b-locked.mp4", 0, 0)
            arguments =
                ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", BuiltProducts.custodyd] + arguments
            executable = "/usr/bin/setpriv"
        }
        let result = try CustodyTesting.run(executable, arguments)
        #expect(result.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["verified"] as? Int == 2)
        let failed = try #require(summary["failed"] as? [[String: String]])
        #expect(failed.count == 1)
        #expect(failed.first?["path"] == "b-locked.mp4")
        #expect(failed.first?["reason"]?.contains("Permission denied") == true)
        #expect(try fixture.itemsByPath()["b-locked.mp4"] == nil)
        _ = secret
    }

    @Test func badArgumentsGetClearErrors() throws {
        let fixture = try CLIFixture("badArguments")
        // A file is read as a volume image: one that holds no filesystem is refused, naming what is missing.
        let notVolume = try fixture.directory.write([1], to: "file.bin")
        let importFile = try fixture.run("import", notVolume)
        #expect(importFile.status == 2)
        #expect(importFile.stderr.contains("FAT or exFAT"), "\(importFile.stderr)")
        #expect(mkfifo(fixture.directory.file("pipe"), 0o600) == 0)
        let importFIFO = try fixture.run("import", fixture.directory.file("pipe"))
        #expect(importFIFO.stderr.contains("is not a directory, an image file or a block device"))
        #expect(try fixture.run("import", fixture.directory.file("missing")).stderr.contains("does not exist"))
        #expect(try fixture.run("import", fixture.directory.path).stderr.contains("overlaps the state directory"))
        #expect(try fixture.run("import", fixture.state + "/objects").stderr.contains("overlaps the state directory"))
        #expect(
            try fixture.run("import", "--name-rule", "{date}_{bogus}", fixture.source).stderr.contains(
                "unknown field {bogus}"))
        #expect(
            try fixture.run("import", "--time-zone", "Mars/Olympus", fixture.source).stderr.contains(
                "is not a time zone"))
        #expect(try fixture.run("list", "--kind", "hologram").stderr.contains("is not one of"))
        #expect(try fixture.run("show", "abc").stderr.contains("at least its first 8"))
        #expect(try fixture.run("show", "00000000").stderr.contains("no item has an id"))
        #expect(try fixture.run("list", "--to", "someday").stderr.contains("is not a date"))
        let noState = try custodyd("list", "--state", fixture.directory.file("nowhere"))
        #expect(noState.status == 2)
        #expect(noState.stderr.contains("custodyd init"))
    }
}

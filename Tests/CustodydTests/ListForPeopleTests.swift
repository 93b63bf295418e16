import CustodyTesting
import Foundation
import Testing

/// `list` and `show` as a reviewer types them: every date form, the header, `--utc` (DESIGN §14).
@Suite(.serialized) struct ListForPeopleTests {
    @Test func everyDateFormFiltersTheListAndTheHumanViewsCarryTheirZone() throws {
        let fixture = try CLIFixture("listForPeople")
        try fixture.put("CAM7-OF42-20240501120000.dat", testBytes(count: 100, seed: 9))
        let imported = try fixture.run(
            "import", "--name-rule", "{device}-{officer}-{datetime}", "--time-zone", "Asia/Shanghai", fixture.source)
        #expect(imported.status == 0, "\(imported.stderr)")

        func count(_ arguments: String...) throws -> Int? {
            try fixture.json(arguments: ["list"] + arguments)["count"] as? Int
        }
        // Just ingested: after every past form, before none of them.
        for form in ["yesterday", "last tuesday", "7d", "2w", "48h", "2024-05-01", "2024-05-01T00:00:00Z"] {
            #expect(try count("--from", form) == 1, "--from \(form)")
            #expect(try count("--to", form) == 0, "--to \(form)")
        }
        // Recorded 2024-05-01T04:00Z; officer ids match in any case.
        #expect(try count("--recorded-from", "2024-05-01T03:59:59Z", "--recorded-to", "2024-05-01T04:00:01Z") == 1)
        #expect(try count("--recorded-from", "2024-05-01T04:00:01Z") == 0)
        #expect(try count("--officer", "of42") == 1)
        #expect(try fixture.run("list", "--recorded-from", "last blursday").stderr.contains("is not a date"))

        let human = try fixture.run("list", "--utc")
        #expect(human.status == 0, "\(human.stderr)")
        let lines = human.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("RECORDED") == true)
        #expect(lines.count == 3 && lines[2] == "1 item")
        #expect(lines[1].contains("2024-05-01 04:00:00 +00:00") && lines[1].contains("OF42"))

        let id = try #require(lines[1].split(separator: " ").first.map(String.init))
        let shown = try fixture.run("show", String(id.prefix(8)), "--utc")
        #expect(shown.stdout.contains("+00:00"), "\(shown.stdout)")
    }

    /// A recording that came off the camera broken — an `.MP4` of random bytes, an empty one — is
    /// flagged where a reviewer looks: `list`'s kind column, `--json`'s `flags`, and `list --flagged`,
    /// which finds them and not the whole recording beside them.
    @Test func unreadableRecordingsAreFlaggedInTheListAndFoundByFlagged() throws {
        let fixture = try CLIFixture("listFlagsUnreadable")
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let whole = try Data(
            contentsOf: repository.appendingPathComponent(
                "fixtures/demo-volume/DCIM/100MEDIA/20240501_100000_0001_DEV0001_P1234.MP4"))
        try fixture.put("WHOLE.MP4", Array(whole))
        try fixture.put("RANDOM.MP4", testBytes(count: 4096, seed: 41))
        try fixture.put("EMPTY.MP4", [])
        let imported = try fixture.run("import", fixture.source)
        #expect(imported.status == 0, "\(imported.stderr)")

        let byPath = try fixture.itemsByPath()
        #expect(byPath["WHOLE.MP4"]?["flags"] as? [String] == [])
        #expect((byPath["WHOLE.MP4"]?["media"] as? [String: Any])?["kind"] as? String == "video")
        for name in ["RANDOM.MP4", "EMPTY.MP4"] {
            #expect(byPath[name]?["flags"] as? [String] == ["unreadable"], "\(name): \(byPath[name] ?? [:])")
            #expect((byPath[name]?["media"] as? [String: Any])?["unreadable"] is String, "\(name)")
        }

        let flagged = try fixture.json("list", "--flagged")["items"] as? [[String: Any]] ?? []
        let flaggedPaths = Set(flagged.compactMap { ($0["source"] as? [String: Any])?["path"] as? String })
        #expect(flaggedPaths == ["RANDOM.MP4", "EMPTY.MP4"])
        let unflagged = try fixture.json("list", "--no-flagged")["items"] as? [[String: Any]] ?? []
        #expect(unflagged.compactMap { ($0["source"] as? [String: Any])?["path"] as? String } == ["WHOLE.MP4"])

        // For people: the kind column carries the flag.
        let human = try fixture.run("list", "--flagged")
        let rows = human.stdout.split(separator: "\n").dropFirst().dropLast()
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains("other !unreadable") }, "\(human.stdout)")
    }
}

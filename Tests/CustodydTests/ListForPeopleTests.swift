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
}

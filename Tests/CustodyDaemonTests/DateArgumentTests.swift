import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import Foundation
import Testing

/// The date forms `list` takes, resolved at a fixed instant in a zone east of UTC so a local midnight
/// and a UTC one differ (DESIGN §14).
@Suite struct DateArgumentTests {
    /// Wednesday 2026-12-02 10:30 in Shanghai (UTC+8), 02:30 UTC.
    let now = Date(timeIntervalSince1970: 1_796_178_600)
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func resolve(_ text: String) throws -> String {
        try DateArgument.resolve(text, option: "from", now: now, timeZone: shanghai)
    }

    @Test func theFixedInstantIsTheWednesdayTheTestsAssume() {
        #expect(Timestamps.rfc3339(now) == "2026-12-02T02:30:00.000Z")
    }

    @Test(arguments: [
        ("today", "2026-12-01T16:00:00.000Z"),
        ("Today", "2026-12-01T16:00:00.000Z"),
        ("yesterday", "2026-11-30T16:00:00.000Z"),
        ("7d", "2026-11-25T02:30:00.000Z"),
        ("12h", "2026-12-01T14:30:00.000Z"),
        ("2w", "2026-11-18T02:30:00.000Z"),
        ("last tuesday", "2026-11-30T16:00:00.000Z"),
        ("last wednesday", "2026-11-24T16:00:00.000Z"),
        ("last thursday", "2026-11-25T16:00:00.000Z"),
        ("last Sunday", "2026-11-28T16:00:00.000Z"),
        ("friday", "2026-11-26T16:00:00.000Z"),
        ("2024-05-01", "2024-04-30T16:00:00.000Z"),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000Z"),
        ("2024-05-01T10:00:00.250+02:00", "2024-05-01T08:00:00.250Z"),
    ])
    func eachFormResolvesToTheInstantItNames(text: String, expected: String) throws {
        #expect(try resolve(text) == expected)
    }

    @Test(arguments: ["someday", "last", "last blursday", "2024-02-31", "2024-13-01", "7y", "d", "-3d", ""])
    func anythingElseIsRefusedNamingTheOptionAndTheForms(text: String) {
        let error = #expect(throws: ValidationError.self) { try resolve(text) }
        #expect(error?.message.contains("--from '\(text)' is not a date") == true)
        #expect(error?.message.contains("last tuesday") == true)
    }

    @Test func aLocalDateInUTCIsUTCMidnight() throws {
        let utc = try DateArgument.resolve("2024-05-01", option: "to", now: now, timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc == "2024-05-01T00:00:00.000Z")
    }

    @Test func theFiltersResolveEveryDateOptionBeforeTheQueryLeaves() throws {
        let options = try ItemFilterOptions.parse([
            "--from", "yesterday", "--to", "today", "--recorded-from", "last tuesday", "--recorded-to", "7d",
            "--due-before", "2027-01-01", "--due-after", "2026-12-02T00:00:00Z",
        ])
        let query = try options.query(limit: 5, now: now, timeZone: shanghai)
        #expect(query.from == "2026-11-30T16:00:00.000Z")
        #expect(query.to == "2026-12-01T16:00:00.000Z")
        #expect(query.recordedFrom == "2026-11-30T16:00:00.000Z")
        #expect(query.recordedTo == "2026-11-25T02:30:00.000Z")
        #expect(query.dueBefore == "2026-12-31T16:00:00.000Z")
        #expect(query.dueAfter == "2026-12-02T00:00:00.000Z")
        let bad = try ItemFilterOptions.parse(["--recorded-to", "soon"])
        #expect(throws: ValidationError.self) { try bad.query(limit: 5, now: now, timeZone: shanghai) }
    }
}

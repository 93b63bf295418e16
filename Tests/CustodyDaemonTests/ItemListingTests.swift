import ControlProtocol
import CustodyCommandLine
import Foundation
import Testing

/// `list` and `show` for people: a header, aligned columns, local times with their offset, `--utc`.
@Suite struct ItemListingTests {
    let shanghai = TimeDisplay(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    let utc = TimeDisplay.chosen(utc: true)

    func item(_ id: String, recorded: String?, officer: String?, seconds: Double?, due: String?) -> ItemView {
        var view = ItemView(
            id: id, state: "verified", sha256: String(repeating: "a", count: 64),
            ciphertextSHA256: String(repeating: "b", count: 64), size: 10, ciphertextSize: 90,
            source: .init(device: "CAM1", root: "/dock", path: "A.MP4", pathHex: "", size: 10, modified: "-"),
            ingestedAt: "2024-05-01T05:00:00.000Z",
            media: .init(kind: "video", recordedAt: recorded, durationSeconds: seconds, officer: officer))
        view.reviewState = "pending"
        view.dueAt = due
        view.retentionCategory = officer == nil ? nil : "traffic-stop"
        return view
    }

    @Test func theHeaderAndEveryRowShareTheColumnStarts() {
        var trashed = item("22222222-bbbb", recorded: nil, officer: nil, seconds: 65.4, due: nil)
        trashed.state = "trashed"
        // The shred date in the local zone: already the 22nd in Shanghai.
        trashed.shredAfter = "2026-12-21T18:00:00.000Z"
        let items = [
            item("11111111-aaaa", recorded: "2024-05-01T04:00:00.000Z", officer: "OF42", seconds: 3_723, due: "2025-05-01T04:00:00.000Z"),
            trashed,
        ]
        let lines = ItemListing.lines(items, time: shanghai)
        #expect(lines.count == 4)
        #expect(lines[0] == "ID             STATE                             RECORDED                    OFFICER  DEVICE  KIND   DURATION  REVIEW   CATEGORY      DUE")
        #expect(lines[1] == "11111111-aaaa  verified                          2024-05-01 12:00:00 +08:00  OF42     CAM1    video  1:02:03   pending  traffic-stop  2025-05-01")
        #expect(lines[2] == "22222222-bbbb  trashed (shred after 2026-12-22)  -                           -        CAM1    video  1:05      pending  -             never")
        #expect(lines[3] == "2 items")
        // Every column starts at the same offset in the header and the rows.
        for title in ItemListing.header.dropFirst() {
            let column = lines[0].range(of: title)!.lowerBound.utf16Offset(in: lines[0])
            for row in lines[1...2] {
                let before = row.index(row.startIndex, offsetBy: column - 2)
                #expect(row[before..<row.index(before, offsetBy: 2)] == "  ", "\(title) in \(row)")
            }
        }
    }

    @Test func utcShowsTheSameInstantAtOffsetZero() {
        let lines = ItemListing.lines(
            [item("1", recorded: "2024-05-01T04:00:00.000Z", officer: "OF42", seconds: 1, due: nil)], time: utc)
        #expect(lines[1].contains("2024-05-01 04:00:00 +00:00"))
    }

    @Test func anEmptyListIsOnlyItsCount() {
        #expect(ItemListing.lines([], time: utc) == ["0 items"])
    }

    @Test func aZoneWestOfUTCShowsANegativeOffsetAndTheEarlierDay() {
        let chicago = TimeDisplay(timeZone: TimeZone(identifier: "America/Chicago")!)
        #expect(chicago.text("2024-05-01T04:00:00.000Z") == "2024-04-30 23:00:00 -05:00")
        #expect(chicago.day("2024-05-01T04:00:00.000Z") == "2024-04-30")
        #expect(chicago.text("not a time") == "not a time")
    }

    @Test func showPrintsItsTimesInTheChosenZone() {
        let view = item("1", recorded: "2024-05-01T04:00:00.000Z", officer: "OF42", seconds: 1, due: nil)
        let audit = [AuditEntryView(seq: 3, at: "2024-05-01T05:00:01.000Z", actor: "dock", action: "item.stored", detail: "")]
        let local = ItemDetailText.lines(view, metadata: nil, audit: audit, time: shanghai)
        #expect(local.contains("ingested at        2024-05-01 13:00:00 +08:00"))
        #expect(local.contains("  #3  2024-05-01 13:00:01 +08:00  dock  item.stored  "))
        let inUTC = ItemDetailText.lines(view, metadata: nil, audit: audit, time: utc)
        #expect(inUTC.contains("ingested at        2024-05-01 05:00:00 +00:00"))
    }
}

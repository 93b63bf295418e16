import ControlProtocol
import CustodyCommandLine
import Foundation
import Testing

/// `custody report` for people: each section's figures, as the JSON carries them.
@Suite struct ReportTextTests {
    @Test func theTextViewCarriesEachSectionsFigures() {
        let delays = SupervisionReportView.Delays(items: 5, medianHours: 20, p90Hours: 50, within24hShare: 0.6)
        var report = SupervisionReportView(
            from: "2027-01-01T00:00:00.000Z", to: "2027-01-31T00:00:00.000Z", generatedAt: "2027-01-31T00:00:00.000Z",
            scope: "all", items: 6,
            timeliness: .init(
                overall: delays, byOfficer: ["P1": delays], byUnit: [:], lateCount: 2, late: ["d", "c"], unmeasured: 1),
            review: .init(
                pending: 3, reviewed: 2, reviewedShare: 0.4,
                backlogByAge: [.init(age: "under 1d", items: 1), .init(age: "1-7d", items: 2)], outcomes: ["ok": 1],
                neverViewed: 3),
            categorisation: .init(uncategorized: 4, oldestUncategorizedDays: 10, categories: ["traffic-stop": 2]),
            integrity: .init(fixityFailures: 1, lastFixityPass: nil, auditHeadSeq: 42, auditHeadHash: "ab"))
        report.retention = .init(
            due: 3, deletionsNext72h: 1, deletionsNext30d: 2, holdsActive: 1, heldItems: 4,
            holds: [.init(id: 5, matter: "case 2024-7", items: 4)])
        report.devices = Self.devices
        report.access = Self.access
        report.storage = Self.storage
        let text = ReportText.lines(report, time: .chosen(utc: true))
        #expect(
            text[0]
                == "Supervision report, 2027-01-01 00:00:00 +00:00 to 2027-01-31 00:00:00 +00:00; 6 items, scope all")
        #expect(text.contains("  all                                5        20.0        50.0      60.0 %"))
        #expect(text.contains("  officer P1                         5        20.0        50.0      60.0 %"))
        #expect(text.contains("  late (over 24 h): 2; without a recorded time: 1"))
        #expect(text.contains("    d"))
        #expect(text.contains("  pending 3, reviewed 2 (40.0 %)"))
        #expect(text.contains("  backlog by age: under 1d 1, 1-7d 2"))
        #expect(text.contains("  outcomes: ok 1"))
        #expect(text.contains("  never viewed: 3"))
        #expect(text.contains("  uncategorized 4, oldest 10.0 days"))
        #expect(text.contains("  categories used: traffic-stop 2"))
        #expect(text.contains("  fixity failures 1 open, 0 found in the period; last fixity pass never"))
        #expect(text.contains("  audit head #42 ab"))
        #expect(text.contains("  due 3; leaving the trash within 72 h 1, within 30 days 2"))
        #expect(text.contains("  holds active 1, items held 4"))
        #expect(text.contains("    #5 case 2024-7: 4 items"))
        #expect(text.contains("  not docked for 7 days: 2"))
        #expect(text.contains("    SN-C never docked"))
        #expect(text.contains("    SN-B last docked 2027-01-20 00:00:00 +00:00 (11.0 days)"))
        #expect(text.contains("  clock drift over 3 s a day: 1"))
        #expect(text.contains("    SN-A -8 s over 1 day (8.0 s a day), docked 2027-01-30 00:00:00 +00:00"))
        #expect(text.contains("  in maintenance: SN-D"))
        #expect(text.contains("  dock sessions failed 1, partial 1"))
        #expect(text.contains("    2027-01-30 01:00:00 +00:00 SN-A bay 2 interrupted"))
        #expect(text.contains("    2027-01-29 00:00:00 +00:00 - bay 1 failed, 0 verified, 3 failed"))
        #expect(text.contains("  refusals 5: P2 2, uid:4321 3"))
        #expect(text.contains("  grants expiring within 14 days: 1"))
        #expect(
            text.contains(
                "    #3 R1 reviewer of NORTH until 2027-02-05 00:00:00 +00:00, last used 2027-01-30 00:00:00 +00:00"))
        #expect(text.contains("  grants unused for 90 days: 1"))
        #expect(text.contains("    #2 U1 auditor until 2027-06-01 00:00:00 +00:00, last used never"))
        #expect(text.contains("  1200 items: 1.5 GiB of content, 1.6 GiB on disk"))
        #expect(
            text.contains(
                "  free 100.0 GiB of 400.0 GiB; 256.0 MiB a week (mean of the last 4 weeks), full in 7.7 years at that rate"
            ))
        #expect(text.contains("    from 2027-01-24 00:00:00 +00:00  +512.0 MiB  1.6 GiB"))
    }

    /// A devices section with one of each kind of line.
    static let devices = SupervisionReportView.Devices(
        idleDays: 7,
        notDocked: [
            .init(serial: "SN-C", lastDockedAt: nil, days: nil),
            .init(serial: "SN-B", lastDockedAt: "2027-01-20T00:00:00.000Z", days: 11),
        ],
        clockDrift: [
            .init(
                serial: "SN-A", session: "s2", dockedAt: "2027-01-30T00:00:00.000Z", offsetSeconds: -8, days: 1,
                secondsPerDay: 8)
        ],
        inMaintenance: ["SN-D"], failedSessions: 1, partialSessions: 1,
        sessions: [
            .init(
                session: "s2", serial: "SN-A", bay: "2", finishedAt: "2027-01-30T01:00:00.000Z", outcome: "interrupted",
                verified: nil, failed: nil),
            .init(
                session: "s1", serial: nil, bay: "1", finishedAt: "2027-01-29T00:00:00.000Z", outcome: "failed",
                verified: 0, failed: 3),
        ])

    /// An access section with a refusal of each kind and a grant of each list.
    static let access = SupervisionReportView.Access(
        refusals: 5, refusalsByPrincipal: ["P2": 2, "uid:4321": 3],
        expiringSoon: [
            .init(
                id: 3, person: "R1", role: "reviewer", scope: "NORTH", validUntil: "2027-02-05T00:00:00.000Z",
                lastUsedAt: "2027-01-30T00:00:00.000Z")
        ],
        unused: [
            .init(
                id: 2, person: "U1", role: "auditor", scope: nil, validUntil: "2027-06-01T00:00:00.000Z",
                lastUsedAt: nil)
        ])

    /// A storage section of two weeks.
    static let storage = SupervisionReportView.Storage(
        items: 1200, bytes: 3 << 29, ciphertextBytes: (3 << 29) + (1 << 26),
        weeks: [
            .init(from: "2027-01-17T00:00:00.000Z", addedBytes: 0, storedBytes: (1 << 30) + (1 << 26)),
            .init(from: "2027-01-24T00:00:00.000Z", addedBytes: 1 << 29, storedBytes: (3 << 29) + (1 << 26)),
        ],
        freeBytes: 100 << 30, filesystemBytes: 400 << 30, weeklyRateBytes: 1 << 28, daysUntilFull: 2800)
}

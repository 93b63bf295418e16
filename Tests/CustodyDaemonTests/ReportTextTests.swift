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
            timeliness: .init(overall: delays, byOfficer: ["P1": delays], byUnit: [:], lateCount: 2, late: ["d", "c"], unmeasured: 1),
            review: .init(
                pending: 3, reviewed: 2, reviewedShare: 0.4,
                backlogByAge: [.init(age: "under 1d", items: 1), .init(age: "1-7d", items: 2)], outcomes: ["ok": 1],
                neverViewed: 3),
            categorisation: .init(uncategorized: 4, oldestUncategorizedDays: 10, categories: ["traffic-stop": 2]),
            integrity: .init(fixityFailures: 1, lastFixityPass: nil, auditHeadSeq: 42, auditHeadHash: "ab"))
        report.retention = .init(
            due: 3, deletionsNext72h: 1, deletionsNext30d: 2, holdsActive: 1, heldItems: 4,
            holds: [.init(id: 5, matter: "case 2024-7", items: 4)])
        let text = ReportText.lines(report, time: .chosen(utc: true))
        #expect(text[0] == "Supervision report, 2027-01-01 00:00:00 +00:00 to 2027-01-31 00:00:00 +00:00; 6 items, scope all")
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
    }
}

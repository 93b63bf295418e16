import ControlProtocol
import CustodyCommandLine
import CustodyTesting
import Foundation
import Testing

/// The supervision report with names chosen to break it: markup, quotes and spreadsheet formulas as
/// officers, units, categories, outcomes, holds' matters and principals. The text shows them as they
/// are, the page (rendered by Chromium) as text and never as markup, the CSV as text a spreadsheet does
/// not evaluate, while its numbers stay numbers.
@Suite struct ReportHostileNamesTests {
    static let script = "<script>document.title='owned'</script>"
    static let quoted = "O\"Brien & 'Sons'"
    static let formula = "=HYPERLINK(\"http://x.invalid\",\"click\")"
    static let plus = "+SUM(A1:A9)"
    static let minus = "-2+3"
    static let at = "@cmd"

    let report: SupervisionReportView = {
        let delays = SupervisionReportView.Delays(
            items: 3, medianHours: 3.000673333340221, p90Hours: 30, within24hShare: 0.8333333333333334)
        let timeliness = SupervisionReportView.Timeliness(
            overall: delays, byOfficer: [script: delays, formula: delays], byUnit: [quoted: delays, plus: delays],
            lateCount: 0, late: [], unmeasured: 0)
        var report = SupervisionReportView(
            from: "2027-01-01T00:00:00.000Z", to: "2027-01-31T00:00:00.000Z", generatedAt: "2027-01-31T00:00:00.000Z",
            scope: script, items: 3, timeliness: timeliness,
            review: .init(
                pending: 1, reviewed: 2, reviewedShare: 2.0 / 3, backlogByAge: [], outcomes: [minus: 1, script: 1],
                neverViewed: 0),
            categorisation: .init(
                uncategorized: 1, oldestUncategorizedDays: 1.650492626207846e-05, categories: [at: 1, quoted: 1]),
            integrity: .init(fixityFailures: 0, lastFixityPass: nil, auditHeadSeq: 7, auditHeadHash: "ab"))
        report.retention = .init(
            due: 0, deletionsNext72h: 0, deletionsNext30d: 0, holdsActive: 1, heldItems: 1,
            holds: [.init(id: 1, matter: formula, items: 1)])
        report.access = .init(
            refusals: 2, refusalsByPrincipal: [script: 1, at: 1],
            expiringSoon: [
                .init(
                    id: 4, person: plus, role: "reviewer", scope: quoted, validUntil: "2027-02-05T00:00:00.000Z",
                    lastUsedAt: nil)
            ], unused: [])
        report.storage = .init(
            items: 3, bytes: 3000, ciphertextBytes: 3100, weeks: [], freeBytes: 1 << 40, filesystemBytes: 1 << 41,
            weeklyRateBytes: 2, daysUntilFull: 27094825.563949637)
        return report
    }()

    @Test func theTextShowsNamesAsTheyAreAndRoundsEveryFigure() {
        let text = ReportText.lines(report, time: .chosen(utc: true))
        #expect(
            text.contains { $0.hasPrefix("  officer \(Self.script)") && $0.hasSuffix("3.0        30.0      83.3 %") })
        #expect(text.contains("  outcomes: \(Self.minus) 1, \(Self.script) 1"))
        #expect(text.contains("  uncategorized 1, oldest under a minute"))
        #expect(
            text.contains {
                $0.hasPrefix("  categories used: ") && $0.contains("\(Self.quoted) 1") && $0.contains("\(Self.at) 1")
            })
        #expect(text.contains("  backlog by age: none"))
        #expect(text.contains { $0.hasSuffix(", full in 74182 years at that rate") }, "\(text)")
        #expect(text.contains("  pending 1, reviewed 2 (66.7 %)"))
        for line in text {
            #expect(!line.contains("0.8333") && !line.contains("e-05") && !line.contains("3.00067"), "\(line)")
            #expect(!line.hasSuffix(": "), "an empty list: \(line)")
        }
    }

    @Test func theCSVNeutralisesFormulasAndKeepsNumbers() throws {
        let rows = Self.parseCSV(ReportCSV.text(report))
        let fields = rows.flatMap { $0 }
        for field in fields {
            guard let first = field.first, "=+-@\t\r".contains(first) else { continue }
            #expect(
                field == "-" || field.range(of: #"^[+-]?[0-9.]+(e[+-]?[0-9]+)?$"#, options: .regularExpression) != nil,
                "a spreadsheet would evaluate \(field)")
        }
        #expect(fields.contains("'" + Self.formula) && fields.contains("'" + Self.plus))
        #expect(fields.contains("'" + Self.minus) && fields.contains("'" + Self.at))
        #expect(fields.contains(Self.script) && fields.contains(Self.quoted))
        // Numbers keep their exact values, unquoted.
        #expect(rows.contains(["officer", "'" + Self.formula, "3", "3.000673333340221", "30", "0.8333333333333334"]))
        #expect(rows.contains(["1", "1.650492626207846e-05"]))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromiumPath)))
    func thePageShowsMarkupAsTextInChromium() throws {
        let directory = try TemporaryDirectory("reportHostileNames")
        let page = directory.path + "/report.html"
        let html = ReportHTML.page(report, time: .chosen(utc: true))
        try Data(html.utf8).write(to: URL(fileURLWithPath: page))
        #expect(!html.contains("<script"), "the page carries a script element")

        let dom = try run(
            chromiumPath,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory.path)/profile",
                "--dump-dom", "file://" + page,
            ],
            environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin"])
        #expect(dom.status == 0, "\(dom.stderr)")
        // Parsed by a browser: no script element came of a name, the title is the page's own, and the
        // names read as text.
        #expect(!dom.stdout.contains("<script"))
        #expect(dom.stdout.contains("<title>Custody supervision report</title>"))
        #expect(dom.stdout.contains("&lt;script&gt;document.title='owned'&lt;/script&gt;"))
        #expect(dom.stdout.contains("O\"Brien &amp; 'Sons'"))
        #expect(dom.stdout.contains("=HYPERLINK(\"http://x.invalid\",\"click\")"))
        #expect(dom.stdout.contains("Outcomes: -2+3 "))
        #expect(dom.stdout.contains("83.3 %") && dom.stdout.contains("under a minute"))
        #expect(dom.stdout.contains("74182 years"))
        for raw in ["0.8333", "e-05", "3.00067", "27094825"] {
            // Exact values live only in data-value attributes, never in the text a person reads.
            let shown = dom.stdout.replacingOccurrences(
                of: #"data-value="[^"]*""#, with: "", options: .regularExpression)
            #expect(!shown.contains(raw), "\(raw) is shown unrounded")
        }
    }

    /// RFC 4180 fields of `text`, row by row (blank lines skipped).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\n" {
                row.append(field)
                if row != [""] { rows.append(row) }
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return rows
    }
}

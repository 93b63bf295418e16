import ControlProtocol
import CustodyCommandLine
import CustodyTesting
import Foundation
import Testing

/// Debian's Chromium.
let chromiumPath = "/usr/bin/chromium"

/// `custody report --html`: the page rendered in a real headless Chromium (Debian's `chromium`, which
/// `make test` installs): it renders (a screenshot far from blank), its charts are there with the
/// JSON's counts, and every figure it shows equals the JSON's.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: chromiumPath)))
struct ReportHTMLTests {
    static let chromium = chromiumPath

    let report: SupervisionReportView = {
        let p1 = SupervisionReportView.Delays(items: 3, medianHours: 10, p90Hours: 30, within24hShare: 2.0 / 3)
        var timeliness = SupervisionReportView.Timeliness(
            overall: .init(items: 5, medianHours: 20, p90Hours: 50, within24hShare: 0.6),
            byOfficer: ["P1": p1, "P2": .init(items: 1, medianHours: 50, p90Hours: 50, within24hShare: 0)],
            byUnit: ["NORTH": p1], lateCount: 2, late: ["d", "c"], unmeasured: 1)
        timeliness.histogram = zip(
            ["under 1h", "1-6h", "6-12h", "12-24h", "1-2d", "2-7d", "over 7d"], [0, 1, 1, 1, 1, 1, 0]
        )
        .map { .init(age: $0, items: $1) }
        var report = SupervisionReportView(
            from: "2027-01-01T00:00:00.000Z", to: "2027-01-31T00:00:00.000Z", generatedAt: "2027-01-31T00:00:00.000Z",
            scope: "all", items: 6, timeliness: timeliness,
            review: .init(
                pending: 3, reviewed: 2, reviewedShare: 0.4,
                backlogByAge: [
                    .init(age: "under 1d", items: 1), .init(age: "1-7d", items: 1), .init(age: "7-30d", items: 1),
                    .init(age: "over 30d", items: 0),
                ], outcomes: ["ok": 1, "non_compliant": 1], neverViewed: 3),
            categorisation: .init(
                uncategorized: 4, oldestUncategorizedDays: 10, categories: ["traffic-stop": 2, "use-of-force": 1]),
            integrity: .init(fixityFailures: 1, lastFixityPass: nil, auditHeadSeq: 42, auditHeadHash: "ab01"))
        report.retention = .init(
            due: 3, deletionsNext72h: 1, deletionsNext30d: 2, holdsActive: 1, heldItems: 4,
            holds: [.init(id: 5, matter: "case, 2024-7", items: 4)])
        report.devices = ReportTextTests.devices
        report.access = ReportTextTests.access
        report.storage = ReportTextTests.storage
        return report
    }()

    func chromium(_ arguments: [String], in directory: TemporaryDirectory) throws -> ProcessResult {
        try run(
            Self.chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory.path)/profile"] + arguments,
            environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin"])
    }

    @Test func thePageRendersWithItsChartsAndTheJSONsNumbers() throws {
        let directory = try TemporaryDirectory("reportHTML")
        let page = directory.path + "/report.html"
        try Data(ReportHTML.page(report, time: .chosen(utc: true)).utf8).write(to: URL(fileURLWithPath: page))

        let dom = try chromium(["--dump-dom", "file://" + page], in: directory)
        #expect(dom.status == 0, "\(dom.stderr)")
        // The charts, with one bar per bucket carrying the JSON's count.
        for (id, bars) in [
            ("chart-timeliness", report.timeliness.histogram.map { "\($0.items)" }),
            ("chart-backlog", report.review.backlogByAge.map { "\($0.items)" }),
            ("chart-storage", report.storage.weeks.map { "\($0.storedBytes)" }),
        ] {
            let chart = try #require(section(of: dom.stdout, from: "<svg id=\"\(id)\"", to: "</svg>"), "\(id) missing")
            #expect(values(chart, attribute: "data-value") == bars, "\(id)")
        }
        let storageChart = try #require(section(of: dom.stdout, from: "<svg id=\"chart-storage\"", to: "</svg>"))
        #expect(values(storageChart, attribute: "data-label") == ["01-17", "01-24"])
        // Every figure on the page equals the JSON's value at its path.
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as! [String: Any]
        let figures = try figuresOf(dom.stdout)
        #expect(figures.count >= 25)
        try expectFiguresMatch(figures, json)
        #expect(
            figures["review.pending"]?.value == "3" && figures["timeliness.overall.within_24h_share"]?.value == "0.6")
        #expect(figures["retention.due"]?.value == "3" && figures["retention.held_items"]?.value == "4")
        #expect(figures["devices.failed_sessions"]?.value == "1" && figures["devices.idle_days"]?.value == "7")
        #expect(dom.stdout.contains("<td>SN-B</td><td>2027-01-20 00:00:00 +00:00</td><td>11.0 days</td>"))
        #expect(figures["access.refusals"]?.value == "5")
        #expect(figures["storage.ciphertext_bytes"]?.value == "1677721600")
        #expect(figures["storage.days_until_full"]?.value == "2800")
        // What a person reads is rounded, in the text report's own words.
        #expect(figures["timeliness.overall.within_24h_share"]?.shown == "60.0 %")
        #expect(figures["timeliness.by_officer.P1.within_24h_share"]?.shown == "66.7 %")
        #expect(figures["timeliness.overall.median_hours"]?.shown == "20.0")
        #expect(figures["review.reviewed_share"]?.shown == "40.0 %")
        #expect(figures["categorisation.oldest_uncategorized_days"]?.shown == "10.0 days")
        #expect(figures["storage.days_until_full"]?.shown == "7.7 years")
        #expect(figures["storage.ciphertext_bytes"]?.shown == "1.6 GiB")
        let shown = dom.stdout.replacingOccurrences(of: #"data-value="[^"]*""#, with: "", options: .regularExpression)
        #expect(!shown.contains("0.6666"), "an unrounded figure is shown")
        #expect(dom.stdout.contains("<caption>Unused for 90 days</caption>"))
        #expect(dom.stdout.contains("<td>#2</td><td>U1</td><td>auditor</td><td>-</td>"))

        // Rendered: a screenshot of the page is far larger than one of a blank page of the same size.
        let shot = directory.path + "/report.png"
        let blank = directory.path + "/blank.png"
        try Data("<html><body></body></html>".utf8).write(to: URL(fileURLWithPath: directory.path + "/blank.html"))
        _ = try chromium(["--screenshot=\(shot)", "--window-size=1000,1600", "file://" + page], in: directory)
        _ = try chromium(
            ["--screenshot=\(blank)", "--window-size=1000,1600", "file://\(directory.path)/blank.html"], in: directory)
        let shotSize = try #require(try FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int)
        let blankSize = try #require(try FileManager.default.attributesOfItem(atPath: blank)[.size] as? Int)
        #expect(shotSize > 5 * blankSize, "screenshot \(shotSize) bytes, blank \(blankSize)")
    }

    @Test func theCSVHasOneTablePerSectionWithTheJSONsNumbers() {
        let tables = ReportCSV.text(report).components(separatedBy: "\n\n")
        #expect(
            tables.map { $0.split(separator: "\n").first.map(String.init) ?? "" } == [
                "# timeliness", "# timeliness_histogram", "# late", "# review", "# backlog_by_age", "# outcomes",
                "# categorisation", "# categories", "# integrity", "# retention", "# holds",
                "# devices", "# not_docked", "# clock_drift", "# in_maintenance", "# dock_sessions",
                "# access", "# refusals", "# expiring_grants", "# unused_grants", "# storage", "# storage_weeks",
            ])
        #expect(tables[0].contains("overall,,5,20,50,0.6"))
        #expect(tables[0].contains("officer,P1,3,10,30,0.6666666666666666"))
        #expect(tables[3].hasSuffix("3,2,0.4,3"))
        #expect(tables[6].hasSuffix("4,10"))
        #expect(tables[8].hasSuffix("1,0,,42,ab01"))
        #expect(tables[9].hasSuffix("3,1,2,1,4"))
        #expect(tables[10].hasSuffix("5,\"case, 2024-7\",4"))
        #expect(tables[11].hasSuffix("7,2,1,1,1,1"))
        #expect(tables[12].hasSuffix("SN-C,,-\nSN-B,2027-01-20T00:00:00.000Z,11"))
        #expect(tables[13].hasSuffix("SN-A,s2,2027-01-30T00:00:00.000Z,-8,1,8"))
        #expect(tables[14].hasSuffix("serial\nSN-D"))
        #expect(tables[15].hasSuffix("s1,,1,2027-01-29T00:00:00.000Z,failed,0,3"))
        #expect(tables[16].hasSuffix("5,1,1"))
        #expect(tables[17].hasSuffix("P2,2\nuid:4321,3"))
        #expect(tables[18].hasSuffix("3,R1,reviewer,NORTH,2027-02-05T00:00:00.000Z,2027-01-30T00:00:00.000Z"))
        #expect(tables[19].hasSuffix("2,U1,auditor,,2027-06-01T00:00:00.000Z,"))
        #expect(tables[20].hasSuffix("1200,1610612736,1677721600,107374182400,429496729600,268435456,2800"))
        #expect(tables[21].hasSuffix("2027-01-24T00:00:00.000Z,536870912,1677721600\n"))
    }

    /// `data-figure` paths with their exact `data-value` and the text a person reads.
    func figuresOf(_ dom: String) throws -> [String: (value: String, shown: String)] {
        let pattern = try NSRegularExpression(pattern: #"data-figure="([^"]+)" data-value="([^"]*)">([^<]*)<"#)
        var found: [String: (value: String, shown: String)] = [:]
        let text = dom as NSString
        for match in pattern.matches(in: dom, range: NSRange(location: 0, length: text.length)) {
            found[text.substring(with: match.range(at: 1))] = (
                text.substring(with: match.range(at: 2)), text.substring(with: match.range(at: 3))
            )
        }
        return found
    }

    /// Every figure's `data-value` equals the JSON's number at its path.
    func expectFiguresMatch(_ figures: [String: (value: String, shown: String)], _ json: [String: Any]) throws {
        for (path, figure) in figures {
            let value = path.split(separator: ".").reduce(json as Any?) { ($0 as? [String: Any])?[String($1)] }
            let expected = value.map { ($0 as? NSNumber).map { Double(truncating: $0) } } ?? nil
            #expect(expected != nil, "\(path) is not a number in the JSON")
            #expect(
                Double(figure.value) == expected, "\(path): page \(figure.value), JSON \(String(describing: expected))")
        }
    }

    func section(of text: String, from start: String, to end: String) -> String? {
        guard let lower = text.range(of: start),
            let upper = text.range(of: end, range: lower.upperBound..<text.endIndex)
        else { return nil }
        return String(text[lower.lowerBound..<upper.upperBound])
    }

    func values(_ text: String, attribute: String) -> [String] {
        text.components(separatedBy: "\(attribute)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}

import CustodyCore
import Foundation
import MediaProbe
import Testing

@Suite struct FileNameRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var device, officer, dateTime, sequence: String?
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(
            name: "20240501_100000_0001_DEV0001_P1234.MP4", device: "DEV0001", officer: "P1234",
            dateTime: "20240501100000", sequence: "0001"),
        Case(
            name: "DCIM/100MEDIA/20240501_235959_12_CAM9_A77.mov", device: "CAM9", officer: "A77",
            dateTime: "20240501235959", sequence: "12"),
        Case(
            name: "DEV0001_P1234_20240501100000_0001.mp4", device: "DEV0001", officer: "P1234",
            dateTime: "20240501100000", sequence: "0001"),
        Case(
            name: "20240501100000_DEV0001_P1234.jpg", device: "DEV0001", officer: "P1234", dateTime: "20240501100000",
            sequence: nil),
    ])
    func builtInRulesExtractTheFields(_ test: Case) throws {
        let fields = try #require(FileNameRule.builtIn.lazy.compactMap { $0.fields(of: test.name) }.first)
        #expect(fields.deviceID == test.device)
        #expect(fields.officerID == test.officer)
        #expect(fields.dateTime == test.dateTime)
        #expect(fields.sequence == test.sequence)
    }

    @Test(arguments: [
        "IMG_0001.JPG", "20241301_100000_0001_DEV0001_P1234.MP4", "20240501_250000_0001_DEV0001_P1234.MP4", "",
        "20240501_100000_0001_DEV-1_P1234.MP4", "DEV0001_P1234_20240230100000_0001.mp4",
    ])
    func namesThatDoNotFitYieldNothing(_ name: String) {
        #expect(FileNameRule.builtIn.allSatisfy { $0.fields(of: name) == nil }, "\(name)")
    }

    @Test func aCustomTemplateWithLiteralsMatches() throws {
        let rule = try FileNameRule(name: "vendor", template: "REC-{device}.{officer}-{datetime}")
        let fields = try #require(rule.fields(of: "REC-X1.OF9-20240501120000.avi"))
        #expect(fields.deviceID == "X1")
        #expect(fields.officerID == "OF9")
        #expect(fields.rule == "vendor")
        #expect(rule.fields(of: "RECX1.OF9-20240501120000.avi") == nil)
    }

    @Test(arguments: [
        ("{date}_{time}_{nope}", "unknown field {nope}"), ("{date", "never closed"), ("date}", "without '{'"),
        ("plain", "no field"), ("{date}_{seq}", "go together"), ("{device}_{device}", "appears twice"),
    ])
    func aTemplateThatDoesNotParseIsAClearError(template: String, expected: String) {
        let error = #expect(throws: ProbeError.self) { try FileNameRule(name: "bad", template: template) }
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(template) == true)
    }

    @Test func fileNameTimesUseTheAssumedZone() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        #expect(
            FileNameRule.date(fromDigits: "20240501100000", zone: zone) == Date(timeIntervalSince1970: 1_714_528_800))
        #expect(FileNameRule.date(fromDigits: "20240501", zone: zone) == nil)
    }
}

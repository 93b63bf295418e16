import Foundation
import Testing

/// A structural check of `udev/70-custody-devices.rules` (no udevadm here): every line is a list of
/// `KEY op "value"` pairs with a known key and operator, every GOTO has its LABEL, and the promises of
/// the file hold (group custody, mode 0660, the custody tag, udisks and gvfs kept away).
@Suite struct UDevRulesTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../udev/70-custody-devices.rules").standardized

    static let pair = try! NSRegularExpression(
        pattern: #"^([A-Z_]+(?:\{[A-Za-z0-9_]+\})?)(==|!=|\+=|-=|:=|=)"([^"]*)"$"#)
    static let keys: Set<String> = [
        "ACTION", "SUBSYSTEM", "ENV", "ATTR", "ATTRS", "GOTO", "LABEL", "GROUP", "MODE", "TAG",
    ]

    @Test func everyLineParsesAndEveryGotoHasItsLabel() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        var gotos: Set<String> = []
        var labels: Set<String> = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            for part in line.components(separatedBy: ", ") {
                let range = NSRange(part.startIndex..., in: part)
                let match = try #require(
                    Self.pair.firstMatch(in: part, range: range),
                    "line \(number + 1): \"\(part)\" is not KEY op \"value\"")
                let key = String(part[Range(match.range(at: 1), in: part)!])
                let value = String(part[Range(match.range(at: 3), in: part)!])
                #expect(Self.keys.contains(String(key.prefix { $0 != "{" })), "line \(number + 1): unknown key \(key)")
                if key == "GOTO" { gotos.insert(value) }
                if key == "LABEL" { labels.insert(value) }
            }
        }
        #expect(gotos == labels)
        for promise in [
            #"GROUP="custody", MODE="0660", TAG+="custody""#, #"ENV{UDISKS_IGNORE}="1""#, #"ENV{ID_MTP_DEVICE}="""#,
            #"ATTR{idVendor}=="4255", ATTR{idProduct}=="0001""#,
            #"ATTRS{vendor}=="DV16*", ATTRS{model}=="DEVICE V1.00*""#,
            #"ATTR{idVendor}=="1d70", ATTR{idProduct}=="01d7""#,
        ] {
            #expect(text.contains(promise), "the rules no longer say \(promise)")
        }
    }
}

extension UDevRulesTests {
    /// Every family a profile can name, except the ones that need no vendor protocol, has a rule.
    @Test func everyVendorFamilyIsTagged() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        for family in ["ambarella", "hengan", "jieli"] {
            #expect(text.contains(#"ENV{CUSTODY_FAMILY}="\#(family)""#), "no rule tags family \(family)")
        }
    }
}

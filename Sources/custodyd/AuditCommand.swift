import ArgumentParser
import Catalog
import CustodyCommandLine
import CustodyCore
import CustodyDaemon
import Foundation
import SystemPackage

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Work with the audit log.",
        subcommands: [AuditVerifyCommand.self, AuditAnchorCommand.self])
}

struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Walk the audit hash chain, check the catalog against it and the chain against anchors (exit status 1 if anything is wrong).",
        discussion:
            "Needs no key and writes nothing: it works on a read-only copy of the state directory. docs/audit-log.md says what each check can and cannot detect."
    )

    @OptionGroup var options: StateOptions

    @Option(name: .customLong("anchors"), help: "An anchor file to check the chain against (repeatable).")
    var anchorFiles: [String] = []

    @Flag(help: "Also check the anchors the daemon wrote to the systemd journal (runs journalctl).")
    var journal = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let state = try options.open(needsKey: false, readOnly: true)
        let report = try AuditVerification(catalog: state.catalog).run(
            anchorFiles: anchorFiles.map { FilePath(options.absolute($0)) }, journal: journal)
        if json {
            try printJSON(report)
        } else {
            if let broken = report.firstBroken {
                print("audit chain BROKEN at entry \(broken): \(report.reason ?? "")")
                print("\(report.entries) entries before it verify; last good hash \(report.head)")
            } else {
                print("audit chain intact: \(report.entries) entries, head \(report.head)")
            }
            for found in report.discrepancies {
                let field = found.field.map { " \($0):" } ?? ""
                print("CATALOG  \(found.itemID ?? "(store)")\(field) \(found.problem)")
            }
            for item in report.dueDates {
                print(
                    "DUE      \(item.itemID) due_at: stored \(Self.text(item.stored)), its categories, clock and holds give \(Self.text(item.recomputed))"
                )
            }
            for problem in report.anchorProblems {
                print("ANCHOR   \(problem.source) entry \(problem.sequence): \(problem.problem)")
            }
            for line in report.malformedAnchorLines { print("ANCHOR   \(line): not an anchor line") }
            if !anchorFiles.isEmpty || journal {
                print("\(report.anchorsChecked) anchors checked, \(report.anchorProblems.count) contradicted")
            }
            print(
                report.discrepancies.isEmpty
                    ? "catalog agrees with the chain" : "\(report.discrepancies.count) catalog discrepancies")
            print(
                report.dueDates.isEmpty
                    ? "every stored due date is the one its retention gives"
                    : "\(report.dueDates.count) stored due dates are not the ones their retention gives (docs/retention.md)"
            )
        }
        if !report.ok { throw ExitCode(1) }
    }

    static func text(_ date: Date?) -> String { date.map(RFC3339.string) ?? "never" }
}

struct AuditAnchorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchor",
        abstract: "Print the audit chain's head as an anchor line, and append it to anchor files.",
        discussion:
            "The daemon anchors on its own (docs/audit-log.md); this takes one more, for a report, a ticket or a file kept elsewhere. Reads the catalog only."
    )

    @OptionGroup var options: StateOptions

    @Option(name: .customLong("anchors"), help: "An anchor file to append the anchor to (repeatable).")
    var anchorFiles: [String] = []

    func run() throws {
        let state = try options.open(needsKey: false, readOnly: true)
        guard let anchor = try state.catalog.auditAnchor() else {
            throw ValidationError("the audit log is empty: there is no head to anchor")
        }
        for file in anchorFiles { try AnchorFile.append(anchor, to: FilePath(options.absolute(file))) }
        print(anchor.line)
    }
}

import ArgumentParser
import Catalog
import CustodyCommandLine
import CustodyDaemon

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Fixity check: hash every stored object and compare with the catalog (no key needed).",
        discussion:
            "With --deep, also decrypt every item and compare its plaintext SHA-256 (needs the key). Exit status 1 when anything fails."
    )

    @OptionGroup var options: StateOptions

    @Flag(help: "Also decrypt every item and re-check its plaintext SHA-256.")
    var deep = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let state: StateDirectory
        do {
            state = try options.open(needsKey: deep)
        } catch let error as CatalogError where !deep && error.code == .unavailable {
            // A read-only copy, or a user who may only read: the keyless check still runs, unaudited.
            state = try options.open(needsKey: false, readOnly: true)
        }
        let report = try FixityCheck(state: state).run(deep: deep)
        if json {
            try printJSON(report)
        } else {
            for problem in report.problems {
                print("FAILED  \(problem.itemID ?? "(no item)")  \(problem.object)\n        \(problem.problem)")
            }
            for item in report.dueDates {
                print(
                    "DUE     \(item.itemID)  due_at: stored \(AuditVerifyCommand.text(item.stored)), its categories, clock and holds give \(AuditVerifyCommand.text(item.recomputed))"
                )
            }
            print(
                "\(report.checked) items checked\(deep ? " (deep)" : ""), \(report.passed) passed, \(report.problems.count) problems"
            )
            if deep {
                print(
                    report.dueDates.isEmpty
                        ? "every stored due date is the one its retention gives"
                        : "\(report.dueDates.count) stored due dates are not the ones their retention gives (docs/retention.md)"
                )
            }
            if report.shredPending > 0 {
                print(
                    "\(report.shredPending) objects of shredded items (keys erased) wait for removal: the next start, or `custodyd retention run`, removes them"
                )
            }
            if state.catalog.isReadOnly { print("(catalog opened read-only: this check is not in the audit log)") }
        }
        if !report.ok { throw ExitCode(1) }
    }
}

import ArgumentParser
import CustodyCommandLine
import CustodyDaemon

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Work with the audit log.", subcommands: [AuditVerifyCommand.self])
}

struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the audit hash chain and name the first broken entry (exit status 1 if any).")

    @OptionGroup var options: StateOptions

    @Flag(help: "Print JSON.")
    var json = false

    struct ReportView: Encodable {
        var entries: Int64
        var head: String
        var ok: Bool
        var firstBroken: Int64?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case entries, head, ok, reason
            case firstBroken = "first_broken"
        }
    }

    func run() throws {
        let state = try options.open(needsKey: false)
        let report = try state.catalog.verifyAuditChain()
        let view = ReportView(
            entries: report.entries, head: report.headHash, ok: report.firstBroken == nil,
            firstBroken: report.firstBroken?.sequence, reason: report.firstBroken?.reason)
        if json {
            try printJSON(view)
        } else if let broken = report.firstBroken {
            print("audit chain BROKEN at entry \(broken.sequence): \(broken.reason)")
            print("\(report.entries) entries before it verify; last good hash \(report.headHash)")
        } else {
            print("audit chain intact: \(report.entries) entries, head \(report.headHash)")
        }
        if report.firstBroken != nil { throw ExitCode(1) }
    }
}

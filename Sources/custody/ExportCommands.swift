import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import CustodyCore
import ExportBag
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract:
            "Export requests: asked for with a recipient and a purpose, approved by another administrator, written once as a BagIt bag.",
        subcommands: [Request.self, Approve.self, Reject.self, List.self, Write.self, Verify.self])

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask to export items to a recipient.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item ids (or their first 8 characters).") var items: [String]
        @Option(help: "Who receives the bag (a prosecutor's office, a court).") var recipient: String
        @Option(help: "Why.") var purpose: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let arguments = ControlArguments(items: items, recipient: recipient, purpose: purpose)
            try ExportCommand.show(try socket.call(.exportRequest, arguments).export, json: json)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve an export (administrators; not your own).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The export's number.") var export: Int64
        @Option(help: "Until when it may be written (default: 7 days).") var until: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try ExportCommand.show(
                try socket.call(.exportApprove, ControlArguments(until: until, export: export)).export, json: json)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject an export request.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The export's number.") var export: Int64
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try ExportCommand.show(
                try socket.call(.exportReject, ControlArguments(reason: reason, export: export)).export, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List exports, newest first.")
        @OptionGroup var socket: SocketOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let exports = try socket.call(.exportList).exports ?? []
            if json { return try printJSON(exports) }
            let rows = exports.map {
                [
                    "\($0.id)", $0.state, "\($0.items.count)", $0.recipient, $0.requestedBy, $0.approvedBy ?? "-",
                    $0.purpose,
                ]
            }
            for line in Table.lines(
                header: ["EXPORT", "STATE", "ITEMS", "RECIPIENT", "REQUESTED BY", "APPROVED BY", "PURPOSE"], rows: rows)
            {
                print(line)
            }
        }
    }

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an approved export as a BagIt bag, once (its requester or an administrator).",
            discussion: """
                DIR must not exist; its folder must exist and be writable, which is checked before the export is \
                opened. The bag holds what custodyd decided (the payload files and their hashes); it is written \
                beside DIR in .custody-export-N.partial and renamed when custodyd has recorded it. A partial bag a \
                killed write left in DIR's parent is removed first, and named. Exit status: 0 written; 2 not \
                written (refused, a missing folder, no permission, a full disk: the message names the path and the \
                fix); 64 bad usage.
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The export's number.") var export: Int64
        @Option(help: "The bag's directory (must not exist).") var to: String
        @Option(help: "Who the bag is from (bag-info Source-Organization).") var agency = "Custody evidence store"
        @Flag(help: "Print each step as it is done (the partial, every MiB of payload, tags, recorded, renamed).")
        var progress = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            // Before the export is opened: a mistyped folder must not cost the one write it allows.
            try OutputPath.checkWritable(to, option: "--to", mustNotExist: true)
            // First, even for a write custodyd will refuse: no killed writer's plaintext stays unannounced.
            let parent = URL(fileURLWithPath: to).standardizedFileURL.deletingLastPathComponent().path
            try BagPartials.removeAbandoned(in: parent).forEach(Self.announce)
            let client = try ControlClient(socketPath: socket.path)
            guard let opened = try client.call(.operation(.exportOpen, ControlArguments(export: export))).export else {
                throw ControlClientError(code: .protocol, message: "custodyd answered export.open without the export")
            }
            var written: ExportView?
            let writer = BagWriter(export: opened, agency: agency, version: CustodyRelease.version)
            // On a terminal, without --json or the step lines: a bar of the payload's bytes.
            let bar = ProgressBar.forStandardError(
                total: opened.views?.reduce(0) { $0 + $1.size } ?? 0, enabled: !json && !progress)
            // Ctrl-C or SIGTERM while plaintext is being written stops at the next MiB and removes the partial.
            Interruption.catchSignals()
            let summary: BagWriter.Summary
            do {
                summary = try writer.write(
                    to: to,
                    read: { view, offset, length in
                        try Self.stopIfInterrupted()
                        return try client.call(
                            .operation(.viewRead, ControlArguments(view: view.id, offset: offset, length: length))
                        )
                        .payload
                    },
                    progress: { step in
                        guard progress else { return }
                        print(step)
                        fflush(nil)
                    },
                    payloadWritten: { path, bytes in bar?.update(done: bytes, current: path) },
                    announce: Self.announce,
                    finish: { summary in
                        try Self.stopIfInterrupted()
                        written = try client.call(
                            .operation(
                                .exportFinish, ControlArguments(export: export, manifest: summary.manifestSHA256))
                        ).export
                    })
            } catch {
                bar?.finish()
                throw error
            }
            bar?.finish()
            if json { return try printJSON(written) }
            print(
                "export \(export): \(summary.files) files, \(summary.bytes) bytes in \(to); manifest-sha256.txt \(summary.manifestSHA256)"
            )
        }

        static func stopIfInterrupted() throws {
            if let signal = Interruption.signal {
                throw BagError(
                    message:
                        "stopped by signal \(signal): the partial bag was removed and nothing was recorded as written")
            }
        }

        static func announce(_ abandoned: BagPartials.Abandoned) {
            FileHandle.standardError.write(Data("custody: \(abandoned)\n".utf8))
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check a bag: RFC 8493, manifests, payload against the item.stored audit entries it carries; with custodyd at hand, against the export's record and the chain.",
            discussion: """
                Online (an administrator or auditor), the bag must be the one custodyd recorded: its manifest's hash, \
                the export's items, each payload hash the chain's item.stored hash, each audit excerpt the chain's \
                entries, whole. --offline checks the bag alone.
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The bag's directory.") var directory: String
        @Flag(help: "Check only the bag itself, without asking custodyd.") var offline = false

        func run() throws {
            var report = BagVerifier(root: directory).verify()
            var chain = "not checked against the export's record or the custodian's chain (--offline)"
            if !offline {
                do {
                    let client = try ControlClient(socketPath: socket.path)
                    chain = try ExportCommand.checkAgainstRecord(&report, client: client)
                } catch {
                    report.problems.append(
                        BagVerifier.Problem(file: "bag-info.txt", problem: "not checked against custodyd: \(error)"))
                    chain = "not checked against the custodian's chain"
                }
            }
            for problem in report.problems { print("PROBLEM  \(problem)") }
            print("\(report.payloadFiles) payload files, \(report.auditEntries) audit entries; \(chain)")
            if !report.problems.isEmpty { throw ExitCode(1) }
            print("bag intact")
        }
    }

    /// Checks `report`'s bag against its export's record and the custodian's chain, adding what
    /// differs to the report; returns a line saying what was compared.
    static func checkAgainstRecord(_ report: inout BagVerifier.Report, client: ControlClient) throws -> String {
        guard let number = report.exportNumber else {
            report.problems.append(
                BagVerifier.Problem(
                    file: "bag-info.txt", problem: "has no Custody-Export-Request: no export to check against"))
            return "not checked against the custodian's chain"
        }
        guard
            let record = try client.call(.operation(.exportList, ControlArguments())).exports?.first(where: {
                $0.id == number
            })
        else {
            report.problems.append(
                BagVerifier.Problem(file: "bag-info.txt", problem: "custodyd has no export \(number)"))
            return "not checked against the custodian's chain"
        }
        // Each item's entries, oldest first, up to the excerpt's end (all of them for an older bag).
        var chain: [String: [AuditEntryView]] = [:]
        let end = record.excerptSeq ?? Int64.max
        for item in record.items {
            var entries: [AuditEntryView] = []
            var after: Int64 = 0
            while after < end {
                let page =
                    try client.call(.operation(.audit, ControlArguments(item: item, after: after, limit: 1000)))
                    .entries ?? []
                entries += page.filter { $0.seq <= end }
                guard let last = page.last, page.count == 1000 else { break }
                after = last.seq
            }
            chain[item] = entries
        }
        var excerptEnd: AuditEntryView?
        if let seq = record.excerptSeq {
            excerptEnd = try client.call(.operation(.audit, ControlArguments(after: seq - 1, limit: 1))).entries?.first
        }
        let binding = BagBinding(record: record, chain: chain, excerptEnd: excerptEnd)
        let found = binding.problems(of: report)
        report.problems += found
        let compared = chain.values.reduce(0) { $0 + $1.count }
        return found.isEmpty
            ? "export \(number)'s record and \(compared) entries match the custodian's chain"
            : "export \(number) does not match the custodian's record and chain"
    }

    static func show(_ export: ExportView?, json: Bool) throws {
        guard let export else {
            throw ControlClientError(code: .protocol, message: "custodyd answered without the export")
        }
        if json { return try printJSON(export) }
        Swift.print(
            "export \(export.id)  \(export.state)  \(export.items.count) items  to \(export.recipient): \(export.purpose)"
        )
        Swift.print(
            "requested by \(export.requestedBy) at \(export.requestedAt)\(export.approvedBy.map { ", approved by \($0) until \(export.validUntil ?? "?")" } ?? "")"
        )
    }
}

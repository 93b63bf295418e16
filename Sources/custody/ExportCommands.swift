import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import CustodyCore
import ExportBag
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export requests: asked for with a recipient and a purpose, approved by another administrator, written once as a BagIt bag.",
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
            try ExportCommand.show(try socket.call(.exportApprove, ControlArguments(until: until, export: export)).export, json: json)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject an export request.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The export's number.") var export: Int64
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try ExportCommand.show(try socket.call(.exportReject, ControlArguments(reason: reason, export: export)).export, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List exports, newest first.")
        @OptionGroup var socket: SocketOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let exports = try socket.call(.exportList).exports ?? []
            if json { return try printJSON(exports) }
            let rows = exports.map { ["\($0.id)", $0.state, "\($0.items.count)", $0.recipient, $0.requestedBy, $0.approvedBy ?? "-", $0.purpose] }
            for line in Table.lines(header: ["EXPORT", "STATE", "ITEMS", "RECIPIENT", "REQUESTED BY", "APPROVED BY", "PURPOSE"], rows: rows) {
                print(line)
            }
        }
    }

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an approved export as a BagIt bag, once (its requester or an administrator).",
            discussion:
                "DIR must not exist; its folder must exist and be writable, which is checked before the export is opened. The bag is written beside it under a temporary name and renamed when complete. Exit status: 0 written; 2 not written (refused, a missing folder, no permission, a full disk: the message names the path and the fix); 64 bad usage."
        )
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The export's number.") var export: Int64
        @Option(help: "The bag's directory (must not exist).") var to: String
        @Option(help: "Who the bag is from (bag-info Source-Organization).") var agency = "Custody evidence store"
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            // Before the export is opened: a mistyped folder must not cost the one write it allows.
            try OutputPath.checkWritable(to, option: "--to", mustNotExist: true)
            let client = try ControlClient(socketPath: socket.path)
            guard let opened = try client.call(.operation(.exportOpen, ControlArguments(export: export))).export else {
                throw ControlClientError(code: .protocol, message: "custodyd answered export.open without the export")
            }
            let summary = try BagWriter(export: opened, agency: agency, version: CustodyRelease.version).write(to: to) { view, offset, length in
                try client.call(.operation(.viewRead, ControlArguments(view: view.id, offset: offset, length: length))).payload
            }
            let written = try client.call(
                .operation(.exportFinish, ControlArguments(export: export, manifest: summary.manifestSHA256))).export
            if json { return try printJSON(written) }
            print("export \(export): \(summary.files) files, \(summary.bytes) bytes in \(to); manifest-sha256.txt \(summary.manifestSHA256)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a bag: manifests, payload hashes against ingest, audit entries' hashes; with a daemon at hand, the entries against its chain.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The bag's directory.") var directory: String
        @Flag(help: "Check only the bag itself, without asking custodyd.") var offline = false

        func run() throws {
            var report = BagVerifier(root: directory).verify()
            var chain = "not checked against the custodian's chain (--offline)"
            if !offline {
                do {
                    let client = try ControlClient(socketPath: socket.path)
                    var matched = 0
                    for (item, entries) in report.entries {
                        let stored = try client.call(.operation(.audit, ControlArguments(item: item, limit: 1000))).entries ?? []
                        let hashes = Dictionary(stored.map { ($0.seq, $0.hash) }, uniquingKeysWith: { first, _ in first })
                        for entry in entries {
                            if hashes[entry.seq] == entry.hash {
                                matched += 1
                            } else {
                                report.problems.append(
                                    BagVerifier.Problem(
                                        file: "custody/items/\(item).audit.jsonl",
                                        problem: "entry \(entry.seq) is not the custodian's entry \(entry.seq)"))
                            }
                        }
                    }
                    chain = "\(matched) entries match the custodian's chain"
                } catch {
                    chain = "not checked against the custodian's chain: \(error)"
                }
            }
            for problem in report.problems { print("PROBLEM  \(problem)") }
            print("\(report.payloadFiles) payload files, \(report.auditEntries) audit entries; \(chain)")
            if !report.problems.isEmpty { throw ExitCode(1) }
            print("bag intact")
        }
    }

    static func show(_ export: ExportView?, json: Bool) throws {
        guard let export else { throw ControlClientError(code: .protocol, message: "custodyd answered without the export") }
        if json { return try printJSON(export) }
        Swift.print("export \(export.id)  \(export.state)  \(export.items.count) items  to \(export.recipient): \(export.purpose)")
        Swift.print("requested by \(export.requestedBy) at \(export.requestedAt)\(export.approvedBy.map { ", approved by \($0) until \(export.validUntil ?? "?")" } ?? "")")
    }
}

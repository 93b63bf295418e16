import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct DeletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deletion",
        abstract: "Deletion: due items, requests a second administrator approves, the trash and restore.",
        subcommands: [
            Due.self, Request.self, Approve.self, Reject.self, List.self, Show.self, Restore.self, Receipt.self,
        ])

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Items past their retention under no hold, not yet in a deletion, soonest due first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "At most this many (default 1000).") var limit: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let arguments = ControlArguments(limit: limit)
            let due = try socket.call(.deletionDue, arguments).due ?? []
            if json { return try printJSON(due) }
            let rows = due.map { [$0.item, $0.dueAt ?? "", $0.category ?? "", $0.officer ?? ""] }
            for line in Table.lines(header: ["ITEM", "DUE", "CATEGORY", "OFFICER"], rows: rows) { print(line) }
        }
    }

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask for the deletion of listed items, or of the due items of an officer or a device.",
            discussion: """
                A second administrator approves. An item that is not due is deleted only with --not-due and \
                a reason that says why (a court order, a recording made by mistake); the request is marked so.
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item ids.") var items: [String] = []
        @Option(help: "Why.") var reason: String
        @Option(help: "The due items of this officer.") var officer: String?
        @Option(help: "The due items of this device.") var device: String?
        @Flag(help: "The listed items may be not yet due (a special deletion).") var notDue = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(reason: reason)
            arguments.items = items.isEmpty ? nil : items
            arguments.officer = officer
            arguments.device = device
            arguments.notDue = notDue ? true : nil
            try DeletionCommand.show(try socket.call(.deletionRequest, arguments).deletion, json: json)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve another administrator's deletion request: its items go to the trash for the grace period.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Deletion request number.") var deletion: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments()
            arguments.deletion = deletion
            try DeletionCommand.show(try socket.call(.deletionApprove, arguments).deletion, json: json)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a deletion request; its items stay retained.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Deletion request number.") var deletion: Int64
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(reason: reason)
            arguments.deletion = deletion
            try DeletionCommand.show(try socket.call(.deletionReject, arguments).deletion, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deletion requests, newest first.")
        @OptionGroup var socket: SocketOptions
        @Flag(help: "Only requests not yet decided.") var open = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments()
            arguments.open = open
            let requests = try socket.call(.deletionList, arguments).deletions ?? []
            if json { return try printJSON(requests) }
            let rows = requests.map { request in
                [
                    "#\(request.id)", request.requestedBy, DeletionCommand.decision(request), "\(request.items.count)",
                    request.notDue ? "yes" : "", request.requestedAt,
                ]
            }
            for line in Table.lines(header: ["DELETION", "REQUESTED BY", "DECISION", "ITEMS", "NOT DUE", "REQUESTED"], rows: rows) {
                print(line)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a deletion request and where each item stands.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Deletion request number.") var deletion: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments()
            arguments.deletion = deletion
            try DeletionCommand.show(try socket.call(.deletionShow, arguments).deletion, json: json)
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take an item out of the trash during its grace period: retained again, pending a new review.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item id.") var item: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let arguments = ControlArguments(item: item)
            guard let restored = try socket.call(.deletionRestore, arguments).restored else {
                throw ControlClientError(code: .protocol, message: "custodyd answered without the restored item")
            }
            if json { return try printJSON(restored) }
            print("restored \(restored.item) from deletion #\(restored.request) at \(restored.restoredAt ?? "?"); it is pending review again")
        }
    }

    struct Receipt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The proof of a shredded item's erasure: what, how, when, by whose approval, and its audit entries.",
            discussion: """
                Save it with --json; anyone with read access to the catalog can check it against the audit \
                chain (docs/retention.md: checking a receipt).
                """)
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item id.") var item: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var time: TimeOptions

        func run() throws {
            guard let receipt = try socket.call(.deletionReceipt, ControlArguments(item: item)).receipt else {
                throw ControlClientError(code: .protocol, message: "custodyd answered without the receipt")
            }
            if json { return try printJSON(receipt) }
            for line in ReceiptText.lines(receipt, time: time.display) { print(line) }
        }
    }

    static func decision(_ request: DeletionView) -> String {
        if let by = request.approvedBy { return "approved by \(by)" }
        if let by = request.rejectedBy { return "rejected by \(by)" }
        return "awaiting a second administrator"
    }

    static func show(_ request: DeletionView?, json: Bool) throws {
        guard let request else { throw ControlClientError(code: .protocol, message: "custodyd answered without the deletion") }
        if json { return try printJSON(request) }
        print("deletion #\(request.id)  requested by \(request.requestedBy) at \(request.requestedAt)\(request.notDue ? "  NOT DUE (special deletion)" : "")")
        print("  reason    \(request.reason)")
        print("  decision  \(decision(request))\(request.approvedAt.map { " at \($0)" } ?? "")\(request.rejectionReason.map { ": \($0)" } ?? "")")
        print("  grace     \(Int(request.graceSeconds / 86_400)) days in the trash")
        let rows = request.items.map { item in
            [item.item, item.state, item.wasDue ? "yes" : "no", item.purgeAfter ?? "", item.restoredBy ?? ""]
        }
        for line in Table.lines(header: ["ITEM", "STATE", "WAS DUE", "SHRED AFTER", "RESTORED BY"], rows: rows) {
            print("  " + line)
        }
    }
}

import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The review queue: claim items of your scope, finish them with an outcome, release them.",
        subcommands: [Queue.self, Claim.self, Next.self, Done.self, Release.self, Assign.self])

    struct Queue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Items pending review in your scope, oldest first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "At most this many items (1 to 1000).") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let queue = try socket.call(.reviewQueue, ControlArguments(limit: limit)).queue ?? []
            if json { return try printJSON(queue) }
            let rows = queue.map { entry in
                [
                    entry.item.id, ItemStateText.short(entry.item, time: .chosen(utc: false)),
                    entry.item.verifiedAt ?? "-", entry.item.attribution?.officer ?? "-",
                    entry.item.attribution?.unit ?? "-",
                    entry.claim.map { "\($0.reviewer) until \($0.expiresAt)" } ?? "-",
                ]
            }
            for line in Table.lines(header: ["ITEM", "STATE", "VERIFIED", "OFFICER", "UNIT", "CLAIMED"], rows: rows) {
                print(line)
            }
        }
    }

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Claim an item for review (a lease that expires).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item id, or its first 8 or more characters.") var item: String
        @Option(help: "The lease in minutes (default: the daemon's, 30).") var lease: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(item: item)
            arguments.lease = lease
            try ReviewCommand.show(try socket.call(.reviewClaim, arguments).claim, json: json)
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Claim the oldest unclaimed item of your scope.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "The lease in minutes (default: the daemon's, 30).") var lease: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments()
            arguments.lease = lease
            let claim = try socket.call(.reviewNext, arguments).claim
            if claim == nil && !json { return print("the review queue of your scope is empty") }
            if json { return try printJSON(claim) }
            try ReviewCommand.show(claim, json: false)
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finish the review of an item you claimed: outcome, cases, categories, a note.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item id.") var item: String
        @Option(help: "ok, incomplete, non-compliant or important.") var outcome: String
        @Option(name: .customLong("case"), help: "A case number (repeatable).") var cases: [String] = []
        @Option(help: "A category (repeatable; see `custody category list`).") var category: [String] = []
        @Option(help: "A note to add with the review.") var note: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(item: item)
            arguments.outcome = outcome
            arguments.cases = cases
            arguments.categories = category
            arguments.text = note
            try RetentionText.show(try socket.call(.reviewDone, arguments).retention, json: json)
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up your claim: the item goes back to the queue.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item id.") var item: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            _ = try socket.call(.reviewRelease, ControlArguments(item: item))
            if json { return try printJSON(["released": item]) }
            print("released \(item)")
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an item's review to a reviewer, replacing any claim (administrators).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item id.") var item: String
        @Option(help: "The reviewer's badge id.") var to: String
        @Option(help: "The lease in minutes (default: the daemon's, 30).") var lease: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(person: to, item: item)
            arguments.lease = lease
            try ReviewCommand.show(try socket.call(.reviewAssign, arguments).claim, json: json)
        }
    }

    static func show(_ claim: ClaimView?, json: Bool) throws {
        guard let claim else { throw ControlClientError(code: .protocol, message: "custodyd answered without the claim") }
        if json { return try printJSON(claim) }
        print("\(claim.item) claimed by \(claim.reviewer) until \(claim.expiresAt)"
            + (claim.assignedBy.map { " (assigned by \($0))" } ?? ""))
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Notes on items: append-only, attributed.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to an item (officers: their own recordings; reviewers: within scope).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item id.") var item: String
        @Argument(help: "The note.") var text: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(item: item)
            arguments.text = text
            guard let note = try socket.call(.noteAdd, arguments).note else {
                throw ControlClientError(code: .protocol, message: "custodyd answered without the note")
            }
            if json { return try printJSON(note) }
            print("note #\(note.id) on \(note.item) by \(note.author) at \(note.at)")
        }
    }
}

/// How a retention decision prints.
enum RetentionText {
    static func show(_ retention: RetentionView?, json: Bool) throws {
        guard let retention else { throw ControlClientError(code: .protocol, message: "custodyd answered without the retention") }
        if json { return try printJSON(retention) }
        print("due \(retention.dueAt ?? "never"): \(retention.reason)")
        if let flag = retention.clockFlag { print("clock flagged: \(flag)") }
    }

    static func show(_ preview: PolicyPreviewView?, json: Bool) throws {
        guard let preview else { throw ControlClientError(code: .protocol, message: "custodyd answered without the preview") }
        if json { return try printJSON(preview) }
        print(
            (preview.applied ? "applied: " : "dry run (nothing changed; repeat with --confirm): ")
                + "\(preview.examined) item\(preview.examined == 1 ? "" : "s") examined, \(preview.moved) due date\(preview.moved == 1 ? "" : "s") move, \(preview.sooner) sooner, \(preview.dueWithin30Days) due within 30 days")
        for move in preview.first { print("  \(move.item)  \(move.before ?? "never") -> \(move.after ?? "never")  \(move.reason)") }
    }
}

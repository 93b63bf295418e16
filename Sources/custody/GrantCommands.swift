import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct GrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Role grants: requested, approved by the unit head or an administrator, then by a second administrator.",
        subcommands: [Request.self, Approve.self, Reject.self, Revoke.self, List.self])

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply for a role, for a time range, with a reason.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "officer, reviewer, administrator or auditor.") var role: String
        @Option(help: "Why the role is needed.") var reason: String
        @Option(help: "When it ends (2025-06-30 or RFC 3339); at most a year after it starts.") var until: String
        @Option(help: "When it starts (default: now).") var from: String?
        @Option(help: "Reviewer grants: the unit covered, with its sub-units (default: the person's unit).") var scope: String?
        @Option(help: "Whose grant (default: yours; administrators may request for another).") var person: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let arguments = ControlArguments(
                reason: reason, person: person, role: role, scope: scope, from: from, until: until)
            try GrantCommand.show(try socket.call(.grantRequest, arguments).grant, json: json)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a grant: the first approval, then the second by another administrator.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The grant's number.") var grant: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try GrantCommand.show(try socket.call(.grantApprove, ControlArguments(grant: grant)).grant, json: json)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a grant request.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The grant's number.") var grant: Int64
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try GrantCommand.show(
                try socket.call(.grantReject, ControlArguments(reason: reason, grant: grant)).grant, json: json)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a grant at once (administrators).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "The grant's number.") var grant: Int64
        @Option(help: "Why (job change, misuse, …).") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try GrantCommand.show(
                try socket.call(.grantRevoke, ControlArguments(reason: reason, grant: grant)).grant, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List grants, newest first.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only this person's grants (default: everyone's for administrators and auditors, your own for anyone else).")
        var person: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let grants = try socket.call(.grantList, ControlArguments(person: person)).grants ?? []
            if json { return try printJSON(grants) }
            let rows = grants.map {
                ["\($0.id)", $0.person, $0.role, $0.scope ?? "all", $0.state, $0.validFrom, $0.validUntil, $0.reason]
            }
            for line in Table.lines(header: ["GRANT", "PERSON", "ROLE", "SCOPE", "STATE", "FROM", "UNTIL", "REASON"], rows: rows) {
                print(line)
            }
        }
    }

    static func show(_ grant: GrantView?, json: Bool) throws {
        guard let grant else { throw ControlClientError(code: .protocol, message: "custodyd answered without the grant") }
        if json { return try printJSON(grant) }
        Swift.print(line(grant))
    }

    static func line(_ grant: GrantView) -> String {
        var text = "grant \(grant.id)  \(grant.person)  \(grant.role)\(grant.scope.map { " over \($0)" } ?? "")  \(grant.state)  \(grant.validFrom) → \(grant.validUntil)"
        text += "  requested by \(grant.requestedBy)"
        if let first = grant.firstApprovedBy { text += ", approved by \(first)" }
        if let second = grant.secondApprovedBy { text += " and \(second)" }
        if let rejected = grant.rejectedBy { text += ", rejected by \(rejected): \(grant.rejectReason ?? "")" }
        if let revoked = grant.revokedBy { text += ", revoked by \(revoked): \(grant.revokeReason ?? "")" }
        return text
    }
}

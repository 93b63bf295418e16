import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct WhoAmICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Who the daemon thinks you are, with the roles in force now.")

    @OptionGroup var socket: SocketOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        guard let whoami = try socket.call(.whoami).whoami else {
            throw ControlClientError(code: .protocol, message: "custodyd answered whoami without an identity")
        }
        if json { return try printJSON(whoami) }
        print("uid \(whoami.uid)\(whoami.account.map { " (\($0))" } ?? "") is \(whoami.principal)")
        if let person = whoami.person { print("person   \(person.id)  \(person.name)  unit \(person.unit)  \(person.status)") }
        for role in whoami.roles {
            let scope = role.scope.map { " over \($0.joined(separator: ", "))" } ?? ""
            print("role     \(role.role)\(scope)  (\(role.source)\(role.until.map { " until \($0)" } ?? ""))")
        }
        if whoami.roles.isEmpty { print("no role in force") }
        if let hint = whoami.hint { print(hint) }
    }
}

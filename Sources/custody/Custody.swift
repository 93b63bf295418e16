import ArgumentParser

/// `custody`: the reviewers' and administrators' CLI. It talks only to the daemon's control socket;
/// until that exists it only explains itself.
@main
struct Custody: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custody",
        abstract: "Custody reviewer and administrator CLI (talks to custodyd over its control socket).",
        discussion: """
            The control socket is not built yet. Until it is, administrators use `custodyd` directly \
            on the dock: `custodyd list`, `custodyd show ID`, `custodyd verify`, `custodyd audit verify`.
            """)

    func run() throws {
        print(Custody.helpMessage())
    }
}

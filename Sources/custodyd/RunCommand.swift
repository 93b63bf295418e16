import ArgumentParser
import CustodyDaemon
import Foundation
import Logging
import SystemPackage

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: ingest docked devices and watched folders, serve the control socket.",
        discussion: """
            Reads the configuration file (docs/configuration.md), opens the state directory with its key, \
            takes the store lock, finishes or discards what a crash left, then runs until SIGTERM or SIGINT. \
            Under systemd (Type=notify) it sends READY=1 once ready, STATUS= with a summary of the bays, \
            WATCHDOG=1 when WatchdogSec= is set, and STOPPING=1 on shutdown. Logs go to standard error \
            (the journal); CUSTODY_LOG_LEVEL sets the level (default info).
            """)

    @Option(name: .long, help: "Configuration file.")
    var config: String = ConfigurationFile.defaultPath.string

    @Flag(help: "Check the configuration file and exit.")
    var check = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try ConfigurationFile.load(path: FilePath(config), environment: environment)
        try configuration.checkOnThisMachine(path: FilePath(config))
        if check {
            print("\(config): OK")
            return
        }
        var logger = Logger(label: "custodyd")
        logger.logLevel = environment["CUSTODY_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let daemon = Daemon(configuration: configuration, environment: environment, logger: logger)
        try runBlocking { try await daemon.run() }
    }
}

/// Runs `body` on the cooperative pool and blocks this (main) thread until it ends: the command-line
/// entry point is synchronous, the daemon is not.
private func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let outcome = Outcome()
    Task {
        do { try await body() } catch { outcome.error = error }
        done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
}

private final class Outcome: @unchecked Sendable {
    /// Written once by the task before it signals; read after the wait.
    var error: (any Error)?
}

import Logging
import ServiceLifecycle

/// Talks to systemd for the whole daemon: `READY=1` once the other services started, `STATUS=` with
/// the one-line summary of the bays whenever it changes, `WATCHDOG=1` at half the watchdog interval,
/// and `STOPPING=1` as soon as a graceful shutdown begins.
///
/// It is the last service of the group, so it is started last and asked to stop first.
struct SystemdService: Service {
    let notifier: SystemdNotifier?
    let board: BayBoard
    let logger: Logger
    /// Awaited before `READY=1`: the services whose start must be finished (the control socket bound).
    let ready: @Sendable () async throws -> Void

    func run() async throws {
        try await ready()
        board.setDaemonState(.ready)
        notifier?.send("READY=1\nSTATUS=\(SystemdNotifier.statusText(board.snapshot().summaryLine))")
        logger.notice("custodyd ready")
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                if let notifier, let interval = notifier.watchdogInterval {
                    group.addTask {
                        while !Task.isCancelled {
                            notifier.send("WATCHDOG=1")
                            try? await Task.sleep(for: interval / 2)
                        }
                    }
                }
                group.addTask {
                    var last = ""
                    for await status in board.changes().cancelOnGracefulShutdown() {
                        let line = SystemdNotifier.statusText(status.summaryLine)
                        if line != last {
                            notifier?.send("STATUS=\(line)")
                            last = line
                        }
                    }
                }
                // Both loops end on cancellation; wait for a graceful shutdown to cancel them.
                try? await gracefulShutdown()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            board.setDaemonState(.stopping)
            notifier?.send("STOPPING=1\nSTATUS=stopping: finishing the files being read")
            logger.notice("custodyd stopping")
        }
    }
}

/// ServiceLifecycle logs each service by its description: a name, not its whole configuration.
extension SystemdService: CustomStringConvertible {
    var description: String { "systemd notifier" }
}

import Logging
import ServiceLifecycle

/// Talks to systemd for the whole daemon: `READY=1` once the other services started, `STATUS=` with
/// the one-line summary of the bays when it changed (checked every second), `WATCHDOG=1` at half the
/// watchdog interval, and `STOPPING=1` as soon as a graceful shutdown begins.
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
            // One loop for both: the watchdog ping at half its interval, and STATUS= when the summary
            // changed, at most once a second (progress changes many times a second).
            let tick = min(notifier?.watchdogInterval.map { $0 / 2 } ?? .seconds(1), .seconds(1))
            var lastStatus = ""
            var lastPing: ContinuousClock.Instant?
            while !Task.isCancelled {
                if let notifier {
                    if let interval = notifier.watchdogInterval,
                        lastPing.map({ ContinuousClock.now - $0 >= interval / 2 }) ?? true
                    {
                        notifier.send("WATCHDOG=1")
                        lastPing = .now
                    }
                    let line = SystemdNotifier.statusText(board.snapshot().summaryLine)
                    if line != lastStatus {
                        notifier.send("STATUS=\(line)")
                        lastStatus = line
                    }
                }
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
                } catch {
                    break
                }
                if Task.isShuttingDownGracefully { break }
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

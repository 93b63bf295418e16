import Backups
import Catalog
import EvidenceStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SystemPackage

/// Backs up into `[backup] directory` every `schedule_hours`, then prunes it: what `custodyd backup
/// --to DIR && custodyd backup prune --to DIR` does, run by the daemon. The next backup is due
/// `schedule_hours` after the last one recorded into that directory, so restarts cause no extra
/// backups; a failed one is logged and tried again an hour later (or at the schedule, if sooner).
struct BackupService: Service {
    let configuration: DaemonConfiguration.Backup
    let directory: FilePath
    let catalog: EvidenceCatalog
    let store: EvidenceStore
    let logger: Logger

    func run() async throws {
        let (configuration, directory, catalog, store, logger) = (configuration, directory, catalog, store, logger)
        var lastFailure: Date?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let due = Self.nextDue(
                records: (try? catalog.backupSnapshots()) ?? [], into: directory,
                every: configuration.scheduleSeconds, lastFailure: lastFailure, now: Date())
            let wait = due.timeIntervalSinceNow
            if wait > 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait)) }
                continue
            }
            let outcome = PassOutcome()
            await runOnOwnThreadUntilStopped(name: "custody-backup") { stop in
                if !Self.pass(
                    configuration: configuration, directory: directory, catalog: catalog, store: store, logger: logger,
                    stop: stop)
                {
                    outcome.failed.store(true, ordering: .releasing)
                }
            }
            let succeeded = !outcome.failed.load(ordering: .acquiring)
            lastFailure = succeeded ? nil : Date()
        }
    }

    /// When the next backup into `directory` is due: `every` after the last recorded one (now, when
    /// there is none), and no sooner than an hour after a failure.
    static func nextDue(
        records: [BackupSnapshotRecord], into directory: FilePath, every schedule: TimeInterval, lastFailure: Date?,
        now: Date
    ) -> Date {
        // Records name the directory with its links resolved, as `BackupDirectory` does.
        let target = canonical(directory)
        let last = records.filter { $0.target == target }.map(\.madeAt).max()
        var due = last.map { $0.addingTimeInterval(schedule) } ?? now
        if let lastFailure { due = max(due, lastFailure.addingTimeInterval(min(3600, schedule))) }
        return due
    }

    /// One backup and one prune; false when either failed (logged).
    static func pass(
        configuration: DaemonConfiguration.Backup, directory: FilePath, catalog: EvidenceCatalog,
        store: EvidenceStore, logger: Logger, stop: StopSignal
    ) -> Bool {
        do {
            let target = try BackupDirectory.prepare(at: directory, outside: store.root)
            _ = try Backup(catalog: catalog, store: store, logger: logger)
                .make(into: target, lifetime: configuration.lifetimeSeconds, shouldStop: { stop.isRaised })
            _ = try Prune(catalog: catalog, logger: logger).run(target, at: Date())
            return true
        } catch let error as BackupError where error.code == .stopped {
            return true
        } catch {
            logger.error(
                "scheduled backup failed; retried in an hour",
                metadata: ["backup.directory": "\(directory)", "error": "\(error)"])
            return false
        }
    }

    private static func canonical(_ path: FilePath) -> String {
        guard let resolved = realpath(path.string, nil) else { return path.string }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Whether the pass run on the service's thread failed, read back on the service's task.
private final class PassOutcome: Sendable {
    let failed = Atomic<Bool>(false)
}

/// ServiceLifecycle logs each service by its description: a name, not its configuration.
extension BackupService: CustomStringConvertible {
    var description: String { "backup service" }
}

import CameraVolumes
import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Ingest
import Logging
import ServiceLifecycle
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A folder a card reader or a share delivers into, ingested like a docked device with the same
/// guarantees: each file read once, stored, read back and verified, and removed from the folder only
/// if the folder is configured to and its item verified.
///
/// A file is taken only once it has settled: its size and modification time stayed the same for
/// `settleSeconds`. inotify wakes the watcher when anything changes, so new files are seen at once
/// and a file still being written keeps resetting its clock.
struct WatchedFolderService: Service {
    let folder: DaemonConfiguration.WatchedFolder
    let context: IngestContext
    let timeZone: TimeZone
    let logger: Logger

    var bay: String { "folder:\(folder.path)" }

    func run() async throws {
        context.board.update(bay, kind: .folder) { status in
            status.profile = folder.name
            status.device = folder.deviceID
        }
        let watcher = FolderWatcher(folder: folder, context: context, timeZone: timeZone, logger: logger, bay: bay)
        await runOnOwnThreadUntilStopped(name: "custody-watch") { watcher.run(until: $0) }
    }
}

/// The watcher's loop, on its own thread: wait for a change or for the next file to settle, scan,
/// ingest what settled.
private final class FolderWatcher: Sendable {
    let folder: DaemonConfiguration.WatchedFolder
    let context: IngestContext
    let timeZone: TimeZone
    let logger: Logger
    let bay: String

    init(
        folder: DaemonConfiguration.WatchedFolder, context: IngestContext, timeZone: TimeZone, logger: Logger,
        bay: String
    ) {
        self.folder = folder
        self.context = context
        self.timeZone = timeZone
        // Every line about this folder's files (a file not ingested) names its bay.
        var logger = logger
        logger[metadataKey: "bay"] = "\(bay)"
        self.logger = logger
        self.bay = bay
    }

    /// What a file looked like at a scan.
    struct Signature: Equatable {
        var size: Int64
        var modified: Int64
    }

    func run(until stop: StopSignal) {
        let changes = InotifyTree(root: folder.path.string, logger: logger)
        /// Each file's signature and when it was first seen with it.
        var seen: [RawPath: (signature: Signature, since: ContinuousClock.Instant)] = [:]
        /// Files ingested (verified, or found to be verified already) with the signature they had.
        var taken: [RawPath: Signature] = [:]
        let settle = Duration.milliseconds(Int64(folder.settleSeconds * 1000))
        var deadline = ContinuousClock.now
        while !stop.isRaised {
            // Scan when something changed or a file is due to settle; wake twice a second to see a stop.
            let changed = changes.wait(upTo: min(deadline - ContinuousClock.now, .milliseconds(500)))
            if stop.isRaised { break }
            guard changed || ContinuousClock.now >= deadline else { continue }
            changes.refresh()
            let now = ContinuousClock.now
            var current: [RawPath: Signature] = [:]
            do {
                try DirectoryVolume(root: folder.path).walk { item in
                    if case .file(let file) = item {
                        current[file.path] = Signature(size: file.size, modified: file.modified.nanosecondsSinceEpoch)
                    }
                }
            } catch {
                context.board.update(bay, kind: .folder) { $0.lastError = "\(error)" }
                deadline = now + .seconds(5)
                continue
            }
            seen = seen.filter { current[$0.key] != nil }
            taken = taken.filter { current[$0.key] == $0.value }
            var ready = Set<RawPath>()
            var nextSettle: Duration?
            for (path, signature) in current where taken[path] == nil {
                if let previous = seen[path], previous.signature == signature {
                    let quiet = now - previous.since
                    if quiet >= settle {
                        ready.insert(path)
                    } else {
                        nextSettle = min(nextSettle ?? settle, settle - quiet)
                    }
                } else {
                    seen[path] = (signature, now)
                    nextSettle = min(nextSettle ?? settle, settle)
                }
            }
            deadline = now + (nextSettle ?? .seconds(60))
            guard !ready.isEmpty else { continue }
            let handled = ingest(ready, stop: stop)
            for path in handled { if let signature = current[path] { taken[path] = signature } }
        }
    }

    /// Ingests the settled files; returns those now in a verified item (not to be taken again).
    private func ingest(_ ready: Set<RawPath>, stop: StopSignal) -> [RawPath] {
        let volume = DropFolderVolume(root: folder.path, settled: ready)
        let progress = BayProgress(board: context.board, bay: bay, kind: .folder, metrics: context.metrics)
        context.board.update(bay, kind: .folder) { status in
            status = BayStatus(id: bay, kind: .folder, phase: .ingesting)
            status.profile = folder.name
            status.device = folder.deviceID
            status.sessionID = EvidenceID().description
            status.startedAt = Timestamps.rfc3339(Date())
        }
        // A walk that fails here fails the import below too, which reports it.
        _ = try? progress.start(counting: volume)
        var handled: [RawPath] = []
        var phase = BayStatus.Phase.done
        var lastError: String?
        do {
            let summary = try context.importer(assumedZone: timeZone, logger: logger).importVolume(
                volume, deviceID: folder.deviceID, wipe: folder.removeAfterVerify,
                events: { event in
                    progress.record(event)
                    switch event {
                    case .verified(let path, _, _, _), .duplicate(let path, _): handled.append(path)
                    default: break
                    }
                },
                shouldStop: { stop.isRaised })
            progress.allRead()
            if !summary.failures.isEmpty {
                phase = .failed
                lastError = "\(summary.failures.count) files not ingested, retried when they change"
            }
        } catch {
            progress.allRead()
            phase = stop.isRaised ? .interrupted : .failed
            lastError = "\(error)"
            logger.error("watched folder import failed", metadata: ["folder": "\(folder.path)", "error": "\(error)"])
        }
        context.board.update(bay, kind: .folder) { status in
            status.phase = phase
            status.currentFile = nil
            status.etaSeconds = nil
            if let lastError { status.lastError = lastError }
            status.finishedAt = Timestamps.rfc3339(Date())
        }
        return handled
    }
}

/// ServiceLifecycle logs each service by its description: a name, not its whole configuration.
extension WatchedFolderService: CustomStringConvertible {
    var description: String { "watched folder \(folder.path)" }
}

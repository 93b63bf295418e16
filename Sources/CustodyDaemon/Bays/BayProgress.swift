import CameraVolumes
import ControlProtocol
import CustodyCore
import Foundation
import Ingest

/// Turns one session's import events into its bay's live progress: files and bytes done, rate, ETA,
/// the current file.
///
/// Bytes count what was read (and sealed, or hashed for a duplicate); files count what reached an
/// outcome (verified, duplicate, failed). Owned by the session's thread.
final class BayProgress {
    private let board: BayBoard
    private let bay: String
    private let kind: BayStatus.Kind
    private let metrics: DaemonMetrics
    private let started = ContinuousClock.now
    /// Bytes of the files whose reading finished, and of the file being read.
    private var finishedBytes: Int64 = 0
    private var currentSize: Int64 = 0
    private var currentBytes: Int64 = 0
    /// Publish at most this often for byte progress; outcomes are always published.
    private var lastPublished = ContinuousClock.now
    private static let interval = Duration.milliseconds(100)

    init(board: BayBoard, bay: String, kind: BayStatus.Kind, metrics: DaemonMetrics = .off) {
        self.board = board
        self.metrics = metrics
        self.bay = bay
        self.kind = kind
    }

    /// Counts the files of `volume` for the totals (a walk reads only directory entries, cheap next
    /// to the data), shows them, and returns them.
    /// - Throws: what the volume's walk throws.
    @discardableResult
    func start(counting volume: any CameraVolume) throws -> (files: Int, bytes: Int64) {
        var files = 0
        var bytes: Int64 = 0
        try volume.walk { item in
            if case .file(let file) = item {
                files += 1
                bytes += file.size
            }
        }
        board.update(bay, kind: kind) { status in
            status.phase = .ingesting
            status.filesTotal = files
            status.bytesTotal = bytes
        }
        return (files, bytes)
    }

    /// Records one event.
    func record(_ event: ImportEvent) {
        switch event {
        case .reading(let path, let size):
            finishedBytes += currentSize
            currentSize = size
            currentBytes = 0
            publish(force: true) { $0.currentFile = path.displayString }
        case .progress(_, let bytes):
            currentBytes = bytes
            publish(force: false) { _ in }
        case .verified(_, _, _, let size):
            metrics.ingested(bytes: size)
            publish(force: true) { status in
                status.verified += 1
                status.filesDone += 1
            }
        case .duplicate:
            currentBytes = currentSize
            publish(force: true) { status in
                status.duplicates += 1
                status.filesDone += 1
            }
        case .failed(let path, let reason):
            metrics.ingestFailed()
            publish(force: true) { status in
                status.failed += 1
                status.filesDone += 1
                status.lastError = "\(path.displayString): \(reason)"
            }
        case .wiped:
            publish(force: true) { status in
                status.phase = .wiping
                status.wiped += 1
            }
        case .kept(let path, let reason):
            publish(force: true) { $0.flags.append("left on the device: \(path.displayString): \(reason)") }
        case .sealed, .intentsRecorded, .renamed, .stored, .skipped:
            break
        }
    }

    /// Every file is read: the rest is read-back.
    func allRead() {
        finishedBytes += currentSize
        currentSize = 0
        currentBytes = 0
        publish(force: true) { status in
            status.currentFile = nil
            if status.phase == .ingesting { status.phase = .verifying }
        }
    }

    private func publish(force: Bool, _ change: (inout BayStatus) -> Void) {
        let now = ContinuousClock.now
        guard force || now - lastPublished >= Self.interval else { return }
        lastPublished = now
        let done = finishedBytes + currentBytes
        let elapsed = now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        board.update(bay, kind: kind) { status in
            change(&status)
            status.bytesDone = done
            if done > 0, seconds > 0 {
                let rate = Double(done) / seconds
                status.bytesPerSecond = rate
                status.etaSeconds = status.bytesTotal > done ? Double(status.bytesTotal - done) / rate : 0
            }
        }
    }
}

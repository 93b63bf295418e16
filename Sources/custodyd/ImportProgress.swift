import CameraVolumes
import CustodyCommandLine
import Ingest

/// Feeds an import's events to the progress bar: the bytes of the files read before, plus the
/// current file's bytes so far. The total is the sum of the volume's file sizes, from a walk of its
/// directories before the import (metadata only), made only when the bar is shown.
final class ImportProgress {
    private let bar: ProgressBar?
    private var before: Int64 = 0
    private var currentSize: Int64 = 0

    init(bar: ProgressBar?, volume: any CameraVolume) {
        self.bar = bar
        guard let bar else { return }
        var total: Int64 = 0
        // A walk that fails here fails again in the import, which reports it.
        try? volume.walk { item in
            if case .file(let file) = item { total += file.size }
        }
        bar.setTotal(total)
    }

    /// Moves the bar for `event`, and prints the event's line (if any) through `print` above the bar.
    func record(_ event: ImportEvent, print: (ImportEvent) -> Void) {
        guard let bar else { return print(event) }
        switch event {
        case .reading(let path, let size):
            before += currentSize
            currentSize = size
            bar.update(done: before, current: path.displayString)
        case .progress(_, let bytes):
            bar.update(done: before + bytes)
        case .verified, .duplicate, .skipped, .failed, .wiped, .kept:
            bar.interrupt { print(event) }
        default:
            print(event)
        }
    }

    /// Ends the bar's line with the last frame.
    func finish() {
        guard let bar else { return }
        bar.update(done: before + currentSize)
        bar.finish()
    }
}

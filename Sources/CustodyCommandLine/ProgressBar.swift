import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The one progress bar of the long commands (`custodyd import`, `custody export write`, `custodyd
/// backup make`, `custodyd restore`): bytes done of the total, rate, ETA and the current file, redrawn
/// in place on standard error as bytes move.
///
/// A frame is `\r`, the text cut to the terminal's width, then clear-to-end-of-line (`ESC [K`), so a
/// shorter frame leaves nothing of a longer one; `finish` draws the last frame and a newline. Frames
/// are drawn at most `interval` apart (a 64 GB import reports every MiB; a terminal redrawn that often
/// costs more than the import), except the first and the last. It is shown only where a person looks:
/// `forStandardError` answers nil when standard error is not a terminal, or when the command prints
/// JSON or events, so pipes and scripts never see a frame.
public final class ProgressBar: Sendable {
    /// Where frames go, and what time it is (seconds, any origin): the terminal and the clock, or a test's.
    public struct Output: Sendable {
        let write: @Sendable (String) -> Void
        let now: @Sendable () -> Double

        public init(write: @escaping @Sendable (String) -> Void, now: @escaping @Sendable () -> Double) {
            self.write = write
            self.now = now
        }

        /// Standard error, unbuffered, and the monotonic clock.
        public static let standardError = Output(
            write: { FileHandle.standardError.write(Data($0.utf8)) },
            now: {
                var time = timespec()
                clock_gettime(CLOCK_MONOTONIC, &time)
                return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
            })
    }

    private struct State {
        var total: Int64
        var done: Int64 = 0
        var current = ""
        var started: Double
        var lastFrame: Double?
        var shown = false
        var finished = false
    }

    private let width: Int
    private let interval: Double
    private let output: Output
    private let state: Mutex<State>

    /// A bar of `total` bytes (0 when not known yet) for a terminal `width` columns wide.
    public init(total: Int64, width: Int, interval: Double = 0.1, output: Output) {
        self.width = max(width, 20)
        self.interval = interval
        self.output = output
        self.state = Mutex(State(total: total, started: output.now()))
    }

    /// The bar for standard error, or nil when it must not be drawn: `enabled` is false (the command
    /// prints JSON or events) or standard error is not a terminal.
    public static func forStandardError(total: Int64 = 0, enabled: Bool = true) -> ProgressBar? {
        guard enabled, isatty(STDERR_FILENO) == 1 else { return nil }
        return ProgressBar(total: total, width: terminalWidth(), output: .standardError)
    }

    /// The columns of the terminal on standard error: its window size, else `$COLUMNS`, else 80.
    public static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }

    /// Sets the total, for a command that learns it after it started.
    public func setTotal(_ total: Int64) {
        state.withLock { $0.total = total }
    }

    /// Records that `done` bytes of the total are done, the current file being `current`, and redraws
    /// if the last frame is older than the interval.
    public func update(done: Int64, current: String? = nil) {
        record(current: current) { $0.done = done }
    }

    /// Adds `bytes` to what is done.
    public func advance(by bytes: Int64, current: String? = nil) {
        record(current: current) { $0.done += bytes }
    }

    private func record(current: String?, _ change: (inout State) -> Void) {
        let frame: String? = state.withLock { state in
            guard !state.finished else { return nil }
            change(&state)
            if let current { state.current = current }
            let now = output.now()
            if let last = state.lastFrame, now - last < interval { return nil }
            state.lastFrame = now
            state.shown = true
            return render(state, at: now)
        }
        if let frame { output.write(frame) }
    }

    /// Clears the bar's line, runs `body` (which prints a line of its own), and lets the next update
    /// draw the bar again below it.
    public func interrupt(_ body: () -> Void) {
        let shown = state.withLock { state in
            defer {
                state.shown = false
                state.lastFrame = nil
            }
            return state.shown && !state.finished
        }
        if shown { output.write("\r\u{1B}[K") }
        body()
        // The line goes out before the bar is drawn again below it.
        fflush(nil)
    }

    /// Draws the last frame and ends its line; later updates draw nothing.
    public func finish() {
        let frame: String? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            return render(state, at: output.now()) + "\n"
        }
        if let frame { output.write(frame) }
    }

    /// `\r`, `  42% [########            ] 42.0 MiB / 100.0 MiB  8.4 MiB/s  ETA 0:07  NAME`, `ESC [K`,
    /// cut to the width; the name is cut from its start (its end says which file it is).
    private func render(_ state: State, at now: Double) -> String {
        let elapsed = max(now - state.started, 0)
        let rate = elapsed > 0 ? Double(state.done) / elapsed : 0
        var parts: [String] = []
        if state.total > 0 {
            let fraction = min(Double(state.done) / Double(state.total), 1)
            let percent = String(format: "%3d%%", Int(fraction * 100))
            let barWidth = min(30, max(width / 4, 10))
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            parts.append(
                percent + " [" + String(repeating: "#", count: filled)
                    + String(repeating: " ", count: barWidth - filled) + "]")
            parts.append("\(Self.bytes(state.done)) / \(Self.bytes(state.total))")
        } else {
            parts.append(Self.bytes(state.done))
        }
        parts.append(rate > 0 ? "\(Self.bytes(Int64(rate)))/s" : "-/s")
        if state.total > 0 {
            let left = max(state.total - state.done, 0)
            parts.append(
                state.finished
                    ? "in \(Self.duration(elapsed))" : "ETA " + (rate > 0 ? Self.duration(Double(left) / rate) : "-"))
        }
        var line = parts.joined(separator: "  ")
        let room = width - 1 - line.count - 2
        if !state.current.isEmpty, room >= 8 {
            let name = state.current.count <= room ? state.current : "…" + state.current.suffix(room - 1)
            line += "  " + name
        }
        if line.count > width - 1 { line = String(line.prefix(width - 1)) }
        return "\r" + line + "\u{1B}[K"
    }

    /// `512 B`, `12.3 KiB`, `42.0 MiB`, `1.5 GiB`.
    static func bytes(_ count: Int64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard count >= 1024 else { return "\(count) B" }
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f", value) + " " + units[unit]
    }

    /// `0:07`, `12:34`, `3:02:10`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}

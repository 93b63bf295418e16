import CustodyCommandLine
import Foundation
import Synchronization
import Testing

/// The progress bar against a fake terminal: a scripted clock and byte counts in, the exact frames out.
@Suite struct ProgressBarTests {
    /// What the bar wrote, and the clock it reads, both set by the test.
    final class FakeTerminal: Sendable {
        let written = Mutex<[String]>([])
        let clock = Mutex<Double>(100)

        var output: ProgressBar.Output {
            ProgressBar.Output(
                write: { text in self.written.withLock { $0.append(text) } }, now: { self.clock.withLock { $0 } })
        }
        var frames: [String] { written.withLock { $0 } }
        func at(_ seconds: Double) { clock.withLock { $0 = 100 + seconds } }
    }

    static let mib: Int64 = 1 << 20

    @Test func framesShowBytesRateETAAndTheFileAndRedrawAtMostTenTimesASecond() {
        let terminal = FakeTerminal()
        let bar = ProgressBar(total: 100 * Self.mib, width: 100, output: terminal.output)
        bar.update(done: 0, current: "DCIM/100MEDIA/A.MP4")
        terminal.at(0.05)
        bar.update(done: 5 * Self.mib)  // within 0.1 s of the last frame: not drawn
        terminal.at(2)
        bar.update(done: 50 * Self.mib)
        terminal.at(4)
        bar.update(done: 100 * Self.mib, current: "DCIM/100MEDIA/B.MP4")
        bar.finish()
        bar.update(done: 100 * Self.mib)  // after finish: nothing
        let frames = terminal.frames
        #expect(frames.count == 4, "\(frames)")
        #expect(
            frames[1]
                == "\r 50% [############             ]  50.0 MiB / 100.0 MiB  25.0 MiB/s  ETA 0:02  DCIM/100MEDIA/A.MP4\u{1B}[K"
        )
        #expect(frames[0].hasPrefix("\r  0% [                         ]  0 B / 100.0 MiB  -/s  ETA -"))
        #expect(frames[3] == frames[2].replacingOccurrences(of: "ETA 0:00", with: "in 0:04") + "\n")
        #expect(frames[2].contains("100% [#########################]  100.0 MiB / 100.0 MiB  25.0 MiB/s"))
        for frame in frames {
            #expect(frame.hasPrefix("\r"))
            #expect(frame.trimmingSuffix("\n").hasSuffix("\u{1B}[K"))
            // What shows on screen fits the terminal's width, leaving its last column free.
            #expect(frame.count - "\r\u{1B}[K".count - (frame.hasSuffix("\n") ? 1 : 0) <= 99)
        }
    }

    @Test func aSteadyStreamOfCountsDrawsAboutTenFramesASecond() {
        let terminal = FakeTerminal()
        let bar = ProgressBar(total: 1000 * Self.mib, width: 80, output: terminal.output)
        for step in 0..<1000 {  // a count every millisecond for one second
            terminal.at(Double(step) / 1000)
            bar.update(done: Int64(step) * Self.mib, current: "FILE.MP4")
        }
        #expect((10...11).contains(terminal.frames.count), "\(terminal.frames.count) frames")
    }

    @Test func aNarrowTerminalCutsTheNameFromItsStartAndNeverWraps() {
        let terminal = FakeTerminal()
        let name = "DCIM/100MEDIA/" + String(repeating: "LONGNAME", count: 20) + "_0001.MP4"
        for width in [40, 60, 80] {
            let bar = ProgressBar(total: 10 * Self.mib, width: width, output: terminal.output)
            bar.update(done: Self.mib, current: name)
            let frame = terminal.frames.last!
            let visible = frame.dropFirst().dropLast(3)
            #expect(visible.count <= width - 1, "\(width): \(frame)")
        }
        let wide = terminal.frames[2]
        #expect(wide.contains("…") && wide.hasSuffix("_0001.MP4\u{1B}[K"), "\(wide)")
    }

    @Test func withoutATotalTheBarShowsBytesAndRateOnly() {
        let terminal = FakeTerminal()
        let bar = ProgressBar(total: 0, width: 80, output: terminal.output)
        terminal.at(1)
        bar.update(done: 3 * Self.mib, current: "item 0193")
        #expect(terminal.frames == ["\r3.0 MiB  3.0 MiB/s  item 0193\u{1B}[K"])
    }

    @Test func aLinePrintedDuringTheBarClearsItFirstAndTheNextCountDrawsItAgain() {
        let terminal = FakeTerminal()
        let bar = ProgressBar(total: 10 * Self.mib, width: 80, output: terminal.output)
        bar.update(done: Self.mib, current: "A")
        var printed = false
        bar.interrupt { printed = true }
        bar.update(done: 2 * Self.mib)  // at the same instant: drawn, the line was cleared
        #expect(printed)
        #expect(terminal.frames.count == 3)
        #expect(terminal.frames[1] == "\r\u{1B}[K")
        #expect(terminal.frames[2].contains("2.0 MiB / 10.0 MiB"))
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

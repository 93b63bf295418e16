import ControlProtocol
import Testing

@Suite struct LineFramerTests {
    private func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    @Test func splitsLinesAcrossChunksAndKeepsTheRest() {
        var framer = LineFramer(maxLineLength: 100)
        #expect(framer.append(text("ab")) == [])
        #expect(framer.append(text("c\nde\n\nf")) == [.line(text("abc")), .line(text("de")), .line([])])
        #expect(framer.bufferedByteCount == 1)
        #expect(framer.finish() == .line(text("f")))
        #expect(framer.finish() == nil)
    }

    @Test func dropsTheCarriageReturnOfCRLFEvenSplitAcrossReads() {
        var framer = LineFramer(maxLineLength: 4)
        #expect(framer.append(text("abcd\r")) == [])
        #expect(framer.append(text("\nx\r\n")) == [.line(text("abcd")), .line(text("x"))])
        // A carriage return inside a line is content.
        #expect(framer.append(text("a\rb\n")) == [.line(text("a\rb"))])
    }

    @Test func theLimitCountsContentNotTheTerminator() {
        var framer = LineFramer(maxLineLength: 4)
        #expect(framer.append(text("abcd\n")) == [.line(text("abcd"))])
        #expect(framer.append(text("abcde\n")) == [.tooLong])
        #expect(framer.append(text("abcd\r\n")) == [.line(text("abcd"))])
        #expect(framer.append(text("abcd\r")) == [])
        #expect(framer.append(text("x\n")) == [.tooLong])
        #expect(framer.append(text("ok\n")) == [.line(text("ok"))])
    }

    @Test func anOverlongLineIsReportedBeforeItsNewlineAndNeverBuffered() {
        var framer = LineFramer(maxLineLength: 1000)
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        var frames: [LineFramer.Frame] = []
        for _ in 0..<16 {
            frames += framer.append(chunk)
            #expect(framer.bufferedByteCount <= 1001)
        }
        #expect(frames == [.tooLong])
        #expect(framer.isDiscarding)
        // The rest of the long line is skipped; the next line is read normally.
        #expect(framer.append(text("aaa\nok\n")) == [.line(text("ok"))])
        #expect(!framer.isDiscarding)
        // An overlong line cut off by the end of the stream is nothing.
        _ = framer.append(chunk)
        #expect(framer.finish() == nil)
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func partialReadsOfAnySizeGiveTheSameLines(chunkSize: Int) {
        let input = text("{\"v\":1}\r\n\nsecond line\nthird-is-too-long-for-the-cap\nlast")
        var framer = LineFramer(maxLineLength: 16)
        var frames: [LineFramer.Frame] = []
        var start = 0
        while start < input.count {
            frames += framer.append(input[start..<min(start + chunkSize, input.count)])
            start += chunkSize
        }
        if let last = framer.finish() { frames.append(last) }
        #expect(
            frames == [.line(text("{\"v\":1}")), .line([]), .line(text("second line")), .tooLong, .line(text("last"))])
    }
}

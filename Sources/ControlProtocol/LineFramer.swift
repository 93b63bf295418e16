/// Splits a byte stream into lines, holding at most `maxLineLength` (+1, for a pending `\r`) bytes of an
/// unfinished line, so a peer that sends a gigabyte without a newline costs no more memory than one
/// line (docs/control-protocol.md, "Framing").
///
/// A line ends with `\n`; a `\r` right before it is dropped too. A line longer than `maxLineLength`
/// (not counting its terminator) is reported as `.tooLong` as soon as it passes the limit, without
/// waiting for its newline, and the rest of it is discarded up to the next `\n`. Pure: no I/O.
public struct LineFramer: Sendable {
    /// What one `append` found.
    public enum Frame: Equatable, Sendable {
        /// A complete line, without its terminator (may be empty).
        case line([UInt8])
        /// A line passed `maxLineLength`; its bytes were dropped.
        case tooLong
    }

    /// The longest line accepted, in bytes, terminator excluded.
    public let maxLineLength: Int
    private var buffer: [UInt8] = []
    /// Inside an over-long line: drop everything up to its newline.
    private var discarding = false

    /// Creates a framer for lines of at most `maxLineLength` bytes.
    public init(maxLineLength: Int) {
        precondition(maxLineLength > 0, "a line limit must be positive")
        self.maxLineLength = maxLineLength
    }

    /// Bytes of an unfinished line held now; never more than `maxLineLength + 1`.
    public var bufferedByteCount: Int { buffer.count }

    /// Whether an over-long line is being skipped.
    public var isDiscarding: Bool { discarding }

    /// Takes the next bytes of the stream and returns the lines (and over-long lines) they complete, in order.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) -> [Frame] where Bytes.Element == UInt8 {
        var frames: [Frame] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                let rest = bytes[start...]
                if !discarding {
                    // One byte of slack so a `\r` waiting for its `\n` does not count against the limit.
                    if buffer.count + rest.count > maxLineLength + 1 {
                        frames.append(.tooLong)
                        discarding = true
                        buffer = []
                    } else {
                        buffer.append(contentsOf: rest)
                    }
                }
                break
            }
            if discarding {
                discarding = false
            } else {
                let piece = bytes[start..<newline]
                if buffer.count + piece.count > maxLineLength + 1 {
                    frames.append(.tooLong)
                } else {
                    buffer.append(contentsOf: piece)
                    if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
                    frames.append(buffer.count > maxLineLength ? .tooLong : .line(buffer))
                }
            }
            buffer = []
            start = bytes.index(after: newline)
        }
        return frames
    }

    /// The end of the stream: the last line if it had no newline (a `\r` at its end dropped), else nil.
    public mutating func finish() -> Frame? {
        defer {
            buffer = []
            discarding = false
        }
        guard !discarding, !buffer.isEmpty else { return nil }
        if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
        return buffer.count > maxLineLength ? .tooLong : .line(buffer)
    }
}

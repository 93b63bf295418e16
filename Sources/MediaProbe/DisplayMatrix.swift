import CAVFormat

/// A stream's display matrix (ISO/IEC 14496-12 §8.3.2, the `tkhd` matrix; FFmpeg's
/// `AV_PKT_DATA_DISPLAYMATRIX` side data): how a player must turn or flip the decoded picture.
struct DisplayMatrix {
    /// The nine values, row by row, as the file wrote them.
    var values: [Int32]
    /// Degrees counter-clockwise, as ffprobe reports it; nil when the matrix is not a rotation
    /// (all zeros, say) and `av_display_rotation_get` gives no angle.
    var rotation: Double?

    /// The matrix of `stream`, or nil when it carries none.
    init?(of stream: UnsafeMutablePointer<AVStream>) {
        var size = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
            size >= 9 * MemoryLayout<Int32>.size
        else { return nil }
        // Side data is a byte buffer; copy it out rather than assume its alignment.
        var values = [Int32](repeating: 0, count: 9)
        values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: data, count: 9 * 4)) }
        self.values = values
        let angle = values.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress) }
        // Adding zero turns FFmpeg's -0 (an identity matrix) into 0.
        rotation = angle.isNaN ? nil : angle + 0
    }
}

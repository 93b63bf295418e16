/// Reads one reply frame from a bulk IN endpoint, transfer by transfer, never past a bound.
struct FrameReader {
    let transport: any USBTransport
    let endpoints: BulkEndpoints

    /// Reads transfers until `complete` says how long the frame is and that many bytes are in.
    ///
    /// - Parameters:
    ///   - maximum: the most bytes a frame may have; more is `.malformed`.
    ///   - expectedLength: given the bytes so far, the frame's full length once known, or nil.
    /// - Throws: `DeviceError` from the transport; `.malformed` when the device sends more than one
    ///   frame's worth, or an empty transfer (a device that has nothing to say must time out instead).
    func readFrame(maximum: Int, what: String, expectedLength: ([UInt8]) throws -> Int?) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let chunk = try transport.bulkRead(
                endpoint: endpoints.in, maxLength: maximum - bytes.count + 1,
                timeoutMilliseconds: endpoints.timeoutMilliseconds)
            guard !chunk.isEmpty else {
                throw DeviceError.malformed("\(what) reply ended after \(bytes.count) bytes without a complete frame")
            }
            bytes += chunk
            guard bytes.count <= maximum else {
                throw DeviceError.malformed("\(what) reply exceeds \(maximum) bytes without a complete frame")
            }
            if let length = try expectedLength(bytes) {
                guard bytes.count <= length else {
                    throw DeviceError.malformed("\(what) reply carries \(bytes.count - length) bytes after its frame")
                }
                if bytes.count == length { return bytes }
            }
        }
    }
}

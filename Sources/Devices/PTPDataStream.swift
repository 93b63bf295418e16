/// The data phase of one PTP transaction, pulled transfer by transfer; ends (nil) only after exactly
/// the announced number of bytes and an OK response.
public final class PTPDataStream {
    private let session: PTPSession
    private let transactionID: UInt32
    private let name: String
    private var remaining: Int64
    private var pending: [UInt8]
    private var finished = false

    init(session: PTPSession, transactionID: UInt32, name: String, total: Int64, first: [UInt8]) {
        self.session = session
        self.transactionID = transactionID
        self.name = name
        self.remaining = total
        self.pending = first
    }

    /// The bytes still to come.
    public var remainingBytes: Int64 { remaining }

    /// The next piece of the data; nil once it is complete and the responder answered OK.
    /// - Throws: `DeviceError`: a data phase longer or shorter than announced is `.malformed`; a
    ///   refusal after the data is `.rejected` (the bytes read must then be discarded).
    public func next() throws -> [UInt8]? {
        guard !finished else { return nil }
        if pending.isEmpty, remaining > 0 {
            pending = try session.readPiece(Int(min(remaining, Int64(Int.max))))
            guard !pending.isEmpty else {
                throw DeviceError.malformed("\(name): data phase ended \(remaining) bytes short")
            }
        }
        guard Int64(pending.count) <= remaining else {
            throw DeviceError.malformed("\(name): data phase runs \(Int64(pending.count) - remaining) bytes long")
        }
        if pending.isEmpty {
            finished = true
            try session.expectOK(session.response(transactionID, first: nil, name), name)
            return nil
        }
        defer { pending = [] }
        remaining -= Int64(pending.count)
        return pending
    }
}

/// An MTP/PTP session with a data terminal over its bulk endpoints.
///
/// Every transaction sends a command container, reads an optional data phase (bounded by `Limits`),
/// then the response container, whose type, code and transaction id are checked. Objects are streamed
/// in transfer-sized pieces, never held whole.
public final class PTPSession {
    /// Bounds on what a responder may claim; beyond them is `DeviceError.tooLarge`.
    public struct Limits: Sendable, Hashable {
        /// The largest dataset (DeviceInfo, ObjectInfo, handle arrays) accepted, in bytes.
        public var maximumDatasetBytes: Int
        /// The most object handles one storage may list.
        public var maximumObjects: Int
        /// The largest object accepted, in bytes.
        public var maximumObjectBytes: Int64
        /// The most bytes asked of one IN transfer while streaming.
        public var transferBytes: Int

        /// Creates limits; the defaults fit a body-camera terminal with room to spare.
        public init(
            maximumDatasetBytes: Int = 8 << 20, maximumObjects: Int = 1_000_000,
            maximumObjectBytes: Int64 = 0xFFFF_FFFE, transferBytes: Int = 256 << 10
        ) {
            self.maximumDatasetBytes = maximumDatasetBytes
            self.maximumObjects = maximumObjects
            self.maximumObjectBytes = maximumObjectBytes
            self.transferBytes = transferBytes
        }
    }

    private let transport: any USBTransport
    private let endpoints: BulkEndpoints
    private let limits: Limits
    private var nextTransaction: UInt32 = 0
    private var isOpen = false

    /// Creates a session over a claimed interface; call `open()` before anything else.
    public init(transport: any USBTransport, endpoints: BulkEndpoints = BulkEndpoints(), limits: Limits = Limits()) {
        self.transport = transport
        self.endpoints = endpoints
        self.limits = limits
    }

    /// Opens session 1 (a session the responder already has open is taken over).
    /// - Throws: `DeviceError`.
    public func open() throws {
        nextTransaction = 0
        let response = try transaction(PTPOperation.openSession, [1])
        guard response.code == PTPResponse.ok || response.code == PTPResponse.sessionAlreadyOpen else {
            throw refused(response, "OpenSession")
        }
        isOpen = true
    }

    /// Closes the session; the terminal is then free for its own use.
    /// - Throws: `DeviceError`.
    public func close() throws {
        guard isOpen else { return }
        isOpen = false
        try expectOK(transaction(PTPOperation.closeSession, []), "CloseSession")
    }

    /// Reads the DeviceInfo dataset (allowed outside a session too).
    /// - Throws: `DeviceError`.
    public func deviceInfo() throws -> PTPDeviceInfo {
        try PTPDeviceInfo(dataset: dataset(PTPOperation.getDeviceInfo, [], "GetDeviceInfo"))
    }

    /// The storages the terminal exposes.
    /// - Throws: `DeviceError`.
    public func storageIDs() throws -> [UInt32] {
        try handles(dataset(PTPOperation.getStorageIDs, [], "GetStorageIDs"), "StorageIDs")
    }

    /// Every object handle on a storage (all formats, all folders).
    /// - Throws: `DeviceError` (`.tooLarge` beyond `Limits.maximumObjects`).
    public func objectHandles(storage: UInt32) throws -> [UInt32] {
        try handles(
            dataset(PTPOperation.getObjectHandles, [storage, 0, 0xFFFF_FFFF], "GetObjectHandles"), "ObjectHandles")
    }

    /// The ObjectInfo of one object.
    /// - Throws: `DeviceError`.
    public func objectInfo(_ handle: UInt32) throws -> PTPObjectInfo {
        try PTPObjectInfo(dataset: dataset(PTPOperation.getObjectInfo, [handle], "GetObjectInfo"))
    }

    /// Streams one object's bytes to `consume`, piece by piece, and checks that exactly `expectedSize`
    /// bytes came (the size its ObjectInfo gave).
    /// - Throws: `DeviceError` (`.tooLarge` beyond `Limits.maximumObjectBytes`, `.malformed` when the
    ///   data phase is not the expected size); whatever `consume` throws. After an error the session is
    ///   in an unknown state: close the transport, do not ingest the partial bytes.
    public func object(_ handle: UInt32, expectedSize: Int64, consume: ([UInt8]) throws -> Void) throws {
        let stream = try openObject(handle, expectedSize: expectedSize)
        while let piece = try stream.next() { try consume(piece) }
    }

    /// Starts GetObject and returns the data phase as a stream to pull from; nothing else may be sent
    /// on the session until the stream has returned nil.
    /// - Throws: `DeviceError` as for `object(_:expectedSize:consume:)`.
    public func openObject(_ handle: UInt32, expectedSize: Int64) throws -> PTPDataStream {
        guard expectedSize >= 0, expectedSize <= limits.maximumObjectBytes else {
            throw DeviceError(
                code: .tooLarge,
                message:
                    "MTP object \(handle) claims \(expectedSize) bytes; at most \(limits.maximumObjectBytes) are accepted"
            )
        }
        return try dataPhase(PTPOperation.getObject, [handle], expectedSize: expectedSize, "GetObject")
    }

    /// Deletes one object (the wipe step, after its item verified).
    /// - Throws: `DeviceError` (`.rejected` when the terminal refuses).
    public func deleteObject(_ handle: UInt32) throws {
        let id = try send(PTPOperation.deleteObject, [handle, 0])
        try expectOK(response(id, first: nil, "DeleteObject"), "DeleteObject")
    }

    // MARK: transactions

    /// Runs a transaction without a data phase.
    private func transaction(_ operation: UInt16, _ parameters: [UInt32]) throws -> PTPContainer {
        let id = try send(operation, parameters)
        return try response(id, first: nil, "MTP operation 0x\(String(operation, radix: 16))")
    }

    private func dataset(_ operation: UInt16, _ parameters: [UInt32], _ name: String) throws -> [UInt8] {
        let stream = try dataPhase(operation, parameters, expectedSize: nil, name)
        var bytes: [UInt8] = []
        while let piece = try stream.next() { bytes += piece }
        return bytes
    }

    private func handles(_ dataset: [UInt8], _ name: String) throws -> [UInt32] {
        var reader = PTPDataReader(dataset, dataset: name)
        let values = try reader.array(name, elementSize: 4) { try $0.uint32("handle") }
        guard values.count <= limits.maximumObjects else {
            throw DeviceError(
                code: .tooLarge,
                message: "MTP terminal lists \(values.count) \(name); at most \(limits.maximumObjects) are accepted")
        }
        return values
    }

    /// Sends a command container and returns its transaction id.
    private func send(_ operation: UInt16, _ parameters: [UInt32]) throws -> UInt32 {
        let id = nextTransaction
        nextTransaction &+= 1
        let command = PTPContainer(kind: .command, code: operation, transactionID: id, parameters: parameters)
        try transport.bulkWrite(
            endpoint: endpoints.out, data: command.encoded, timeoutMilliseconds: endpoints.timeoutMilliseconds)
        return id
    }

    /// Sends a command whose answer has a data phase, and returns that phase as a stream. `expectedSize`
    /// is the exact size for objects; nil for datasets, which `maximumDatasetBytes` bounds.
    private func dataPhase(_ operation: UInt16, _ parameters: [UInt32], expectedSize: Int64?, _ name: String) throws
        -> PTPDataStream
    {
        let id = try send(operation, parameters)
        let first = try read(limits.transferBytes)
        let header = try PTPContainer.header(first)
        guard header.transactionID == id else {
            throw DeviceError.malformed("\(name): reply belongs to transaction \(header.transactionID), not \(id)")
        }
        if header.kind == .response {
            let answer = try response(id, first: first, name)
            if answer.code == PTPResponse.ok {
                throw DeviceError.malformed("\(name): the terminal answered OK without its data phase")
            }
            throw refused(answer, name)
        }
        guard header.kind == .data, header.code == operation else {
            throw DeviceError.malformed(
                "\(name): expected a data container, got \(header.kind) 0x\(String(header.code, radix: 16))")
        }
        guard header.length != 0xFFFF_FFFF else {
            throw DeviceError(code: .unsupported, message: "\(name): data phases of 4 GiB or more are not supported")
        }
        let total = Int64(header.length) - Int64(PTPContainer.headerLength)
        if let expectedSize {
            guard total == expectedSize else {
                throw DeviceError.malformed(
                    "\(name): data phase of \(total) bytes, but ObjectInfo said \(expectedSize)")
            }
        } else if total > Int64(limits.maximumDatasetBytes) {
            throw DeviceError(
                code: .tooLarge,
                message: "\(name): dataset of \(total) bytes; at most \(limits.maximumDatasetBytes) are accepted")
        }
        return PTPDataStream(
            session: self, transactionID: id, name: name, total: total,
            first: Array(first.dropFirst(PTPContainer.headerLength)))
    }

    /// Reads (unless `first` already holds it) and checks the response container of transaction `id`.
    func response(_ id: UInt32, first: [UInt8]?, _ name: String) throws -> PTPContainer {
        var bytes = try first ?? read(limits.transferBytes)
        // A data phase of a whole number of packets ends with a zero-length packet.
        if bytes.isEmpty { bytes = try read(limits.transferBytes) }
        let response = try PTPContainer.decode(bytes, maximumLength: PTPContainer.headerLength + 20)
        guard response.kind == .response, response.transactionID == id else {
            throw DeviceError.malformed("\(name): the reply is not the response to transaction \(id)")
        }
        return response
    }

    func readPiece(_ length: Int) throws -> [UInt8] { try read(min(length, limits.transferBytes)) }

    private func read(_ length: Int) throws -> [UInt8] {
        try transport.bulkRead(
            endpoint: endpoints.in, maxLength: length, timeoutMilliseconds: endpoints.timeoutMilliseconds)
    }

    func expectOK(_ response: PTPContainer, _ operation: String) throws {
        guard response.code == PTPResponse.ok else { throw refused(response, operation) }
    }

    private func refused(_ response: PTPContainer, _ operation: String) -> DeviceError {
        DeviceError(
            code: .rejected,
            message: "MTP terminal refused \(operation) with response 0x\(String(response.code, radix: 16))")
    }
}

import Testing

@testable import Devices

@Suite struct PTPSessionTests {
    static func content(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0) &+ seed }
    }

    func makeTerminal() -> (SimulatedMTPResponder, PTPSession) {
        let responder = SimulatedMTPResponder()
        responder.objects = [
            1: .init(parent: 0, name: "DCIM", content: [], isFolder: true),
            2: .init(parent: 1, name: "VID_0001.MP4", content: Self.content(5000, seed: 1)),
            3: .init(parent: 1, name: "IMG_0002.JPG", content: Self.content(1024, seed: 7)),
        ]
        let limits = PTPSession.Limits(transferBytes: 512)
        return (responder, PTPSession(transport: SimulatedUSBDevice(firmware: responder), limits: limits))
    }

    @Test func listsStreamsAndDeletes() throws {
        let (responder, session) = makeTerminal()
        try session.open()
        #expect(responder.sessionOpen)
        let info = try session.deviceInfo()
        #expect(info.serialNumber == "TERM0001" && info.model == "Terminal T1")
        #expect(info.operationsSupported.contains(PTPOperation.getObject))
        let storages = try session.storageIDs()
        #expect(storages == [SimulatedMTPResponder.storage])
        let handles = try session.objectHandles(storage: storages[0])
        #expect(handles == [1, 2, 3])
        let folder = try session.objectInfo(1)
        #expect(folder.isFolder && folder.filename == "DCIM")
        let video = try session.objectInfo(2)
        #expect(video.filename == "VID_0001.MP4" && video.parent == 1 && video.compressedSize == 5000)
        var received: [UInt8] = []
        var pieces = 0
        try session.object(2, expectedSize: 5000) {
            received += $0
            pieces += 1
        }
        #expect(received == Self.content(5000, seed: 1))
        #expect(pieces > 1)  // streamed, not whole
        // 1024 + 12 bytes is not a whole number of 512-byte transfers; 500 + 12 is exactly one.
        responder.objects[4] = .init(parent: 1, name: "A.BIN", content: Self.content(500, seed: 3))
        var small: [UInt8] = []
        try session.object(4, expectedSize: 500) { small += $0 }
        #expect(small.count == 500)
        try session.deleteObject(3)
        #expect(responder.deleted == [3])
        try session.close()
        #expect(!responder.sessionOpen)
    }

    @Test func absurdCountsAndSizesAreRefused() throws {
        let (responder, session) = makeTerminal()
        try session.open()
        responder.faults[PTPOperation.getObjectHandles] = .dataset(UInt32.max.littleEndianBytes + [1, 0, 0, 0])
        let handles = #expect(throws: DeviceError.self) { try session.objectHandles(storage: 1) }
        #expect(handles?.code == .malformed)
        responder.faults[PTPOperation.getObjectHandles] = .claimedLength(0x7FFF_FFFF)
        let huge = #expect(throws: DeviceError.self) { try session.objectHandles(storage: 1) }
        #expect(huge?.code == .tooLarge)
        let bigObject = #expect(throws: DeviceError.self) {
            try session.object(2, expectedSize: 1 << 40) { _ in Issue.record("no bytes expected") }
        }
        #expect(bigObject?.code == .tooLarge)
    }

    @Test func limitsTheNumberOfObjects() throws {
        let responder = SimulatedMTPResponder()
        responder.objects = Dictionary(
            uniqueKeysWithValues: (1...20).map { (UInt32($0), .init(parent: 0, name: "F\($0)", content: [1])) })
        let session = PTPSession(
            transport: SimulatedUSBDevice(firmware: responder), limits: PTPSession.Limits(maximumObjects: 10))
        try session.open()
        let error = #expect(throws: DeviceError.self) { try session.objectHandles(storage: 1) }
        #expect(error?.code == .tooLarge)
    }

    @Test(arguments: [
        (SimulatedMTPResponder.Fault.garbage([1, 2, 3]), DeviceError.Code.malformed),
        (.garbage(PTPContainer(kind: .event, code: 0x4002, transactionID: 3).encoded), .malformed),
        (.stall, .stalled),
        (.silence, .timeout),
        (.disconnectAfter(700), .disconnected),
        (.claimedLength(12 + 4999), .malformed),
        (.claimedLength(12 + 5001), .malformed),
        (.wrongTransaction, .malformed),
        (.refuse(0x2009), .rejected),
    ])
    func aBadObjectTransferIsAClearErrorNotAPartialFile(fault: SimulatedMTPResponder.Fault, code: DeviceError.Code)
        throws
    {
        let (responder, session) = makeTerminal()
        try session.open()
        _ = try session.objectHandles(storage: 1)  // transaction ids 1, 2 …
        responder.faults[PTPOperation.getObject] = fault
        var received = 0
        let error = #expect(throws: DeviceError.self) {
            try session.object(2, expectedSize: 5000) { received += $0.count }
        }
        #expect(error?.code == code)
        #expect(received < 5000)
    }

    @Test func hostileObjectInfoIsRefused() throws {
        let (responder, session) = makeTerminal()
        try session.open()
        for name in ["", "..", "a/b"] {
            responder.faults[PTPOperation.getObjectInfo] = .dataset(
                SimulatedMTPResponder.objectInfo(.init(parent: 0, name: name, content: [])))
            #expect(throws: DeviceError.self) { try session.objectInfo(2) }
        }
        responder.faults[PTPOperation.getObjectInfo] = .dataset(
            Array(
                SimulatedMTPResponder.objectInfo(
                    .init(parent: 0, name: "X.MP4", content: [])
                ).prefix(40)))
        #expect(throws: DeviceError.self) { try session.objectInfo(2) }
    }
}

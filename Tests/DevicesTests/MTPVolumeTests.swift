import CameraVolumes
import CustodyCore
import Testing

@testable import Devices

@Suite struct MTPVolumeTests {
    func makeVolume() throws -> (SimulatedMTPResponder, MTPVolume) {
        let responder = SimulatedMTPResponder()
        responder.objects = [
            1: .init(parent: 0, name: "DCIM", content: [], isFolder: true),
            2: .init(parent: 1, name: "VID_0001.MP4", content: PTPSessionTests.content(5000, seed: 1)),
            3: .init(parent: 0, name: "NOTE.TXT", content: Array("note".utf8), modified: "20261122T160500Z"),
            4: .init(parent: 99, name: "ORPHAN.MP4", content: [1]),
            5: .init(parent: 6, name: "LOOP", content: [], isFolder: true),
            6: .init(parent: 5, name: "LOOP2", content: [], isFolder: true),
            7: .init(parent: 6, name: "IN_LOOP.MP4", content: [2]),
        ]
        let session = PTPSession(
            transport: SimulatedUSBDevice(firmware: responder), limits: PTPSession.Limits(transferBytes: 512))
        try session.open()
        return (responder, MTPVolume(session: session, serial: "TERM0001", utcOffsetSeconds: 3600))
    }

    func walk(_ volume: MTPVolume) throws -> [VolumeItem] {
        var items: [VolumeItem] = []
        try volume.walk { items.append($0) }
        return items
    }

    func files(_ items: [VolumeItem]) -> [VolumeFile] {
        items.compactMap { if case .file(let file) = $0 { file } else { nil } }
    }

    func readAll(_ reader: any VolumeFileReader) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 700)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { return bytes }
            bytes += buffer.prefix(count)
        }
    }

    @Test func walksReadsAndChecksFiles() throws {
        let (_, volume) = try makeVolume()
        #expect(volume.root == "mtp:TERM0001")
        let items = try walk(volume)
        let found = files(items)
        #expect(found.map(\.path.displayString) == ["DCIM/VID_0001.MP4", "NOTE.TXT"])
        let failed = items.compactMap { if case .failed(let path, _) = $0 { path.displayString } else { nil } }
        #expect(Set(failed) == ["ORPHAN.MP4", "IN_LOOP.MP4"])
        // No zone on the terminal: the profile's UTC+1 is assumed. An explicit Z is UTC.
        #expect(found[0].modified.nanosecondsSinceEpoch == (1_795_363_500 - 3600) * 1_000_000_000)
        #expect(found[0].modified.zone == "UTC+01:00 (assumed from the device profile)")
        #expect(found[1].modified.nanosecondsSinceEpoch == 1_795_363_500 * 1_000_000_000)

        let reader = try volume.open(found[0])
        #expect(reader.size == 5000)
        #expect(try readAll(reader) == PTPSessionTests.content(5000, seed: 1))
        try reader.checkUnchanged()
    }

    @Test func wipesOnlyUnchangedFiles() throws {
        let (responder, volume) = try makeVolume()
        let found = files(try walk(volume))
        responder.objects[3]?.content = Array("changed".utf8)
        let report = try volume.wipe(found)
        #expect(report.wiped.map(\.displayString) == ["DCIM/VID_0001.MP4"])
        #expect(report.kept.map(\.path.displayString) == ["NOTE.TXT"])
        #expect(responder.deleted == [2])
    }

    @Test func aDisconnectMidObjectIsAnErrorNotAShortFile() throws {
        let (responder, volume) = try makeVolume()
        let found = files(try walk(volume))
        responder.faults[PTPOperation.getObject] = .disconnectAfter(1500)
        let reader = try volume.open(found[0])
        let error = #expect(throws: VolumeError.self) { _ = try readAll(reader) }
        #expect(error?.code == .unreadable)
    }

    @Test func aMalformedObjectInfoIsReportedAndTheWalkGoesOn() throws {
        let (responder, volume) = try makeVolume()
        responder.objects[8] = .init(parent: 0, name: "a/b", content: [1])
        let items = try walk(volume)
        #expect(files(items).count == 2)
        #expect(
            items.contains {
                if case .failed(let path, _) = $0 { path.displayString == "object-00000008" } else { false }
            })
    }

    @Test func anAbsurdListingFailsTheWholeWalk() throws {
        let (responder, volume) = try makeVolume()
        responder.faults[PTPOperation.getObjectHandles] = .claimedLength(0xFFFF_FF00)
        let error = #expect(throws: VolumeError.self) { _ = try walk(volume) }
        #expect(error?.code == .corrupt)
    }
}

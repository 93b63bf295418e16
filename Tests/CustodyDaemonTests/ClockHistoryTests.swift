import CameraVolumes
import Catalog
import ControlProtocol
import CustodyCommandLine
import CustodyCore
import CustodyTesting
import Devices
import Foundation
import Testing

@testable import CustodyDaemon

/// Drift is judged against the device's last recorded clock set, not an assumed day.
@Suite struct ClockHistoryTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let now: Int64 = 1_714_557_600

    init() throws {
        directory = try TemporaryDirectory("ClockHistoryTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
    }

    /// What DockPreparation hands over for a device whose clock ran `offset` seconds ahead.
    func prepared(offset: Int64, extraFlags: [String] = []) throws -> PreparedDevice {
        let check = ClockCheck(
            deviceTime: try DeviceDateTime(secondsSinceEpoch: now + offset), utcOffsetSeconds: 0, systemSeconds: now,
            daysSinceLastSet: nil)
        var flags = extraFlags
        if check.exceedsTolerance {
            flags.append("device clock was \(offset) s off, more than the \(check.allowedSeconds) s GA/T 947 allows")
        }
        return PreparedDevice(
            identity: DeviceIdentity(serial: "CAM7"), identityCheck: .matches, clock: check, flags: flags,
            handover: .massStorage(volumeLabel: nil))
    }

    @Test func driftWithinThreeSecondsADaySinceTheLastSetIsNotFlagged() throws {
        let history = ClockHistory(catalog: catalog)
        // Ten days since the last set allow 31 s; 20 s is within it, though one assumed day would flag it.
        try catalog.recordClockSet(
            device: "CAM7", at: Date(timeIntervalSince1970: Double(now - 10 * 86_400)), session: EvidenceID())
        let device = try prepared(offset: 20, extraFlags: ["device CAM7 is not in the registry"])
        #expect(device.flags.count == 2)
        let judged = try history.reassess(device, utcOffsetSeconds: 0)
        #expect(judged.clock?.allowedSeconds == 31)
        #expect(judged.flags == ["device CAM7 is not in the registry"])

        let far = try history.reassess(try prepared(offset: 40), utcOffsetSeconds: 0)
        #expect(far.flags.count == 1)
        #expect(far.flags.first?.contains("since it was last set 2024-04-21T10:00:00.000Z") == true)
    }

    @Test func withNoRecordedSetOneDayIsAssumed() throws {
        let judged = try ClockHistory(catalog: catalog).reassess(try prepared(offset: 20), utcOffsetSeconds: 0)
        #expect(judged.clock?.allowedSeconds == 4)
        #expect(judged.flags.count == 1)
        #expect(judged.flags.first?.contains("no recorded set") == true)
    }

    @Test func aSetIsRecordedUnlessSettingFailed() throws {
        let history = ClockHistory(catalog: catalog)
        let at = Date(timeIntervalSince1970: Double(now))
        try history.recordSet(
            try prepared(offset: 0, extraFlags: ["device clock could not be set: timeout"]), session: EvidenceID(),
            at: at)
        #expect(try catalog.lastClockSet(device: "CAM7") == nil)
        try history.recordSet(try prepared(offset: 0), session: EvidenceID(), at: at)
        #expect(try catalog.lastClockSet(device: "CAM7") == at)
    }
}

/// `show` carries the dock facts and every place the content was seen.
@Suite struct ItemViewDockTests {
    @Test func theItemViewCarriesItsSessionOffsetAndSightings() throws {
        let session = EvidenceID()
        var record = ItemRecord(
            id: EvidenceID(), state: .verified, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: 1))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: 2))!, size: 10, ciphertextSize: 90,
            wrappedKey: [UInt8](repeating: 9, count: 60),
            source: SourceReference(
                deviceID: "CAM1", root: "/dock", path: RawPath("A.MP4"), size: 10, modificationTimeNanoseconds: 0),
            ingestedAt: Date(timeIntervalSince1970: 0), verifiedAt: Date(timeIntervalSince1970: 1))
        record.dock = DockFacts(sessionID: session, clockOffset: ClockOffset(seconds: -3, method: .deviceProtocol))
        record.sightings = [
            ItemSighting(
                itemID: record.id, seenAt: Date(timeIntervalSince1970: 86_400),
                source: SourceReference(
                    deviceID: "CAM2", root: "/other", path: RawPath("B.MP4"), size: 10, modificationTimeNanoseconds: 0))
        ]
        let view = ItemView(record)
        #expect(view.dock == .init(session: session.description, clockOffsetSeconds: -3, clockOffsetMethod: "device_protocol"))
        #expect(view.seen?.map(\.source.path) == ["B.MP4"])
        #expect(view.seen?.first?.at == "1970-01-02T00:00:00.000Z")
        let json = String(decoding: try JSONEncoder().encode(view), as: UTF8.self)
        #expect(json.contains(#""clock_offset_method":"device_protocol""#))
        let lines = ItemDetailText.lines(view, metadata: nil, audit: [])
        #expect(lines.contains { $0.hasPrefix("also seen") && $0.contains("/other") && $0.contains("B.MP4") })
        #expect(lines.contains { $0.hasPrefix("clock offset") && $0.contains("-3 s (device_protocol)") })
        record.sightings = []
        #expect(ItemView(record).seen == nil)
    }
}

/// A mass-storage camera's clock, measured from the clock file it rewrites when connected.
@Suite struct ClockFileTests {
    @Test func theClockFilesTimeAgainstTheDockingMomentIsTheOffset() throws {
        let directory = try TemporaryDirectory("clockFile")
        try directory.write(Array("10:00".utf8), to: "card/MISC/TIME.TXT")
        try directory.write(Array("clip".utf8), to: "card/DCIM/A.MP4")
        let docked = Date(timeIntervalSince1970: 1_714_557_600)
        try FileManager.default.setAttributes(
            [.modificationDate: docked.addingTimeInterval(37)], ofItemAtPath: directory.file("card/MISC/TIME.TXT"))
        let volume = DirectoryVolume(root: .init(directory.file("card")))
        let offset = try ClockFile.offset(on: volume, path: "MISC/TIME.TXT", dockedAt: docked)
        #expect(offset == ClockOffset(seconds: 37, method: .clockFile))
        #expect(try ClockFile.offset(on: volume, path: "MISC/CLOCK.TXT", dockedAt: docked) == nil)
    }
}

/// `show` prints a stream's rotation, so a reviewer knows why a clip looks sideways.
@Suite struct MediaDescriptionRotationTests {
    @Test func aRotatedStreamSaysHowToTurnIt() {
        var metadata = MediaMetadata(kind: .video)
        metadata.streams = [
            MediaMetadata.Stream(
                index: 0, kind: "video", codec: "h264", width: 320, height: 240, rotation: 90,
                displayMatrix: [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30]),
            MediaMetadata.Stream(index: 1, kind: "audio", codec: "aac"),
        ]
        let text = MediaDescription(metadata).text
        #expect(text.contains("stream 0         video, h264, 320x240, rotate 90° counter-clockwise to display"))
        #expect(!text.contains("stream 1         audio, aac, rotate"))
    }
}

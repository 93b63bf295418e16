import CustodyTesting
import Dispatch
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A JieLi recorder end to end through the daemon: its vendor commands go through the daemon's real
/// SG_IO calls, which umockdev forwards to the simulated unit in this process; the evidence volume
/// appears when the unit has been switched. Runs in `make test`'s umockdev-wrapper pass.
@Suite(.serialized, .enabled(if: Testbed.isPreloaded, "run under umockdev-wrapper: make test-devices-umockdev"))
struct UMockdevJieLiDaemonTests {
    /// An 89-byte ZFY_INFO: serial ZFY0001, officer 123456, 张三, unit 110000000000, 公安局 (GBK).
    static let record: [UInt8] = {
        func field(_ bytes: [UInt8], _ width: Int) -> [UInt8] {
            bytes + [UInt8](repeating: 0, count: width - bytes.count)
        }
        return field(Array("ZFY0001".utf8), 7) + field(Array("123456".utf8), 6) + field([0xD5, 0xC5, 0xC8, 0xFD], 32)
            + field(Array("110000000000".utf8), 12) + field([0xB9, 0xAB, 0xB0, 0xB2, 0xBE, 0xD6], 32)
    }()

    static let profile = """
        [[devices.profile]]
        id = "\(DockStation.jieliID)"
        family = "jieli"
        name = "JieLi recorder"
        unlock_password = "jieli-password"
        wipe_after_verify = true
        media_folders = ["DCIM"]
        """

    /// A station with one JieLi recorder on bay 1, the password credential written, the daemon started.
    func dock(_ unit: SimulatedJieLiUnit, files: Int = 6) throws -> (DockStation, DaemonProcess, [String: String]) {
        let station = try DockStation()
        try station.configure(wipe: true, profile: Self.profile)
        let credentials = station.directory.file("credentials")
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try Data("888888\n".utf8).write(to: URL(fileURLWithPath: credentials + "/jieli-password"))
        try station.addJieLiRecorder(bay: 1, files: files, size: 64 << 10, unit: unit)
        let original = try station.filesOnImage(bay: 1)
        let daemon = try station.start(environment: ["CREDENTIALS_DIRECTORY": credentials])
        return (station, daemon, original)
    }

    func bay(_ status: [String: Any]) -> [String: Any] { DockStation.bay("usb:1-1", in: status) ?? [:] }

    @Test func isIdentifiedClockSetUnlockedIngestedAndWiped() throws {
        let unit = SimulatedJieLiUnit(record: Self.record)
        let (station, daemon, _) = try dock(unit)
        #expect(unit.switched.wait(timeout: .now() + 60) == .success, "the daemon never switched the recorder")
        try station.showVolume(bay: 1)
        let status = try station.waitForStatus { ["done", "failed"].contains(bay($0)["phase"] as? String) }
        #expect(bay(status)["phase"] as? String == "done", "\(bay(status))")
        #expect(bay(status)["device"] as? String == "ZFY0001" && bay(status)["officer"] as? String == "123456")
        let flags = bay(status)["flags"] as? [String] ?? []
        #expect(flags.contains { $0.contains("clock could not be read") }, "\(flags)")
        #expect(unit.clock?.count == 7 && unit.massStorage)
        let items = try station.items()
        #expect(items.count == 6)
        #expect(
            items.allSatisfy {
                $0["state"] as? String == "verified"
                    && ($0["source"] as? [String: Any])?["device"] as? String == "ZFY0001"
            })
        #expect(try station.filesOnImage(bay: 1).keys.sorted() == ["SYSTEM/LOG.TXT"])
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test func aWrongPasswordFailsTheBayAndLeavesEverything() throws {
        let unit = SimulatedJieLiUnit(record: Self.record, password: "111111")
        let (station, daemon, original) = try dock(unit)
        let status = try station.waitForStatus { ["done", "failed"].contains(bay($0)["phase"] as? String) }
        #expect(bay(status)["phase"] as? String == "failed")
        #expect((bay(status)["lastError"] as? String)?.contains("password") == true, "\(bay(status))")
        #expect(!unit.massStorage && !unit.received.contains { $0.count == 16 && $0[5] == 3 })
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test func aRecorderThatNeverShowsItsVolumeFailsTheBayAndLosesNothing() throws {
        let unit = SimulatedJieLiUnit(record: Self.record)
        let (station, daemon, original) = try dock(unit)
        let status = try station.waitForStatus { ["done", "failed"].contains(bay($0)["phase"] as? String) }
        #expect(bay(status)["phase"] as? String == "failed" && unit.massStorage)
        #expect((bay(status)["lastError"] as? String)?.contains("block device") == true, "\(bay(status))")
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test(arguments: [UInt8(1), 3, 5, 6])
    func aCablePulledAtEachStepUndocksTheBayAndLosesNothing(subCommand: UInt8) throws {
        let unit = SimulatedJieLiUnit(record: Self.record)
        unit.faults = [subCommand: .disconnect]
        let (station, daemon, original) = try dock(unit)
        let status = try station.waitForStatus { ["done", "failed", "undocked"].contains(bay($0)["phase"] as? String) }
        #expect(bay(status)["phase"] as? String == "undocked", "\(bay(status))")
        #expect(!unit.massStorage)
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }
}

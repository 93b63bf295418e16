import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An Ambarella recorder end to end through the daemon: its ASCII commands go over the daemon's real
/// libusb bulk transfers, answered by umockdev from `fixtures/devices/ambarella-daemon*.ioctl` (which
/// hold no clock commands: see make-ioctl.py). Runs in `make test`'s umockdev-wrapper pass.
@Suite(.serialized, .enabled(if: Testbed.isPreloaded, "run under umockdev-wrapper: make test-devices-umockdev"))
struct UMockdevAmbarellaDaemonTests {
    static let profile = """
        [[devices.profile]]
        id = "4255:0001"
        family = "ambarella"
        name = "Ambarella recorder"
        unlock_password = "amba-password"
        wipe_after_verify = true
        media_folders = ["DCIM"]
        """

    func dock(script: String, showsDisk: Bool = true) throws -> (DockStation, DaemonProcess, [String: String]) {
        let station = try DockStation()
        try station.configure(wipe: true, profile: Self.profile)
        let credentials = station.directory.file("credentials")
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try Data("12345678\n".utf8).write(to: URL(fileURLWithPath: credentials + "/amba-password"))
        try station.addRecorder(bay: 1, files: 5, size: 64 << 10, vendorInterface: true, showsDisk: showsDisk)
        try station.testbed.loadIoctl(fixture: script, devnode: "/dev/bus/usb/001/002")
        let original = try station.filesOnImage(bay: 1)
        let daemon = try station.start(environment: ["CREDENTIALS_DIRECTORY": credentials])
        return (station, daemon, original)
    }

    func bay(_ status: [String: Any]) -> [String: Any] { DockStation.bay("usb:1-1", in: status) ?? [:] }

    func ended(_ status: [String: Any]) -> Bool {
        ["done", "failed", "undocked"].contains(bay(status)["phase"] as? String)
    }

    @Test func isIdentifiedUnlockedIngestedAndWipedWithTheClockFlagged() throws {
        let (station, daemon, _) = try dock(script: "ambarella-daemon.ioctl")
        let status = try station.waitForStatus(ended)
        #expect(bay(status)["phase"] as? String == "done", "\(bay(status))")
        #expect(bay(status)["device"] as? String == "DEV0001")
        let flags = bay(status)["flags"] as? [String] ?? []
        #expect(flags.contains { $0.contains("clock could not be read") }, "\(flags)")
        #expect(flags.contains { $0.contains("clock could not be set") }, "\(flags)")
        let items = try station.items()
        #expect(items.count == 5 && items.allSatisfy { $0["state"] as? String == "verified" })
        #expect(items.allSatisfy { ($0["source"] as? [String: Any])?["device"] as? String == "DEV0001" })
        #expect(try station.filesOnImage(bay: 1).keys.sorted() == ["SYSTEM/LOG.TXT"])
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test func aWrongPasswordFailsTheBayAndTheDiskIsNotRead() throws {
        let (station, daemon, original) = try dock(script: "ambarella-daemon-wrong-password.ioctl")
        let status = try station.waitForStatus(ended)
        #expect(bay(status)["phase"] as? String == "failed")
        #expect((bay(status)["lastError"] as? String)?.contains("password") == true, "\(bay(status))")
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test func aRecorderThatNeverSwitchesFailsTheBayAndLosesNothing() throws {
        let (station, daemon, original) = try dock(script: "ambarella-daemon.ioctl", showsDisk: false)
        let status = try station.waitForStatus(ended)
        #expect(bay(status)["phase"] as? String == "failed")
        #expect((bay(status)["lastError"] as? String)?.contains("block device") == true, "\(bay(status))")
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test(arguments: ["ambarella-daemon-pulled-at-identify.ioctl", "ambarella-daemon-pulled.ioctl"])
    func aCablePulledAtIdentifyOrAtTheSwitchUndocksTheBayAndLosesNothing(script: String) throws {
        let (station, daemon, original) = try dock(script: script)
        let status = try station.waitForStatus(ended)
        #expect(bay(status)["phase"] as? String == "undocked", "\(bay(status))")
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }
}

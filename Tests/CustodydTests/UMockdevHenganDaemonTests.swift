import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A Hengan-style recorder (1d70:01d4, bulk 0x02/0x83) end to end through the daemon: its AT lines go
/// over real libusb bulk transfers, answered by umockdev from `fixtures/devices/hengan-daemon*.ioctl`.
@Suite(.serialized, .enabled(if: Testbed.isPreloaded, "run under umockdev-wrapper: make test-devices-umockdev"))
struct UMockdevHenganDaemonTests {
    static let profile = """
        [[devices.profile]]
        id = "1d70:01d4"
        family = "hengan"
        name = "Hengan recorder"
        unlock_password = "hengan-password"
        wipe_after_verify = true
        bulk_out = 2
        bulk_in = 131
        """

    func dock(script: String) throws -> (DockStation, DaemonProcess, [String: String]) {
        let station = try DockStation()
        try station.configure(wipe: true, profile: Self.profile)
        let credentials = station.directory.file("credentials")
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try Data("hengan01\n".utf8).write(to: URL(fileURLWithPath: credentials + "/hengan-password"))
        try station.addRecorder(
            bay: 1, files: 3, size: 64 << 10, vendorInterface: true, vendor: "1d70", product: "01d4", bulkOut: 0x02,
            bulkIn: 0x83)
        try station.testbed.loadIoctl(fixture: script, devnode: "/dev/bus/usb/001/002")
        let original = try station.filesOnImage(bay: 1)
        let daemon = try station.start(environment: ["CREDENTIALS_DIRECTORY": credentials])
        return (station, daemon, original)
    }

    func bay(_ status: [String: Any]) -> [String: Any] { DockStation.bay("usb:1-1", in: status) ?? [:] }

    func ended(_ status: [String: Any]) -> Bool {
        ["done", "failed", "undocked"].contains(bay(status)["phase"] as? String)
    }

    @Test func isIdentifiedUnlockedIngestedAndWiped() throws {
        let (station, daemon, _) = try dock(script: "hengan-daemon.ioctl")
        let status = try station.waitForStatus(ended)
        #expect(bay(status)["phase"] as? String == "done", "\(bay(status))")
        #expect(bay(status)["device"] as? String == "HA0001" && bay(status)["officer"] as? String == "P1234")
        let items = try station.items()
        #expect(items.count == 3 && items.allSatisfy { $0["state"] as? String == "verified" })
        #expect(try station.filesOnImage(bay: 1).keys.sorted() == ["SYSTEM/LOG.TXT"])
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test func aWrongPasswordFailsTheBayAndTheDiskIsNotRead() throws {
        let (station, daemon, original) = try dock(script: "hengan-daemon-wrong-password.ioctl")
        let status = try station.waitForStatus(ended)
        #expect(bay(status)["phase"] as? String == "failed")
        #expect((bay(status)["lastError"] as? String)?.contains("password") == true, "\(bay(status))")
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test func aCablePulledAtIdentifyUndocksTheBayAndLosesNothing() throws {
        let (station, daemon, original) = try dock(script: "hengan-daemon-pulled.ioctl")
        let status = try station.waitForStatus(ended)
        #expect(bay(status)["phase"] as? String == "undocked", "\(bay(status))")
        #expect(try station.items().isEmpty && station.filesOnImage(bay: 1) == original)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }
}

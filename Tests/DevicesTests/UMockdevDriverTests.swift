import Testing

@testable import Devices

/// The drivers through the real `LibUSBDevice` (libusb bulk transfers over usbdevfs), against devices
/// whose answers umockdev replays from `fixtures/devices/*.ioctl`. Serialized, like every umockdev suite.
@Suite(.serialized, .enabled(if: Testbed.isPreloaded, "run under umockdev-wrapper: make test-devices-umockdev"))
struct UMockdevDriverTests {
    static let systemNow: Int64 = 1_795_363_500  // 2026-11-22 16:05:00 UTC

    func open(_ fixture: String, port: String, devnode: String) throws -> (Testbed, LibUSBContext, LibUSBDevice) {
        let testbed = Testbed()
        try testbed.add(fixture: fixture + ".umockdev")
        try testbed.loadIoctl(fixture: fixture + ".ioctl", devnode: devnode)
        let context = try LibUSBContext()
        let description = try #require(try context.attachedDevices().first { $0.portPath == port })
        return (testbed, context, try LibUSBDevice(context: context, at: description))
    }

    @Test func ambarellaRecorderIsIdentifiedClockCheckedAndUnlocked() throws {
        let (testbed, _, device) = try open("ambarella-4255-0001", port: "1-1", devnode: "/dev/bus/usb/001/002")
        defer { withExtendedLifetime(testbed) {} }
        let driver = AmbarellaDriver(transport: device, password: "12345678")
        #expect(try driver.identify() == DeviceIdentity(serial: "DEV0001", officerID: "A12345"))
        let check = try ClockSync.synchronize(driver, utcOffsetSeconds: 0, daysSinceLastSet: 1) { Self.systemNow }
        #expect(check.offsetSeconds == -360 && check.exceedsTolerance)
        #expect(try driver.unlock(password: "12345678") == .massStorage(volumeLabel: "DEV0001"))
    }

    @Test func gat947RecorderIsIdentifiedClockCheckedAndUnlocked() throws {
        let (testbed, _, device) = try open("gat947-2f5a-0947", port: "1-2", devnode: "/dev/bus/usb/001/003")
        defer { withExtendedLifetime(testbed) {} }
        let driver = GAT947Driver(transport: device)
        let identity = try driver.identify()
        #expect(identity.serial == "ZFY0001" && identity.officerName == "张三" && identity.unitName == "公安局")
        let check = try ClockSync.synchronize(driver, utcOffsetSeconds: 8 * 3600, daysSinceLastSet: 1) {
            Self.systemNow
        }
        #expect(check.offsetSeconds == 2 && !check.exceedsTolerance)
        #expect(try driver.unlock(password: "000000") == .massStorage(volumeLabel: nil))
    }
}

import CameraVolumes
import CustodyTesting
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

    @Test func ambarellaRecorderIsIdentifiedClockSetAndUnlocked() throws {
        let (testbed, _, device) = try open("ambarella-4255-0001", port: "1-1", devnode: "/dev/bus/usb/001/002")
        defer { withExtendedLifetime(testbed) {} }
        let driver = AmbarellaDriver(transport: device, password: "12345678")
        #expect(try driver.identify() == DeviceIdentity(serial: "DEV0001"))
        try ClockSync.set(driver, utcOffsetSeconds: 0) { Self.systemNow }
        #expect(try driver.unlock(password: "12345678") == .massStorage(volumeLabel: "DEV0001"))
    }
}

extension UMockdevDriverTests {
    @Test func mtpTerminalIsIdentifiedListedReadAndWiped() throws {
        let (testbed, _, device) = try open("mtp-terminal-18d1-4ee1", port: "1-4", devnode: "/dev/bus/usb/001/005")
        defer { withExtendedLifetime(testbed) {} }
        let session = PTPSession(transport: device, limits: PTPSession.Limits(transferBytes: 512))
        try session.open()
        let info = try session.deviceInfo()
        #expect(info.serialNumber == "TERM0001" && info.model == "Data Terminal")
        let volume = MTPVolume(session: session, serial: info.serialNumber)
        var files: [VolumeFile] = []
        try volume.walk { if case .file(let file) = $0 { files.append(file) } }
        #expect(files.map(\.path.displayString) == ["DCIM/VID_0001.MP4"])
        let reader = try volume.open(files[0])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while case let count = try buffer.withUnsafeMutableBytes({ try reader.read(into: $0) }), count > 0 {
            bytes += buffer.prefix(count)
        }
        #expect(bytes == (0..<600).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) })
        try reader.checkUnchanged()
        #expect(try volume.wipe(files).wiped == [files[0].path])
        try session.close()
    }
}

extension UMockdevDriverTests {
    @Test func wrongPasswordGarbageStallAndDisconnectThroughLibUSBAreClearErrors() throws {
        let testbed = Testbed()
        try testbed.add(fixture: "ambarella-4255-0001.umockdev")
        try testbed.loadIoctl(fixture: "ambarella-4255-0001-faults.ioctl", devnode: "/dev/bus/usb/001/002")
        let context = try LibUSBContext()
        let description = try #require(try context.attachedDevices().first { $0.portPath == "1-1" })
        let driver = AmbarellaDriver(
            transport: try LibUSBDevice(context: context, at: description), password: "12345678")
        let codes: [DeviceError.Code?] = [
            #expect(throws: DeviceError.self) { try driver.unlock(password: "00000000") }?.code,
            #expect(throws: DeviceError.self) { try driver.identify() }?.code,
            #expect(throws: DeviceError.self) { try ClockSync.set(driver, utcOffsetSeconds: 0) { Self.systemNow } }?
                .code,
            #expect(throws: DeviceError.self) { try ClockSync.set(driver, utcOffsetSeconds: 0) { Self.systemNow } }?
                .code,
        ]
        #expect(codes == [.wrongPassword, .malformed, .stalled, .disconnected])
    }
}

extension UMockdevDriverTests {
    /// The real `SGIOTransport` (SG_GET_VERSION_NUM and SG_IO ioctls on a block node) against the
    /// simulated JieLi unit that umockdev's ioctl handler serves for `/dev/sdj`.
    @Test func jieliRecorderIsIdentifiedAndUnlockedThroughRealSGIO() throws {
        let testbed = Testbed()
        let unit = SimulatedJieLiUnit(record: ZFYInfoTests.record(.compact))
        try testbed.attachSCSI(devnode: "/dev/sdj", unit: unit)
        try testbed.add(record: DockStation.jieliRecord(bay: 7, disk: "sdj"))
        let driver = JieLiDriver(transport: try SGIOTransport(path: "/dev/sdj"), password: "888888")
        try driver.checkInquiry()
        let identity = try driver.identify()
        #expect(identity.serial == "ZFY0001" && identity.officerName == "张三" && identity.unitName == "公安局")
        try ClockSync.set(driver, utcOffsetSeconds: 0) { Self.systemNow }
        #expect(unit.clock == [0xEA, 0x07, 11, 22, 16, 5, 0])
        #expect(try driver.unlock(password: "888888") == .massStorage(volumeLabel: nil) && unit.massStorage)
        unit.faults = [3: .checkCondition]
        let refused = #expect(throws: DeviceError.self) {
            try JieLiDriver(transport: SGIOTransport(path: "/dev/sdj"), password: "888888").identify()
        }
        #expect(refused?.code == .rejected && refused?.message.contains("sense key 5") == true)
        unit.faults = [1: .disconnect]
        let gone = #expect(throws: DeviceError.self) {
            try JieLiDriver(transport: SGIOTransport(path: "/dev/sdj"), password: "888888").identify()
        }
        #expect(gone?.code == .disconnected)
    }
}

extension UMockdevDriverTests {
    /// The A9 variant through real libusb, as far as umockdev's replay goes: the ASCII login finds no
    /// answer (the script holds no bulk exchange), the probe falls back, and the login's control OUT
    /// transfer matches the script byte for byte (a wrong byte fails the write). umockdev replays a
    /// control URB as an OUT one (endpoint 0) and copies no data back, so the 10-byte status read
    /// cannot be replayed: it fails, and is checked against the simulator only.
    @Test func ambarellaA9IsFoundByProbingAndItsLoginTransferIsExact() throws {
        let testbed = Testbed()
        try testbed.add(fixture: "ambarella-4255-0001.umockdev")
        try testbed.loadIoctl(fixture: "ambarella-a9-4255-0001.ioctl", devnode: "/dev/bus/usb/001/002")
        let context = try LibUSBContext()
        let description = try #require(try context.attachedDevices().first { $0.portPath == "1-1" })
        let device = try LibUSBDevice(context: context, at: description)
        let probe = AmbarellaProbe(
            transport: device, password: "A9secret", endpoints: BulkEndpoints(timeoutMilliseconds: 200),
            fallbackSerial: "DEV0001")
        let error = #expect(throws: DeviceError.self) { try probe.identify() }
        #expect(probe.variant == "a9")
        #expect(error?.message.contains("reading control request 85") == true, "\(String(describing: error))")
    }
}

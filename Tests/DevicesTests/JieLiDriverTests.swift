import CustodyTesting
import Testing

@testable import Devices

@Suite struct JieLiDriverTests {
    static let systemNow: Int64 = 1_795_363_500  // 2026-11-22 16:05:00 UTC

    func makeRecorder() -> (SimulatedJieLiRecorder, JieLiDriver) {
        let recorder = SimulatedJieLiRecorder(record: ZFYInfoTests.record(.compact))
        return (recorder, JieLiDriver(transport: recorder, password: "888888"))
    }

    static func cdb(_ operation: UInt8, _ direction: UInt8, _ sub: UInt8, _ length: UInt8) -> [UInt8] {
        [operation, direction, 0, 0, 0, sub, 0, length, 0, 0, 0, 0, 0, 0, 0, 0]
    }

    @Test func identifiesSetsTheClockAndSwitchesWithTheSDKsCommands() throws {
        let (recorder, driver) = makeRecorder()
        try driver.checkInquiry()
        let identity = try driver.identify()
        #expect(identity.serial == "ZFY0001" && identity.officerID == "123456" && identity.officerName == "张三")
        #expect(identity.unitNumber == "110000000000" && identity.unitName == "公安局" && driver.idCode == "JL0947")
        try ClockSync.set(driver, utcOffsetSeconds: 8 * 3600) { Self.systemNow }
        #expect(recorder.clock == [0xEA, 0x07, 11, 23, 0, 5, 0], "2026-11-23 00:05:00, the year little-endian")
        #expect(try driver.unlock(password: "888888") == .massStorage(volumeLabel: nil) && recorder.massStorage)
        let read: UInt8 = 0xFD
        let write: UInt8 = 0xFB
        #expect(
            recorder.received.dropFirst() == [
                Self.cdb(write, 0x82, 1, 0), Self.cdb(read, 0x81, 2, 6), Self.cdb(read, 0x81, 14, 4),
                Self.cdb(read, 0x81, 13, 16), Self.cdb(read, 0x81, 3, 89), Self.cdb(read, 0x81, 14, 4),
                Self.cdb(write, 0x82, 5, 7), Self.cdb(read, 0x81, 14, 4), Self.cdb(read, 0x81, 12, 4),
                Self.cdb(write, 0x82, 6, 0),
            ])
    }

    @Test func aWrongPasswordStopsBeforeTheIdentityAndTheSwitch() throws {
        let (recorder, _) = makeRecorder()
        let driver = JieLiDriver(transport: recorder, password: "123456")
        let error = #expect(throws: DeviceError.self) { try driver.identify() }
        #expect(error?.code == .wrongPassword && !(error?.message.contains("888888") ?? true))
        #expect(throws: DeviceError.self) { try driver.unlock(password: "123456") }
        #expect(!recorder.massStorage && !recorder.received.contains { $0[5] == 3 || $0[5] == 6 })
    }

    @Test func noSDCardIsARefusalAndNoSwitch() throws {
        let (recorder, driver) = makeRecorder()
        recorder.sdCardPresent = false
        #expect((#expect(throws: DeviceError.self) { try driver.unlock(password: "888888") })?.code == .rejected)
        #expect(!recorder.massStorage)
    }

    @Test(arguments: [
        (JieLiCommand.SubCommand.getDeviceInfo, SimulatedJieLiUnit.Fault.failedStatus, DeviceError.Code.rejected),
        (.getDeviceInfo, .short, .malformed),
        (.getDeviceInfo, .checkCondition, .rejected),
        (.getDeviceInfo, .disconnect, .disconnected),
        (.getPassword, .short, .malformed),
        (.initialize, .disconnect, .disconnected),
        (.getIDCode, .failedStatus, .rejected),
    ])
    func everyBadAnswerToIdentifyIsAClearError(
        sub: JieLiCommand.SubCommand, fault: SimulatedJieLiUnit.Fault, code: DeviceError.Code
    ) throws {
        let (recorder, driver) = makeRecorder()
        recorder.faults = [sub.rawValue: fault]
        #expect((#expect(throws: DeviceError.self) { try driver.identify() })?.code == code)
    }

    @Test func aFailedClockSetIsReportedAndAPulledCableAtTheSwitchLeavesItLocked() throws {
        let (recorder, driver) = makeRecorder()
        recorder.faults = [JieLiCommand.SubCommand.syncTime.rawValue: .failedStatus, 6: .disconnect]
        _ = try driver.identify()
        #expect(
            (#expect(throws: DeviceError.self) {
                try driver.setClock(DeviceDateTime(secondsSinceEpoch: 0 + 946_684_800))
            })?.code == .rejected)
        #expect((#expect(throws: DeviceError.self) { try driver.unlock(password: "888888") })?.code == .disconnected)
        #expect(!recorder.massStorage)
        #expect((#expect(throws: DeviceError.self) { try driver.readClock() })?.code == .unsupported)
    }

    @Test func anotherSCSIUnitIsNotTakenForARecorder() throws {
        let (recorder, driver) = makeRecorder()
        recorder.vendor = "Generic"
        recorder.product = "Flash Disk"
        #expect((#expect(throws: DeviceError.self) { try driver.checkInquiry() })?.code == .unsupported)
        recorder.vendor = "DV16 DEV"
        recorder.product = "ICE V1.00"
        try driver.checkInquiry()
    }

    @Test func commandsParseBackAndForeignCDBsDoNot() {
        let read = JieLiCommand.read(.getDeviceInfo, length: 89)
        #expect(JieLiCommand.parse(read.scsi.cdb)?.subCommand == .getDeviceInfo)
        #expect(JieLiCommand.parse([0x28] + [UInt8](repeating: 0, count: 15)) == nil)
        var stray = read.scsi.cdb
        stray[9] = 1
        #expect(JieLiCommand.parse(stray) == nil)
        let time = try? DeviceDateTime(year: 2026, month: 2, day: 28, hour: 23, minute: 59, second: 58)
        #expect(time.flatMap { try? JieLiClock.decode(JieLiClock.encode($0)) } == time)
    }
}

@Suite struct SCSITransportTests {
    @Test func sgioRefusesNodesThatAreNotSCSI() throws {
        // The real SG_IO path as far as a machine without SCSI devices allows: open, SG_GET_VERSION_NUM.
        let error = #expect(throws: DeviceError.self) { try SGIOTransport(path: "/dev/null") }
        #expect(error?.code == .unsupported)
        let missing = #expect(throws: DeviceError.self) { try SGIOTransport(path: "/dev/custody-no-such-node") }
        #expect(missing?.code == .disconnected)
    }

    @Test func senseAndHostStatusBecomeTheirErrorCodes() {
        let fixed: [UInt8] = [0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0]
        let check = SCSIOutcome(status: 2, hostStatus: 0, driverStatus: 8, sense: fixed)
        let error = #expect(throws: DeviceError.self) { try check.check("test") }
        #expect(error?.code == .rejected && error?.message.contains("sense key 5, ASC 0x20") == true)
        let gone = SCSIOutcome(status: 0, hostStatus: 1, driverStatus: 0, sense: [])
        #expect((#expect(throws: DeviceError.self) { try gone.check("test") })?.code == .disconnected)
        let driverTimedOut = SCSIOutcome(status: 0, hostStatus: 0, driverStatus: 6, sense: [])
        #expect((#expect(throws: DeviceError.self) { try driverTimedOut.check("test") })?.code == .timeout)
        let timedOut = SCSIOutcome(status: 0, hostStatus: 3, driverStatus: 0, sense: [])
        #expect((#expect(throws: DeviceError.self) { try timedOut.check("test") })?.code == .timeout)
        #expect(
            SCSIOutcome(status: 2, hostStatus: 0, driverStatus: 0, sense: [0x72, 0x06, 0x29]).senseText.contains(
                "key 6"))
        #expect(throws: Never.self) {
            try SCSIOutcome(status: 0, hostStatus: 0, driverStatus: 0, sense: []).check("ok")
        }
    }

    @Test func inquiryParsesAndRefusesShortOrBinaryAnswers() throws {
        let inquiry = try SCSIInquiry(
            data: [0, 0x80, 2, 2, 31, 0, 0, 0] + Array("DV16    DEVICE V1.00    1.00".utf8))
        #expect(
            inquiry.vendor == "DV16" && inquiry.product == "DEVICE V1.00" && inquiry.compactName == "dv16devicev1.00")
        #expect(throws: DeviceError.self) { try SCSIInquiry(data: [UInt8](repeating: 0x41, count: 35)) }
        #expect(throws: DeviceError.self) { try SCSIInquiry(data: [UInt8](repeating: 0xFF, count: 36)) }
    }
}

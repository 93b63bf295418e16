import Testing

@testable import Devices

@Suite struct GAT947DriverTests {
    static let deviceClock = try! DeviceDateTime(year: 2026, month: 11, day: 23, hour: 0, minute: 5, second: 2)
    // The recorder keeps Beijing time (UTC+8); 2026-11-22 16:05:00 UTC is 2026-11-23 00:05:00 there.
    static let systemNow: Int64 = 1_795_363_500
    static let beijing = 8 * 3600

    func makeRecorder() -> (SimulatedGAT947Recorder, GAT947Driver) {
        let recorder = SimulatedGAT947Recorder(record: GAT947CodecTests.record(), clock: Self.deviceClock)
        return (recorder, GAT947Driver(transport: SimulatedUSBDevice(firmware: recorder)))
    }

    @Test func identifiesSyncsClockAndUnlocks() throws {
        let (recorder, driver) = makeRecorder()
        let identity = try driver.identify()
        #expect(identity.serial == "ZFY0001")
        #expect(identity.officerName == "张三")
        #expect(identity.unitName == "公安局")
        let check = try ClockSync.synchronize(driver, utcOffsetSeconds: Self.beijing, daysSinceLastSet: 1) {
            Self.systemNow
        }
        #expect(check.offsetSeconds == 2)
        #expect(!check.exceedsTolerance)
        #expect(
            recorder.clock == (try DeviceDateTime(secondsSinceEpoch: Self.systemNow, utcOffsetSeconds: Self.beijing)))
        #expect(try driver.unlock(password: "000000") == .massStorage(volumeLabel: nil))
        #expect(recorder.unlocked)
    }

    @Test func wrongPassword() throws {
        let (recorder, driver) = makeRecorder()
        let error = #expect(throws: DeviceError.self) { try driver.unlock(password: "999999") }
        #expect(error?.code == .wrongPassword)
        #expect(!recorder.unlocked)
    }

    @Test func fragmentedRepliesAreReassembled() throws {
        let (recorder, driver) = makeRecorder()
        recorder.faults = [0x01: .fragmented]
        #expect(try driver.identify().officerID == "123456")
    }

    @Test(arguments: [
        (SimulatedFault.garbage([0x5A, 0x46, 0x81, 0x00, 0x01, 0x00, 0x80]), DeviceError.Code.malformed),
        (.garbage(GAT947Frame(command: 0x81, payload: [1, 2, 3]).encoded), .malformed),
        (.garbage(GAT947Frame(command: 0x82, payload: [UInt8](repeating: 0, count: 89)).encoded), .malformed),
        (.garbage([0x5A, 0x46, 0x81, 0xFF, 0xFF]), .tooLarge),
        (.garbage([0x00, 0x01, 0x02]), .malformed),
        (.stall, .stalled),
        (.silence, .timeout),
        (.disconnect, .disconnected),
    ])
    func everyBadAnswerToIdentifyIsAClearError(fault: SimulatedFault, code: DeviceError.Code) throws {
        let (recorder, driver) = makeRecorder()
        recorder.faults = [0x01: fault]
        let error = #expect(throws: DeviceError.self) { try driver.identify() }
        #expect(error?.code == code)
    }

    @Test func aHalfAnswerFollowedBySilenceTimesOut() throws {
        let (recorder, driver) = makeRecorder()
        let whole = GAT947Frame(command: 0x81, payload: GAT947CodecTests.record()).encoded
        recorder.faults = [0x01: .garbage(Array(whole.prefix(40)))]
        let error = #expect(throws: DeviceError.self) { try driver.identify() }
        #expect(error?.code == .timeout)
    }
}

import Testing

@testable import Devices

@Suite struct AmbarellaDriverTests {
    static let deviceClock = try! DeviceDateTime(year: 2026, month: 11, day: 22, hour: 15, minute: 59, second: 0)
    static let systemNow: Int64 = 1_795_363_500  // 2026-11-22 16:05:00 UTC

    func makeRecorder() -> (SimulatedAmbarellaRecorder, AmbarellaDriver, SimulatedUSBDevice) {
        let recorder = SimulatedAmbarellaRecorder(clock: Self.deviceClock)
        let device = SimulatedUSBDevice(firmware: recorder)
        return (recorder, AmbarellaDriver(transport: device, password: "12345678"), device)
    }

    @Test func identifiesSyncsClockAndUnlocks() throws {
        let (recorder, driver, device) = makeRecorder()
        let identity = try driver.identify()
        #expect(identity == DeviceIdentity(serial: "DEV0001", officerID: "A12345"))
        #expect(device.written.first == Array("@Ver;8;00000000;#".utf8))
        #expect(device.written[1] == Array("@Gdv;8;12345678;#".utf8))

        let check = try ClockSync.synchronize(driver, utcOffsetSeconds: 0, daysSinceLastSet: 1) { Self.systemNow }
        #expect(check.offsetSeconds == -360)
        #expect(check.exceedsTolerance)
        #expect(recorder.clock.secondsSinceEpoch() == Self.systemNow)

        #expect(try driver.unlock(password: "12345678") == .massStorage(volumeLabel: "DEV0001"))
        #expect(recorder.unlocked)
    }

    @Test func readsTheClockAgainWhenMidnightPassesDuringTheReading() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.scriptedDates = ["20261121"]
        #expect(try driver.readClock() == Self.deviceClock)
    }

    @Test func reassemblesRepliesSplitAcrossTransfers() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["Ver": .fragmented, "Gdv": .fragmented]
        #expect(try driver.identify().serial == "DEV0001")
    }

    @Test func wrongPasswordIsItsOwnErrorAndLeavesTheDeviceLocked() throws {
        let (recorder, driver, _) = makeRecorder()
        let error = #expect(throws: DeviceError.self) { try driver.unlock(password: "00000000") }
        #expect(error?.code == .wrongPassword)
        #expect(!recorder.unlocked)
        let identifyError = #expect(throws: DeviceError.self) {
            try AmbarellaDriver(transport: SimulatedUSBDevice(firmware: recorder), password: "nope").identify()
        }
        #expect(identifyError?.code == .wrongPassword)
    }

    @Test(arguments: [
        (SimulatedFault.garbage(Array("@Gdv;9;DEV0001;#".utf8)), DeviceError.Code.malformed),
        (.garbage([0xFF, 0x00, 0x23]), .malformed),
        (.garbage(Array("@Gdv;7;DEV0001;#@Gdv".utf8)), .malformed),
        (.garbage(Array("@Gdt;8;20261122;#".utf8)), .malformed),
        (.garbage(Array("@Gdv;0;;#".utf8)), .malformed),
        (.garbage([UInt8](repeating: 0x41, count: 500)), .malformed),
        (.garbage([]), .malformed),
        (.stall, .stalled),
        (.silence, .timeout),
        (.disconnect, .disconnected),
    ])
    func everyBadAnswerToIdentifyIsAClearError(fault: SimulatedFault, code: DeviceError.Code) throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["Gdv": fault]
        let error = #expect(throws: DeviceError.self) { try driver.identify() }
        #expect(error?.code == code)
        #expect(!(error?.message.isEmpty ?? true))
    }

    @Test func aFailedClockSetIsReportedAndUnlockStillNeedsThePassword() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["Stm": .disconnect]
        let error = #expect(throws: DeviceError.self) {
            try ClockSync.synchronize(driver, utcOffsetSeconds: 0, daysSinceLastSet: nil) { Self.systemNow }
        }
        #expect(error?.code == .disconnected)
        #expect(throws: DeviceError.self) { try driver.unlock(password: "12345678") }
        #expect(!recorder.unlocked)
    }

    @Test func anUnparseableClockIsMalformed() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["Gtm": .garbage(Array("@Gtm;6;256199;#".utf8))]
        let error = #expect(throws: DeviceError.self) { try driver.readClock() }
        #expect(error?.code == .malformed)
    }
}

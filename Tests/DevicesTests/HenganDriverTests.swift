import Testing

@testable import Devices

@Suite struct HenganDriverTests {
    static let systemNow: Int64 = 1_795_363_500  // 2026-11-22 16:05:00 UTC

    func makeRecorder(password: String = "hengan01") -> (SimulatedHenganRecorder, HenganDriver, SimulatedUSBDevice) {
        let recorder = SimulatedHenganRecorder()
        let device = SimulatedUSBDevice(firmware: recorder, endpoints: BulkEndpoints(out: 0x02, in: 0x83))
        return (recorder, HenganDriver(transport: device, password: password, endpoints: device.endpoints), device)
    }

    @Test func logsInIdentifiesSetsTheClockAndEnablesTheUDisk() throws {
        let (recorder, driver, device) = makeRecorder()
        #expect(try driver.identify() == DeviceIdentity(serial: "HA0001", officerID: "P1234"))
        try ClockSync.set(driver, utcOffsetSeconds: 0) { Self.systemNow }
        #expect(try driver.unlock(password: "hengan01") == .massStorage(volumeLabel: nil))
        #expect(recorder.systemTime == "20261122160500" && recorder.udisk)
        #expect(
            device.written.map { String(decoding: $0, as: UTF8.self) } == [
                "BC+LOGIN=admin:hengan01\r\n", "BC+DID?\r\n", "BC+UID?\r\n", "BC+SYSTIME=20261122160500\r\n",
                "BC+UDISKEN=1\r\n",
            ])
    }

    @Test func aWrongPasswordIsItsOwnErrorAndNoUDisk() throws {
        let (recorder, driver, _) = makeRecorder(password: "wrong")
        #expect((#expect(throws: DeviceError.self) { try driver.identify() })?.code == .wrongPassword)
        #expect((#expect(throws: DeviceError.self) { try driver.unlock(password: "wrong") })?.code == .wrongPassword)
        #expect(!recorder.udisk)
    }

    @Test(arguments: [
        (SimulatedFault.garbage(Array("+UID:HA0001\r\n".utf8)), DeviceError.Code.malformed),
        (.garbage(Array("+DID:\r\n".utf8)), .malformed),
        (.garbage(Array("+DID:HA\u{1}\r\n".utf8)), .malformed),
        (.garbage(Array("+DID:HA0001\r\nextra".utf8)), .malformed),
        (.garbage([UInt8](repeating: 0x41, count: 200)), .malformed),
        (.stall, .stalled),
        (.silence, .timeout),
        (.disconnect, .disconnected),
    ])
    func everyBadAnswerToIdentifyIsAClearError(fault: SimulatedFault, code: DeviceError.Code) throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["DID": fault]
        let error = #expect(throws: DeviceError.self) { try driver.identify() }
        #expect(error?.code == code)
    }

    @Test func reassemblesAnAnswerSplitAcrossTransfers() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["DID": .fragmented, "LOGIN": .fragmented]
        #expect(try driver.identify().serial == "HA0001")
    }

    @Test func aRefusedUDiskSwitchIsARefusal() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["UDISKEN": .garbage(Array("+UDISKEN:Fail\r\n".utf8))]
        #expect((#expect(throws: DeviceError.self) { try driver.unlock(password: "hengan01") })?.code == .rejected)
    }
}

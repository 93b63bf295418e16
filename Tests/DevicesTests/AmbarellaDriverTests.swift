import CustodyTesting
import Testing

@testable import Devices

@Suite struct AmbarellaDriverTests {
    static let systemNow: Int64 = 1_795_363_500  // 2026-11-22 16:05:00 UTC

    func makeRecorder() -> (SimulatedAmbarellaRecorder, AmbarellaDriver, SimulatedUSBDevice) {
        let recorder = SimulatedAmbarellaRecorder()
        let device = SimulatedUSBDevice(firmware: recorder)
        return (recorder, AmbarellaDriver(transport: device, password: "12345678"), device)
    }

    @Test func speaksTheCommandsByteForByteAsThePublicHostDoes() throws {
        let (recorder, driver, device) = makeRecorder()
        #expect(try driver.identify() == DeviceIdentity(serial: "DEV0001"))
        try ClockSync.set(driver, utcOffsetSeconds: 0) { Self.systemNow }
        #expect(try driver.unlock(password: "12345678") == .massStorage(volumeLabel: "DEV0001"))
        #expect(
            device.written.map { String(decoding: $0, as: UTF8.self) } == [
                "@Ver;8;00000000;#", "@Gdv;8;12345678;#", "@Sdt;8;20261122;#", "@Stm;6;16050000;#",
                "@ATH;8;12345678;#",
            ])
        #expect(recorder.date == "20261122" && recorder.time == "160500" && recorder.unlocked)
    }

    @Test func theClockCannotBeReadAndDockingFlagsThatButStillSetsIt() throws {
        let (recorder, driver, _) = makeRecorder()
        let error = #expect(throws: DeviceError.self) { try driver.readClock() }
        #expect(error?.code == .unsupported)
        let profile = DeviceProfile(
            id: USBDeviceID(vendor: 0x4255, product: 1), family: .ambarella, unlockPassword: "amba")
        let prepared = try DockPreparation.prepare(
            driver, profile: profile, profiles: DeviceProfiles(profiles: [profile]), password: "12345678",
            daysSinceLastSet: nil, now: { Self.systemNow })
        #expect(prepared.clock == nil && prepared.flags.contains { $0.contains("clock could not be read") })
        #expect(recorder.time == "160500" && recorder.unlocked)
    }

    @Test func aWrongPasswordIsItsOwnErrorAndLeavesTheDeviceLocked() throws {
        let (recorder, driver, _) = makeRecorder()
        #expect(throws: DeviceError.self) { try driver.unlock(password: "00000000") }
        #expect(!recorder.unlocked)
        let identifyError = #expect(throws: DeviceError.self) {
            try AmbarellaDriver(transport: SimulatedUSBDevice(firmware: recorder), password: "nope").identify()
        }
        #expect(identifyError?.code == .wrongPassword)
        let unlockError = #expect(throws: DeviceError.self) { try driver.unlock(password: "00000000") }
        #expect(unlockError?.code == .wrongPassword && !recorder.unlocked)
    }

    @Test(arguments: [
        (SimulatedFault.garbage(Array("@Gdv;OK;;#".utf8)), DeviceError.Code.malformed),
        (.garbage(Array("@Gdv;OK".utf8)), .malformed),
        (.garbage(Array("@Gdt;OK;DEV0001;#".utf8)), .malformed),
        (.garbage([0xFF, 0x00, 0x23]), .malformed),
        (.garbage(Array("@Gdv;OK;../etc;#".utf8)), .malformed),
        (.garbage([UInt8](repeating: 0x41, count: 65)), .malformed),
        (.garbage([]), .malformed),
        (.garbage([0, 0, 0]), .malformed),
        (.fragmented, .malformed),
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

    @Test func aLoginWithoutVerOKIsRefused() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["Ver": .garbage(Array("@Ver;8;AMBA-1.0;#".utf8))]
        #expect((#expect(throws: DeviceError.self) { try driver.identify() })?.code == .rejected)
    }

    @Test func aCablePulledWhileSettingTheClockLeavesTheRecorderLocked() throws {
        let (recorder, driver, _) = makeRecorder()
        recorder.faults = ["Stm": .disconnect]
        let error = #expect(throws: DeviceError.self) {
            try ClockSync.set(driver, utcOffsetSeconds: 0) { Self.systemNow }
        }
        #expect(error?.code == .disconnected)
        #expect(throws: DeviceError.self) { try driver.unlock(password: "12345678") }
        #expect(!recorder.unlocked)
    }
}

@Suite struct AmbarellaReplyTests {
    @Test(arguments: ["@Gdv;OK;DEV0001;#", "@Gdv;8;DEV0001#", "@Gdv;7;DEV0001;#\0\0\0", "  @Gdv;OK;DEV0001;#\r\n"])
    func takesTheDeviceIDFromTheThirdField(text: String) throws {
        #expect(try AmbarellaReply(transfer: Array(text.utf8)).deviceID() == "DEV0001")
    }

    @Test func recognisesLoginRefusalAndTheCommandNamed() throws {
        #expect(try AmbarellaReply(transfer: Array("@Ver;OK;#".utf8)).acceptsLogin)
        #expect(try !AmbarellaReply(transfer: Array("@Ver;8;00000000;#".utf8)).acceptsLogin)
        #expect(try AmbarellaReply(transfer: Array("@Gdv;ERROR;#".utf8)).isRefusal)
        #expect(try AmbarellaReply(transfer: Array("@Stm;OK;#".utf8)).names("Stm"))
        #expect(try !AmbarellaReply(transfer: Array("@Stmx;OK;#".utf8)).names("Stm"))
    }

    @Test func commandsCarryThePublishedLengthFields() throws {
        let time = try DeviceDateTime(year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5)
        #expect(try AmbarellaCommand.setTime(time).description == "@Stm;6;03040500;#")
        #expect(try AmbarellaCommand.setDate(time).description == "@Sdt;8;20260102;#")
        #expect(try AmbarellaCommand.login.description == "@Ver;8;00000000;#")
        #expect(throws: DeviceError.self) { try AmbarellaCommand.massStorage(password: "a;b") }
        #expect(throws: DeviceError.self) { try AmbarellaCommand.deviceID(password: String(repeating: "x", count: 33)) }
    }

    @Test func survivesRandomBytes() {
        var generator = SplitMix64(seed: 47)
        for _ in 0..<3000 {
            let count = Int(generator.next() % 80)
            let bytes = (0..<count).map { _ in
                UInt8(truncatingIfNeeded: generator.next() % 3 == 0 ? 0x3B : generator.next())
            }
            if let reply = try? AmbarellaReply(transfer: bytes) {
                _ = try? reply.deviceID()
                #expect(reply.text.utf8.count <= 64)
            }
        }
    }
}

@Suite struct AmbarellaA9Tests {
    @Test func logsInAndSwitchesWithTheDocumentedControlTransfers() throws {
        let recorder = SimulatedA9Recorder()
        let driver = AmbarellaA9Driver(transport: recorder, password: "A9secret", fallbackSerial: "SER42")
        #expect(try driver.identify() == DeviceIdentity(serial: "SER42"))
        #expect(try driver.unlock(password: "A9secret") == .massStorage(volumeLabel: nil))
        #expect(recorder.unlocked)
        let login = recorder.requests[0]
        #expect(login.request == 0x55 && login.value == 0x0080)
        #expect(login.data == [0xA1, 0x12, 0x00, 0x12] + Array("A9secret".utf8) + [UInt8](repeating: 0, count: 52))
        #expect(recorder.requests[2].request == 0x50)
        #expect(recorder.requests[2].data == [0xA1, 0x23, 0x00, 0x23] + [UInt8](repeating: 0, count: 60))
    }

    @Test func aRefusedLoginIsAWrongPasswordAndNoDiskMode() throws {
        let recorder = SimulatedA9Recorder()
        let driver = AmbarellaA9Driver(transport: recorder, password: "wrong", fallbackSerial: "SER42")
        #expect((#expect(throws: DeviceError.self) { try driver.identify() })?.code == .wrongPassword)
        #expect((#expect(throws: DeviceError.self) { try driver.unlock(password: "wrong") })?.code == .wrongPassword)
        #expect(!recorder.unlocked && !recorder.requests.contains { $0.request == 0x50 })
    }

    @Test func aPulledCableBeforeDiskModeIsADisconnect() throws {
        let recorder = SimulatedA9Recorder()
        recorder.disconnectAt = 2
        let driver = AmbarellaA9Driver(transport: recorder, password: "A9secret", fallbackSerial: "SER42")
        _ = try driver.identify()
        #expect((#expect(throws: DeviceError.self) { try driver.unlock(password: "A9secret") })?.code == .disconnected)
        #expect(!recorder.unlocked)
    }

    @Test func theProbeTriesASCIIFirstAndTheA9WhenASCIIGetsNoAnswer() throws {
        let a9 = SimulatedA9Recorder()
        let probe = AmbarellaProbe(
            transport: a9, password: "A9secret", endpoints: BulkEndpoints(), fallbackSerial: "SER42")
        #expect(try probe.identify().serial == "SER42" && probe.variant == "a9")
        #expect(try probe.unlock(password: "A9secret") == .massStorage(volumeLabel: nil) && a9.unlocked)

        let ascii = SimulatedUSBDevice(firmware: SimulatedAmbarellaRecorder())
        let asciiProbe = AmbarellaProbe(
            transport: ascii, password: "12345678", endpoints: BulkEndpoints(), fallbackSerial: "SER42")
        #expect(try asciiProbe.identify().serial == "DEV0001" && asciiProbe.variant == "ascii")
    }

    @Test func theProbeDoesNotSwitchVariantOnARefusal() throws {
        let recorder = SimulatedAmbarellaRecorder()
        recorder.faults = ["Ver": .garbage(Array("@Ver;ERROR;#".utf8))]
        let probe = AmbarellaProbe(
            transport: SimulatedUSBDevice(firmware: recorder), password: "12345678", endpoints: BulkEndpoints(),
            fallbackSerial: "SER42")
        #expect((#expect(throws: DeviceError.self) { try probe.identify() })?.code == .rejected)
        #expect(probe.variant == nil)
    }
}

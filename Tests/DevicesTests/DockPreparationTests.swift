import Testing

@testable import Devices

/// A recorder driver whose every step is scripted: for the docking policy, apart from any protocol
/// (no family the public sources document can read its clock, but the policy must handle one that can).
final class ScriptedRecorderDriver: RecorderDriver {
    var identity = DeviceIdentity(serial: "DEV0001", officerID: "A12345")
    var clock: Result<DeviceDateTime, DeviceError>
    var setError: DeviceError?
    var unlockError: DeviceError?
    private(set) var setTo: DeviceDateTime?
    private(set) var unlocked = false

    init(clock: Result<DeviceDateTime, DeviceError>) { self.clock = clock }

    func identify() throws -> DeviceIdentity { identity }
    func readClock() throws -> DeviceDateTime { try clock.get() }
    func setClock(_ time: DeviceDateTime) throws {
        if let setError { throw setError }
        setTo = time
    }
    func unlock(password: String) throws -> StorageHandover {
        if let unlockError { throw unlockError }
        unlocked = true
        return .massStorage(volumeLabel: identity.serial)
    }
}

@Suite struct DockPreparationTests {
    static let systemNow: Int64 = 1_795_363_500  // 2026-11-22 16:05:00 UTC
    static let profile = DeviceProfile(
        id: USBDeviceID(vendor: 0x4255, product: 1), family: .ambarella, unlockPassword: "amba")
    static let registry = DeviceProfiles(
        profiles: [profile], registry: ["DEV0001": RegisteredDevice(officerID: "A12345")])

    func prepare(_ driver: any RecorderDriver, registry: DeviceProfiles = registry) throws -> PreparedDevice {
        try DockPreparation.prepare(
            driver, profile: Self.profile, profiles: registry, password: "12345678", daysSinceLastSet: 30
        ) { Self.systemNow }
    }

    @Test func aMatchingDeviceWithAGoodClockHasNoFlags() throws {
        let driver = ScriptedRecorderDriver(clock: .success(try DeviceDateTime(secondsSinceEpoch: Self.systemNow - 60)))
        let prepared = try prepare(driver)
        #expect(prepared.identityCheck == .matches && prepared.clock?.offsetSeconds == -60 && prepared.flags.isEmpty)
        #expect(prepared.handover == .massStorage(volumeLabel: "DEV0001") && driver.unlocked)
        #expect(driver.setTo?.secondsSinceEpoch() == Self.systemNow)
    }

    @Test func driftAMismatchAndAFailedSetAreFlagsNotFailures() throws {
        let driver = ScriptedRecorderDriver(
            clock: .success(try DeviceDateTime(secondsSinceEpoch: Self.systemNow - 360)))
        driver.identity.officerID = "B99"
        driver.setError = DeviceError(code: .rejected, message: "refused")
        let prepared = try prepare(driver)
        #expect(prepared.identityCheck == .mismatch("officer B99, registered to A12345"))
        #expect(prepared.clock?.offsetSeconds == -360 && prepared.flags.count == 3 && driver.unlocked)
    }

    @Test func anAmbarellaRecorderIsFlaggedUnmeasuredAndStillUnlocked() throws {
        let recorder = SimulatedAmbarellaRecorder()
        let driver = AmbarellaDriver(transport: SimulatedUSBDevice(firmware: recorder), password: "12345678")
        let prepared = try prepare(driver, registry: DeviceProfiles(profiles: []))
        #expect(prepared.clock == nil && prepared.flags.count == 2)  // unregistered, clock not read
        #expect(recorder.time == "160500" && recorder.unlocked)
    }

    @Test func aDisconnectOrAWrongPasswordStopsTheSession() throws {
        let gone = ScriptedRecorderDriver(clock: .failure(DeviceError(code: .disconnected, message: "gone")))
        #expect(throws: DeviceError.self) { try prepare(gone) }
        #expect(!gone.unlocked)

        let recorder = SimulatedAmbarellaRecorder()
        recorder.password = "87654321"
        let driver = AmbarellaDriver(transport: SimulatedUSBDevice(firmware: recorder), password: "87654321")
        let error = #expect(throws: DeviceError.self) { try prepare(driver) }
        #expect(error?.code == .wrongPassword && !recorder.unlocked)
    }
}

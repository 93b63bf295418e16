import Testing

@testable import Devices

@Suite struct DockPreparationTests {
    static let profile = DeviceProfile(
        id: USBDeviceID(vendor: 0x4255, product: 1), family: .ambarella, unlockPassword: "amba")
    static let registry = DeviceProfiles(
        profiles: [profile], registry: ["DEV0001": RegisteredDevice(officerID: "A12345")])

    func prepare(_ recorder: SimulatedAmbarellaRecorder, registry: DeviceProfiles = registry) throws -> PreparedDevice {
        let driver = AmbarellaDriver(transport: SimulatedUSBDevice(firmware: recorder), password: "12345678")
        return try DockPreparation.prepare(
            driver, profile: Self.profile, profiles: registry, password: "12345678", daysSinceLastSet: 30
        ) { AmbarellaDriverTests.systemNow }
    }

    @Test func aMatchingDeviceWithAGoodClockHasNoFlags() throws {
        let recorder = SimulatedAmbarellaRecorder(
            clock: try DeviceDateTime(secondsSinceEpoch: AmbarellaDriverTests.systemNow - 60))
        let prepared = try prepare(recorder)
        #expect(prepared.identityCheck == .matches)
        #expect(prepared.clock?.offsetSeconds == -60)
        #expect(prepared.flags.isEmpty)
        #expect(prepared.handover == .massStorage(volumeLabel: "DEV0001"))
        #expect(recorder.unlocked)
    }

    @Test func driftAMismatchAndAnUnreadableClockAreFlagsNotFailures() throws {
        let recorder = SimulatedAmbarellaRecorder(clock: AmbarellaDriverTests.deviceClock)
        recorder.officerID = "B99"
        recorder.faults = ["Stm": .garbage(Array("@Stm;3;BAD;#".utf8))]
        let prepared = try prepare(recorder)
        #expect(prepared.identityCheck == .mismatch("officer B99, registered to A12345"))
        #expect(prepared.clock?.offsetSeconds == -360)
        #expect(prepared.flags.count == 3)
        #expect(recorder.unlocked)

        let silent = SimulatedAmbarellaRecorder(clock: AmbarellaDriverTests.deviceClock)
        silent.faults = ["Gdt": .silence]
        let unread = try prepare(silent, registry: DeviceProfiles(profiles: []))
        #expect(unread.clock == nil)
        #expect(unread.flags.count == 2)  // unregistered, clock not read (setting it worked)
        #expect(silent.unlocked)
    }

    @Test func aDisconnectOrAWrongPasswordStopsTheSession() throws {
        let gone = SimulatedAmbarellaRecorder(clock: AmbarellaDriverTests.deviceClock)
        gone.faults = ["Gtm": .disconnect]
        #expect(throws: DeviceError.self) { try prepare(gone) }
        #expect(!gone.unlocked)

        let locked = SimulatedAmbarellaRecorder(clock: AmbarellaDriverTests.deviceClock)
        locked.password = "87654321"
        locked.faults = [:]
        let driver = AmbarellaDriver(transport: SimulatedUSBDevice(firmware: locked), password: "87654321")
        let error = #expect(throws: DeviceError.self) {
            try DockPreparation.prepare(
                driver, profile: Self.profile, profiles: Self.registry, password: "12345678", daysSinceLastSet: nil
            ) { AmbarellaDriverTests.systemNow }
        }
        #expect(error?.code == .wrongPassword)
        #expect(!locked.unlocked)
    }
}

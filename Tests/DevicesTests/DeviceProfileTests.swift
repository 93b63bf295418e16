import Foundation
import Testing

@testable import Devices

@Suite struct DeviceProfileTests {
    @Test func decodesDocumentedKeysWithDefaults() throws {
        let json = Data(
            """
            [{"id": "4255:0001", "family": "ambarella", "unlockPassword": "ambarella-password", "wipeAfterVerify": true},
             {"id": "18d1:4ee1", "family": "mtp", "interfaceClass": 6, "mediaFolders": []}]
            """.utf8)
        let profiles = try JSONDecoder().decode([DeviceProfile].self, from: json)
        #expect(profiles[0].id == USBDeviceID(vendor: 0x4255, product: 0x0001))
        #expect(profiles[0].wipeAfterVerify && profiles[0].mediaFolders == ["DCIM"])
        #expect(profiles[0].endpoints == BulkEndpoints(out: 0x01, in: 0x81, timeoutMilliseconds: 5000))
        #expect(profiles[1].family == .mtp && profiles[1].mediaFolders.isEmpty && !profiles[1].wipeAfterVerify)
        let again = try JSONDecoder().decode(
            [DeviceProfile].self, from: JSONEncoder().encode(profiles))
        #expect(again == profiles)
    }

    @Test(arguments: [
        #"{"id": "4255-0001", "family": "mtp"}"#,
        #"{"id": "4255:0001", "family": "walkman"}"#,
        #"{"id": "4255:0001", "family": "ambarella"}"#,
        #"{"id": "4255:0001", "family": "mtp", "bulkIn": 1}"#,
        #"{"id": "4255:0001", "family": "mtp", "timeoutMilliseconds": 0}"#,
    ])
    func rejectsBadProfiles(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DeviceProfile.self, from: Data(json.utf8)) }
    }

    @Test func matchesByIdAndInterfaceClassAndChecksTheRegistry() {
        let terminal = USBDeviceID(vendor: 0x18D1, product: 0x4EE1)
        let profiles = DeviceProfiles(
            profiles: [DeviceProfile(id: terminal, family: .mtp, interfaceClass: 6)],
            registry: ["DEV0001": RegisteredDevice(officerID: "A12345")])
        #expect(profiles.profile(for: terminal, interfaceClasses: [6, 0xFF])?.family == .mtp)
        #expect(profiles.profile(for: terminal, interfaceClasses: [8]) == nil)
        #expect(profiles.profile(for: USBDeviceID(vendor: 1, product: 2), interfaceClasses: [6]) == nil)
        #expect(profiles.check(DeviceIdentity(serial: "DEV0001", officerID: "A12345")) == .matches)
        #expect(profiles.check(DeviceIdentity(serial: "DEV0002")) == .unregistered)
        #expect(
            profiles.check(DeviceIdentity(serial: "DEV0001", officerID: "B1"))
                == .mismatch("officer B1, registered to A12345"))
    }
}

@Suite struct RecorderDriversTests {
    @Test func makesTheFamilysDriverAndReadsThePasswordCredential() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("RecorderDriversTests-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("12345678\n".utf8).write(to: directory.appendingPathComponent("amba"))
        try Data([0x31, 0x00, 0x32]).write(to: directory.appendingPathComponent("binary"))

        let id = USBDeviceID(vendor: 0x4255, product: 1)
        let profile = DeviceProfile(id: id, family: .ambarella, unlockPassword: "amba")
        #expect(try profile.readUnlockPassword(credentialsDirectory: directory.path) == "12345678")
        let recorder = SimulatedAmbarellaRecorder()
        let driver = try #require(
            profile.makeDriver(transport: SimulatedUSBDevice(firmware: recorder), password: "12345678"))
        #expect(try driver.identify().serial == "DEV0001")
        #expect(
            DeviceProfile(id: id, family: .mtp).makeDriver(
                transport: SimulatedUSBDevice(firmware: recorder), password: "") == nil)
        #expect(
            try DeviceProfile(id: id, family: .massStorage).readUnlockPassword(credentialsDirectory: directory.path)
                == nil)

        for name in ["missing", "binary", "../amba", ""] {
            let bad = DeviceProfile(id: id, family: .ambarella, unlockPassword: name)
            let error = #expect(throws: DeviceError.self) {
                try bad.readUnlockPassword(credentialsDirectory: directory.path)
            }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("12345678") == false)
        }
    }
}

import Testing

@testable import Devices

@Suite struct USBDeviceIDTests {
    @Test func parsesAndPrintsIds() {
        #expect(USBDeviceID("4255:0001") == USBDeviceID(vendor: 0x4255, product: 1))
        #expect(USBDeviceID("18D1:4ee1")?.description == "18d1:4ee1")
        for bad in ["", "4255", "4255:1", "4255:00001", "g255:0001", "4255:0001:0", ":"] {
            #expect(USBDeviceID(bad) == nil)
        }
    }

    @Test func portPathsAreSpelledAsSysfsDoes() {
        let id = USBDeviceID(vendor: 1, product: 2)
        #expect(USBDeviceDescription(bus: 1, ports: [1, 4], address: 9, id: id).portPath == "1-1.4")
        #expect(USBDeviceDescription(bus: 2, ports: [], address: 1, id: id).portPath == "usb2")
    }
}

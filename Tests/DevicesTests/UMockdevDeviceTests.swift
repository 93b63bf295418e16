import CustodyTesting
import Foundation
import Testing

@testable import Devices

/// The real libusb and libudev code against umockdev devices (fixtures/devices). Serialized: a testbed
/// redirects /sys and /dev for the whole process.
@Suite(.serialized, .enabled(if: Testbed.isPreloaded, "run under umockdev-wrapper: make test-devices-umockdev"))
struct UMockdevDeviceTests {
    static let ambarella = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
    static let terminal = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4"

    @Test func enumerationSeesEachFamilysIdsAndPorts() throws {
        let testbed = Testbed()
        for fixture in ["ambarella-4255-0001.umockdev", "gat947-2f5a-0947.umockdev", "mtp-terminal-18d1-4ee1.umockdev"]
        {
            try testbed.add(fixture: fixture)
        }
        let devices = try LibUSBContext().attachedDevices()
        let byPort = Dictionary(uniqueKeysWithValues: devices.map { ($0.portPath, $0.id.description) })
        #expect(byPort["1-1"] == "4255:0001")
        #expect(byPort["1-2"] == "2f5a:0947")
        #expect(byPort["1-4"] == "18d1:4ee1")
        let classes = Dictionary(uniqueKeysWithValues: devices.map { ($0.portPath, $0.interfaceClasses) })
        #expect(classes["1-1"] == [0xFF])
        #expect(classes["1-4"] == [0x06])
    }

    @Test func hotplugDeliversColdplugThenArrivalsAndDepartures() async throws {
        let testbed = Testbed()
        try testbed.add(fixture: "ambarella-4255-0001.umockdev")
        let context = try LibUSBContext()
        var events = try USBHotplugEvents(context: context).makeAsyncIterator()

        let coldplug = try await events.next()
        #expect(coldplug?.kind == .arrived)
        #expect(coldplug?.device.id.description == "4255:0001")
        #expect(coldplug?.serial == "DEV0001")
        #expect(coldplug?.product == "Body Worn Camera")

        try testbed.add(fixture: "mtp-terminal-18d1-4ee1.umockdev")
        testbed.uevent(Self.terminal, "add")
        let arrival = try await events.next()
        #expect(arrival?.kind == .arrived)
        #expect(arrival?.device.portPath == "1-4")
        #expect(arrival?.serial == "TERM0001")

        testbed.uevent(Self.terminal, "remove")
        let departure = try await events.next()
        #expect(departure?.kind == .departed)
        #expect(departure?.device.id.description == "18d1:4ee1")
        #expect(departure?.serial == "TERM0001")
    }

    @Test func resolvesTheBlockPartitionUnderAnUnlockedRecorder() throws {
        let testbed = Testbed()
        try testbed.add(fixture: "unlocked-ambarella-disk.umockdev")
        let resolver = BlockDeviceResolver(udev: try UDevContext())
        let found = try resolver.blockDevices(under: "1-3")
        #expect(found.map(\.devnode) == ["/dev/sdb", "/dev/sdb1"])
        let partition = found.first { $0.devtype == "partition" }
        #expect(partition?.label == "DEV0001")
        #expect(partition?.filesystem == "vfat")
        #expect(try resolver.blockDevices(under: "1-1").isEmpty)
        #expect(try resolver.waitForBlockDevices(under: "1-3", timeoutMilliseconds: 1000).count == 2)
    }

    @Test func waitingForADiskThatNeverComesTimesOutWithAClearError() throws {
        let testbed = Testbed()
        try testbed.add(fixture: "ambarella-4255-0001.umockdev")
        let resolver = BlockDeviceResolver(udev: try UDevContext())
        let error = #expect(throws: DeviceError.self) {
            try resolver.waitForBlockDevices(under: "1-1", timeoutMilliseconds: 100)
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("1-1") == true)
    }

    @Test func aPartitionInitialisedWhileWaitingIsSeen() async throws {
        let testbed = Testbed()
        // The disk is there but udev has not finished with it: no USEC_INITIALIZED yet.
        let record = try Testbed.record(fixture: "unlocked-ambarella-disk.umockdev")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("E: USEC_INITIALIZED") }.joined(separator: "\n")
        try testbed.add(record: record)
        let partition = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/host6/target6:0:0/6:0:0:0/block/sdb/sdb1"
        #expect(try BlockDeviceResolver(udev: UDevContext()).blockDevices(under: "1-3").isEmpty)

        let (results, continuation) = AsyncStream<Result<[BlockPartition], DeviceError>>.makeStream()
        let waiter = Thread {
            do {
                let found = try BlockDeviceResolver(udev: UDevContext()).waitForBlockDevices(
                    under: "1-3", timeoutMilliseconds: 10_000)
                continuation.yield(.success(found))
            } catch {
                continuation.yield(.failure(error as? DeviceError ?? DeviceError(code: .io, message: "\(error)")))
            }
            continuation.finish()
        }
        waiter.start()
        // udev finishes: the property appears and a change event is sent (seen by the monitor, or by
        // the waiter's first look if it starts after this).
        testbed.setProperty(partition, "USEC_INITIALIZED", "2000000")
        testbed.uevent(partition, "change")
        var iterator = results.makeAsyncIterator()
        let found = try #require(await iterator.next()).get()
        #expect(found.map(\.devnode) == ["/dev/sdb1"])
        #expect(found.first?.label == "DEV0001")
    }
}

import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A pulled cable and a re-dock, end to end. The uevents that say so come from the test's testbed,
/// which umockdev delivers only from a process that runs under its preload library too: this suite
/// runs in `make test`'s umockdev-wrapper pass.
@Suite(.serialized, .enabled(if: Testbed.isPreloaded, "run under umockdev-wrapper: make test-devices-umockdev"))
struct UMockdevDaemonTests {
    @Test func aPulledCableStopsTheSessionAndARedockResumesIt() throws {
        let station = try DockStation()
        try station.configure(wipe: true)
        try station.addRecorder(bay: 1, files: 128, size: 4 << 20)
        let original = try station.filesOnImage(bay: 1)
        let daemon = try station.start()
        _ = try station.waitForStatus { (DockStation.bay("usb:1-1", in: $0)?["verified"] as? Int ?? 0) >= 1 }
        let recorder = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
        station.testbed.uevent(recorder, "remove")
        _ = try station.waitForStatus { DockStation.bay("usb:1-1", in: $0)?["phase"] as? String == "undocked" }
        let storedBefore = try station.items().count
        #expect(storedBefore >= 1 && storedBefore < 128)
        #expect(try station.filesOnImage(bay: 1) == original, "nothing may be wiped from an unfinished session")
        station.testbed.uevent(recorder, "add")
        let status = try station.waitForStatus { DockStation.bay("usb:1-1", in: $0)?["phase"] as? String == "done" }
        #expect(DockStation.bay("usb:1-1", in: status)?["duplicates"] as? Int == storedBefore)
        #expect(try station.filesOnImage(bay: 1).keys.sorted() == ["SYSTEM/LOG.TXT"])
        let items = try station.items()
        #expect(items.count == 128 && items.allSatisfy { $0["state"] as? String == "verified" })
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }
}

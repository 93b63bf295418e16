import ControlProtocol
import Testing

@Suite struct DaemonStatusTests {
    @Test func summaryLineCountsActiveAndFailedBays() {
        var ingesting = BayStatus(id: "usb:1-1", kind: .device, phase: .ingesting)
        ingesting.filesDone = 3
        ingesting.filesTotal = 10
        ingesting.bytesDone = 3 << 20
        ingesting.bytesTotal = 10 << 20
        let failed = BayStatus(id: "usb:1-2", kind: .device, phase: .failed)
        let status = DaemonStatus(state: .ready, version: "test", startedAt: "", bays: [ingesting, failed])
        #expect(status.summaryLine == "ready; 1 ingesting; 3/10 files, 3/10 MiB; 1 failed")
        #expect(DaemonStatus(state: .ready, version: "t", startedAt: "", bays: []).summaryLine == "ready; idle")
    }
}

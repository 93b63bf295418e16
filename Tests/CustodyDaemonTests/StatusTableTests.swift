import ControlProtocol
import Testing

@Suite struct StatusTableTests {
    @Test func rendersTheDaemonLineThenOneRowPerBayWithDetailsUnderIt() {
        var camera = BayStatus(id: "usb:1-1.4", kind: .device, phase: .ingesting)
        camera.device = "DEV0001"
        camera.officer = "P1234"
        camera.filesDone = 3
        camera.filesTotal = 10
        camera.bytesDone = 120 << 20
        camera.bytesTotal = 400 << 20
        camera.bytesPerSecond = 45.25 * 1_048_576
        camera.etaSeconds = 372
        camera.currentFile = "DCIM/100MEDIA/A.MP4"
        camera.flags = ["clock drift 4.2 s"]
        var folder = BayStatus(id: "folder:/srv/import", kind: .folder, phase: .failed)
        folder.lastError = "the folder /srv/import is not readable; fix its permissions"
        let status = DaemonStatus(
            state: .ready, version: "1.0", startedAt: "2026-11-22T15:00:00.000Z", bays: [camera, folder],
            fixity: FixityStatus(checked: 5, total: 9, mismatches: 1, lastPassFinishedAt: nil))

        #expect(
            StatusTable.lines(for: status) == [
                "custodyd 1.0: ready; 1 ingesting; 3/10 files, 120/400 MiB; 1 failed; started 2026-11-22T15:00:00.000Z",
                "fixity: 5/9 checked, 1 mismatch, last full pass never",
                "BAY                 PHASE      DEVICE/OFFICER  PROGRESS      FILES  MIB      RATE        ETA",
                "usb:1-1.4           ingesting  DEV0001/P1234   [###.......]  3/10   120/400  45.2 MiB/s  6:12",
                "    file:  DCIM/100MEDIA/A.MP4",
                "    flags: clock drift 4.2 s",
                "folder:/srv/import  failed     -/-             [..........]  0/0    0.0/0.0  -           -",
                "    error: the folder /srv/import is not readable; fix its permissions",
            ])
    }

    @Test func saysSoWhenThereAreNoBays() {
        let status = DaemonStatus(state: .starting, version: "1.0", startedAt: "t", bays: [])
        #expect(
            StatusTable.lines(for: status) == [
                "custodyd 1.0: starting; idle; started t", "no bays: no device docked, no folder watched",
            ])
    }

    @Test func barAndDuration() {
        var bay = BayStatus(id: "b", kind: .device, phase: .ingesting)
        #expect(StatusTable.bar(for: bay) == "[..........]")
        bay.bytesTotal = 200
        bay.bytesDone = 100
        #expect(StatusTable.bar(for: bay) == "[#####.....]")
        bay.bytesDone = 500
        #expect(StatusTable.bar(for: bay) == "[##########]")
        bay = BayStatus(id: "b", kind: .device, phase: .done)
        #expect(StatusTable.bar(for: bay) == "[##########]")
        #expect(StatusTable.duration(59.2) == "1:00")
        #expect(StatusTable.duration(3723) == "1:02:03")
    }
}

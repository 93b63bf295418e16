import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custodyd run` as a process, end to end: simulated recorders (umockdev USB devices whose disks are
/// FAT images) and a watched folder become verified evidence with no human step; SIGKILL and SIGTERM
/// in the middle of a session leave the invariants of DESIGN §1 intact.
@Suite(.serialized) struct DaemonEndToEndTests {
    /// Every file of every bay is one verified item with the file's hash, and no file has two items.
    func expectEveryFileVerifiedOnce(_ station: DockStation, bays: [Int]) throws {
        let items = try station.items()
        for bay in bays {
            let serial = "DEV\(String(format: "%04d", bay))"
            let fromBay = items.filter { ($0["source"] as? [String: Any])?["device"] as? String == serial }
            let byPath = Dictionary(grouping: fromBay) { ($0["source"] as! [String: Any])["path"] as! String }
            let expected = station.images[bay - 1].files
            #expect(Set(byPath.keys) == Set(expected.keys), "bay \(bay)")
            for (path, hash) in expected {
                let found = byPath[path] ?? []
                #expect(found.count == 1, "bay \(bay) \(path) has \(found.count) items")
                #expect(found.first?["state"] as? String == "verified")
                #expect(found.first?["sha256"] as? String == hash)
            }
        }
    }

    @Test func aDockedRecorderAndADroppedFileBecomeVerifiedEvidenceWithNoHumanStep() throws {
        let station = try DockStation()
        try station.configure(wipe: true)
        try station.addRecorder(bay: 1, files: 12, size: 300_000)
        // As systemd starts it with WatchdogSec=: the daemon must ping at half the interval.
        let daemon = try station.start(environment: ["WATCHDOG_USEC": "400000"])
        #expect(station.waitForNotification("WATCHDOG=1"))
        #expect(station.notifications.first?.hasPrefix("READY=1\nSTATUS=ready") == true)
        // A card reader delivers into the watched folder while the daemon runs.
        let dropped = testBytes(count: 200_000, seed: 77)
        try Data(dropped).write(to: URL(fileURLWithPath: station.dropFolder + "/CLIP0001.MP4"))
        let status = try station.waitForStatus { status in
            DockStation.bay("usb:1-1", in: status)?["phase"] as? String == "done"
                && (DockStation.bay("folder:\(station.dropFolder)", in: status)?["verified"] as? Int ?? 0) >= 1
        }
        let bay = try #require(DockStation.bay("usb:1-1", in: status))
        #expect(bay["verified"] as? Int == 12)
        #expect(bay["filesTotal"] as? Int == 12 && bay["filesDone"] as? Int == 12)
        #expect(bay["wiped"] as? Int == 12)
        #expect(bay["device"] as? String == "DEV0001")
        try expectEveryFileVerifiedOnce(station, bays: [1])
        let reader = try station.items().filter { ($0["source"] as? [String: Any])?["device"] as? String == "READER01" }
        #expect(reader.count == 1 && reader.first?["sha256"] as? String == sha256Hex(dropped))
        // Only the media folder was taken and wiped; the rest of the card is untouched.
        #expect(try station.filesOnImage(bay: 1) == ["SYSTEM/LOG.TXT": sha256Hex(Array("not evidence".utf8))])
        daemon.signal(SIGTERM)
        #expect(station.waitForNotification("STOPPING=1"))
        #expect(daemon.wait() == 0, "\(daemon.log)")
        let audit = try custodyd("audit", "verify", "--state", station.state)
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    @Test func sigtermAndSigkillMidSessionLoseNothingDuplicateNothingAndWipeNothingEarly() throws {
        let station = try DockStation()
        try station.configure(wipe: true)
        // 512 MiB: enough that a stop sent after the first verified batch (32 MiB) lands mid-session.
        try station.addRecorder(bay: 1, files: 128, size: 4 << 20)
        let original = try station.filesOnImage(bay: 1)

        // SIGTERM in the middle: the daemon stops cleanly; the card keeps every file.
        var daemon = try station.start()
        _ = try station.waitForStatus { (DockStation.bay("usb:1-1", in: $0)?["verified"] as? Int ?? 0) >= 1 }
        daemon.signal(SIGTERM)
        #expect(station.waitForNotification("STOPPING=1"))
        #expect(daemon.wait() == 0, "\(daemon.log)")
        let afterTerm = try station.items().count
        #expect(afterTerm >= 1 && afterTerm < 128, "\(daemon.log)")
        #expect(try station.filesOnImage(bay: 1) == original)

        // SIGKILL in the middle of the resumed session: nothing is wiped before every file verified.
        daemon = try station.start()
        _ = try station.waitForStatus {
            (DockStation.bay("usb:1-1", in: $0)?["verified"] as? Int ?? 0) >= 1
        }
        daemon.signal(SIGKILL)
        _ = daemon.wait()
        let onCard = try station.filesOnImage(bay: 1)
        let verifiedHashes = Set(
            try station.items().filter { $0["state"] as? String == "verified" }.compactMap { $0["sha256"] as? String })
        for (path, hash) in original where onCard[path] == nil {
            #expect(verifiedHashes.contains(hash), "\(path) left the card without a verified item")
        }

        // Restarted, the daemon recovers and the re-docked recorder finishes: each file once, all wiped.
        daemon = try station.start()
        _ = try station.waitForStatus { DockStation.bay("usb:1-1", in: $0)?["phase"] as? String == "done" }
        try expectEveryFileVerifiedOnce(station, bays: [1])
        #expect(try station.filesOnImage(bay: 1).keys.sorted() == ["SYSTEM/LOG.TXT"])
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
        let verify = try custodyd("verify", "--deep", "--state", station.state)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let audit = try custodyd("audit", "verify", "--state", station.state)
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    @Test func eightRecordersDockedTogetherAllFinishVerified() throws {
        let station = try DockStation()
        try station.configure(wipe: false)
        for bay in 1...8 { try station.addRecorder(bay: bay, files: 6, size: 400_000) }
        let daemon = try station.start()
        let status = try station.waitForStatus { status in
            (1...8).allSatisfy { DockStation.bay("usb:1-\($0)", in: status)?["phase"] as? String == "done" }
        }
        for bay in 1...8 {
            #expect(DockStation.bay("usb:1-\(bay)", in: status)?["verified"] as? Int == 6)
        }
        try expectEveryFileVerifiedOnce(station, bays: Array(1...8))
        // Without wipe_after_verify, the cards keep everything.
        #expect(try station.filesOnImage(bay: 8).count == 7)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }

    @Test func aBadConfigurationIsRefusedNamingTheKeyAndLine() throws {
        let station = try DockStation()
        try station.configure(wipe: false, extra: "interval_hourz = 3")
        let result = try custodyd("run", "--config", station.config)
        #expect(result.status == 2)
        #expect(result.stderr.contains("interval_hourz") && result.stderr.contains("line"), "\(result.stderr)")
    }

    @Test func garbageOnTheControlSocketIsRefusedAndOthersAreStillServed() throws {
        let station = try DockStation()
        try station.configure(wipe: false)
        let daemon = try station.start()
        let rude = try ControlClient(path: station.socket)
        try rude.send(Array("this is not json\n".utf8))
        let refusal = try #require(try rude.response())
        #expect(refusal["ok"] as? Bool == false)
        let silent = try ControlClient(path: station.socket)  // connects, never sends, never reads
        let polite = try ControlClient(path: station.socket)
        try polite.request(["v": 1, "request": "status"])
        let answer = try #require(try polite.response())
        #expect(answer["ok"] as? Bool == true)
        withExtendedLifetime(silent) {}
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
    }
}

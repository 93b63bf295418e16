import CustodyTesting
import Foundation
import Testing

/// `custodyd key rotate`: every item deep-verifies under the new key afterwards, the old key is no
/// longer the store's, the chain records both fingerprints; and SIGKILL at every step leaves each
/// item under one of the two keys, refuses keyed commands, and a re-run finishes.
@Suite(.serialized) struct KeyRotationTests {
    static let files = 7

    static func store(_ name: String) throws -> CLIFixture {
        let fixture = try CLIFixture(name)
        for n in 0..<files { try fixture.put("DCIM/\(n).MP4", testBytes(count: 3_000 + 1_000 * n, seed: UInt64(n))) }
        #expect(try fixture.json("import", fixture.source)["verified"] as? Int == files)
        return fixture
    }

    func rotateArguments(_ fixture: CLIFixture, events: Bool = false) -> [String] {
        [
            "key", "rotate", "--state", fixture.state, "--new-key-file", fixture.directory.file("new.kek"),
            "--batch-size", "2",
        ]
            + (events ? ["--events"] : [])
    }

    func expectEverythingUnderTheNewKey(_ fixture: CLIFixture, _ context: String) throws {
        let newKey = fixture.directory.file("new.kek")
        let deep = try custodyd("verify", "--deep", "--json", "--state", fixture.state, "--key-file", newKey)
        #expect(deep.status == 0, "\(context): \(deep.stdout) \(deep.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(deep.stdout.utf8)) as? [String: Any]
        #expect(report?["checked"] as? Int == Self.files && report?["passed"] as? Int == Self.files, "\(context)")
        let old = try custodyd("verify", "--deep", "--state", fixture.state, "--key-file", fixture.key)
        #expect(old.status == 2 && old.stderr.contains("is not this store's key"), "\(context): \(old.stderr)")
        #expect(try fixture.json("audit", "verify")["ok"] as? Bool == true, "\(context)")
    }

    @Test func everyItemDeepVerifiesUnderTheNewKeyAndTheChainRecordsBothFingerprints() throws {
        let fixture = try Self.store("rotate")
        let result = try custodyd(arguments: rotateArguments(fixture))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("rotated \(Self.files) items"))
        try expectEverythingUnderTheNewKey(fixture, "rotated")
        let entries = try run(
            "/usr/bin/sqlite3",
            [fixture.state + "/catalog.sqlite", "SELECT detail FROM audit WHERE action = 'key.rotated'"])
        #expect(entries.stdout.contains("old_kek_fingerprint") && entries.stdout.contains("new_kek_fingerprint"))
        // Running it again is harmless.
        let again = try custodyd(
            arguments: rotateArguments(fixture) + ["--key-file", fixture.key])
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout) \(again.stderr)")
    }

    @Test func killedAtEveryStepEveryItemStaysReadableAndARerunFinishes() throws {
        // A full run first, to learn how many steps a rotation prints.
        let probe = try Self.store("rotateProbe")
        let (lines, status) = try LineReadingProcess.lines(
            of: BuiltProducts.custodyd, rotateArguments(probe, events: true))
        let total = lines.count
        #expect(status == 0)
        // started, one line per batch of 2, finished, then the two summary lines.
        #expect(total == 2 + (Self.files + 1) / 2 + 2)

        for point in 0..<total {
            let fixture = try Self.store("rotateKill\(point)")
            _ = try LineReadingProcess.kill(
                BuiltProducts.custodyd, rotateArguments(fixture, events: true), afterLines: point)
            // Keyless checks still run, and every object is intact.
            #expect(try fixture.json("verify")["ok"] as? Bool == true, "kill at \(point)")
            #expect(try fixture.json("audit", "verify")["ok"] as? Bool == true, "kill at \(point)")
            if try fixture.run("verify", "--deep").status != 0 {
                // Mid-rotation: nothing that needs a key runs, and it says how to finish.
                let refused = try fixture.run("verify", "--deep")
                #expect(
                    refused.stderr.contains("is unfinished") || refused.stderr.contains("is not this store's key"),
                    "kill at \(point): \(refused.stderr)")
            }
            // The re-run would name any item that opened under neither key, and fail.
            let rerun = try custodyd(arguments: rotateArguments(fixture) + ["--key-file", fixture.key])
            #expect(rerun.status == 0, "kill at \(point): \(rerun.stdout) \(rerun.stderr)")
            try expectEverythingUnderTheNewKey(fixture, "kill at \(point)")
        }
    }
}

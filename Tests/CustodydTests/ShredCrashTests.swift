import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import Testing

/// SIGKILL `custodyd retention run` at many points of a shred (DESIGN §13): after each kill every
/// item is either trashed with its key and object intact, or a tombstone; `verify --deep` passes; a
/// re-run finishes the job (no tombstone keeps its object) and `audit verify` and the independent
/// checker are clean. The kill points are the run's `--events` lines (batch committed, WAL truncated,
/// each object unlinked): the test kills the child the moment the chosen line arrives — no sleeps.
@Suite(.serialized) struct ShredCrashTests {
    static let files = 12
    static let alice = AuditActor(uid: 1001, name: "alice")
    static let bob = AuditActor(uid: 1002, name: "bob")

    /// A store of `files` imported items, all approved for deletion by two administrators with no
    /// grace period left, so the next shred pass takes them. Returns each item's wrapped key.
    static func prepare(_ name: String) throws -> (CLIFixture, [EvidenceID: [UInt8]]) {
        let fixture = try CLIFixture(name)
        for index in 0..<files {
            try fixture.put("DCIM/clip\(index).MP4", testBytes(count: 30_000 + index * 1000, seed: UInt64(index) + 50))
        }
        let imported = try fixture.run("import", fixture.source)
        try #require(imported.status == 0, "\(imported.stderr)")
        let catalog = try EvidenceCatalog(path: fixture.state + "/catalog.sqlite", actor: alice)
        var items: [ItemRecord] = []
        try catalog.forEachItem { items += $0 }
        try #require(items.count == files)
        // The catalog's own steps, as `custody deletion request/approve` take them (grace 0: the
        // daemon's configuration allows no less than a day, so a test could not reach the shred).
        let request = try catalog.requestDeletion(
            of: items.map(\.id), reason: "recorded by mistake", notDue: true, grace: 0, who: "account:alice",
            at: Date(),
            events: { [AuditEvent(action: .deletionRequested, detail: ["deletion": "\($0.id)"])] }, by: alice)
        _ = try catalog.approveDeletion(
            request.id, who: "account:bob", at: Date(),
            events: { [AuditEvent(action: .deletionApproved, detail: ["deletion": "\($0.id)"])] }, by: bob)
        return (fixture, Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0.wrappedKey) }))
    }

    static let arguments = ["retention", "run", "--events"]

    @Test func killedAtAnyStepOfAShredEachItemIsTrashedAndIntactOrATombstone() throws {
        // A full run first, to learn how many event lines a shred of this store prints.
        let (probe, _) = try Self.prepare("shredProbe")
        let (lines, status) = try LineReadingProcess.lines(
            of: BuiltProducts.custodyd, Self.arguments + ["--state", probe.state])
        #expect(status == 0)
        #expect(lines.filter { $0.contains("shred.object") }.count == Self.files, "\(lines)")
        #expect(lines.contains { $0.contains("shred.committed") } && lines.contains { $0.contains("shred.truncated") })

        var killedMidway = 0
        for point in 1..<lines.count {
            let (fixture, keys) = try Self.prepare("shredAt\(point)")
            if try LineReadingProcess.kill(
                BuiltProducts.custodyd, Self.arguments + ["--state", fixture.state], afterLines: point)
            {
                killedMidway += 1
            }
            try checkEachItemIsIntactOrATombstone(fixture, keys: keys, point: point)

            // Restart: the run finishes what the kill interrupted.
            let rerun = try fixture.run("retention", "run")
            #expect(rerun.status == 0, "re-run after kill at \(point): \(rerun.stderr)")
            let catalog = try EvidenceCatalog(readingOnly: fixture.state + "/catalog.sqlite", actor: Self.alice)
            let items = try Self.allItems(catalog)
            #expect(items.count == Self.files && items.allSatisfy(\.isTombstone), "kill at \(point)")
            for item in items {
                #expect(!FileManager.default.fileExists(atPath: Self.objectPath(fixture, item)), "kill at \(point)")
            }
            #expect(try fixture.json("verify", "--deep")["ok"] as? Bool == true, "kill at \(point)")
            #expect(try fixture.json("audit", "verify")["ok"] as? Bool == true, "kill at \(point)")
            let independent = try CustodyTesting.run(
                "/usr/bin/env", ["python3", Self.checker, "--state", fixture.state])
            #expect(independent.status == 0, "kill at \(point): \(independent.stdout)")
        }
        #expect(killedMidway == lines.count - 1)
    }

    /// Right after the kill: a tombstone is a shredded deletion; every other item still has its key
    /// and its object, and a deep verify (which decrypts them) finds nothing wrong.
    func checkEachItemIsIntactOrATombstone(_ fixture: CLIFixture, keys: [EvidenceID: [UInt8]], point: Int) throws {
        let catalog = try EvidenceCatalog(readingOnly: fixture.state + "/catalog.sqlite", actor: Self.alice)
        let items = try Self.allItems(catalog)
        #expect(items.count == Self.files, "kill at \(point)")
        for item in items {
            let shredded = try catalog.tombstone(of: item.id) != nil
            #expect(
                item.isTombstone == shredded,
                "kill at \(point): \(item.id) key erased \(item.isTombstone), shredded \(shredded)")
            if !item.isTombstone {
                #expect(item.wrappedKey == keys[item.id], "kill at \(point): \(item.id)")
                #expect(
                    FileManager.default.fileExists(atPath: Self.objectPath(fixture, item)),
                    "kill at \(point): \(item.id)")
                #expect(try catalog.isTrashed(item.id), "kill at \(point): \(item.id) left the trash")
            }
        }
        let deep = try fixture.json("verify", "--deep")
        #expect(deep["ok"] as? Bool == true, "kill at \(point): \(deep["problems"] ?? deep)")
    }

    /// Every item, tombstones included.
    static func allItems(_ catalog: EvidenceCatalog) throws -> [ItemRecord] {
        var filter = ItemFilter()
        filter.limit = 10_000
        return try catalog.items(matching: filter)
    }

    static func objectPath(_ fixture: CLIFixture, _ item: ItemRecord) -> String {
        let hex = item.ciphertextSHA256.hex
        return "\(fixture.state)/objects/\(hex.prefix(2))/\(hex)"
    }

    static let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/check_audit.py").path
}

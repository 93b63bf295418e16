import CustodyCore
import CustodyTesting
import Foundation
import Testing

/// Tampering with a real catalog file as an attacker with write access would (sqlite3, triggers
/// dropped), and what `custodyd audit verify` then names (docs/audit-log.md, "What is detected").
@Suite(.serialized) struct AuditTamperTests {
    /// A store with three verified items from one device, and an anchor file holding the head.
    final class Tampered {
        let fixture: CLIFixture
        var catalog: String { fixture.state + "/catalog.sqlite" }
        var anchors: String { fixture.directory.file("anchors.jsonl") }

        init(_ name: String) throws {
            fixture = try CLIFixture(name)
            for n in 1...3 { try fixture.put("DCIM/\(n).MP4", testBytes(count: 5_000 + n, seed: UInt64(n))) }
            let imported = try fixture.json("import", "--device", "DEV0001", fixture.source)
            guard imported["verified"] as? Int == 3 else { throw FixtureError(message: "import: \(imported)") }
        }

        /// `custodyd audit anchor --anchors FILE`: the head, recorded outside the state directory.
        func anchor() throws {
            let result = try fixture.run("audit", "anchor", "--anchors", anchors)
            guard result.status == 0 else { throw FixtureError(message: "anchor: \(result.stderr)") }
        }

        /// Runs SQL on the catalog with every protecting trigger dropped first.
        func sql(_ statements: String) throws {
            let drop = [
                "audit_no_update", "audit_no_delete", "item_write_once", "item_source_time_write_once",
                "item_state_forward",
            ].map { "DROP TRIGGER IF EXISTS \($0);" }.joined()
            let result = try CustodyTesting.run("/usr/bin/sqlite3", [catalog, drop + statements])
            guard result.status == 0 else { throw FixtureError(message: "sqlite3: \(result.stderr)") }
        }

        func query(_ statement: String) throws -> [[String: Any]] {
            let result = try CustodyTesting.run("/usr/bin/sqlite3", ["-json", catalog, statement])
            guard result.status == 0 else { throw FixtureError(message: "sqlite3: \(result.stderr)") }
            guard !result.stdout.isEmpty else { return [] }
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        }

        /// Recomputes `hash` and `prev_hash` of every entry from `sequence` on, as a forger who knows
        /// the documented recipe would, so the chain itself verifies again.
        func rechain(from sequence: Int) throws {
            let rows = try query(
                "SELECT seq, at, actor, action, coalesce(item_id, '') AS item_id, detail, hex(prev_hash) AS prev FROM audit WHERE seq >= \(sequence - 1) ORDER BY seq"
            )
            var previous = [UInt8](repeating: 0, count: 32)
            var updates = ""
            for row in rows {
                let seq = row["seq"] as! Int
                if seq == sequence - 1 {
                    previous = try hashOf(row, previous: Array(Hex.decode(row["prev"] as! String)!))
                    continue
                }
                let hash = try hashOf(row, previous: previous)
                updates +=
                    "UPDATE audit SET prev_hash = x'\(Hex.encode(previous))', hash = x'\(Hex.encode(hash))' WHERE seq = \(seq);"
                previous = hash
            }
            try sql(updates)
        }

        private func hashOf(_ row: [String: Any], previous: [UInt8]) throws -> [UInt8] {
            var bytes = Array("custody-audit-v1".utf8)
            bytes += withUnsafeBytes(of: UInt64(row["seq"] as! Int).bigEndian, Array.init)
            bytes += previous
            bytes += withUnsafeBytes(of: UInt64(row["at"] as! Int).bigEndian, Array.init)
            for key in ["actor", "action", "item_id", "detail"] {
                let field = Array((row[key] as! String).utf8)
                bytes += withUnsafeBytes(of: UInt32(field.count).bigEndian, Array.init)
                bytes += field
            }
            return Array(Hex.decode(sha256Hex(bytes))!)
        }

        /// `audit verify --json` (with the anchor file when there is one) and its exit status.
        func verify() throws -> (status: Int32, report: [String: Any]) {
            var arguments = ["audit", "verify", "--state", fixture.state, "--json"]
            if FileManager.default.fileExists(atPath: anchors) { arguments += ["--anchors", anchors] }
            let result = try custodyd(arguments: arguments)
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return (result.status, try #require(report, "\(result.stdout) \(result.stderr)"))
        }

        /// `Tests/Interop/check_audit.py`, the independent checker written from docs/audit-log.md alone.
        func independentCheck() throws -> ProcessResult {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Interop/check_audit.py").path
            var arguments = ["python3", script, "--state", fixture.state]
            if FileManager.default.fileExists(atPath: anchors) { arguments += ["--anchors", anchors] }
            return try CustodyTesting.run("/usr/bin/env", arguments)
        }

        var firstItemID: String {
            get throws { try query("SELECT id FROM item ORDER BY id LIMIT 1")[0]["id"] as! String }
        }
    }

    static func discrepancies(_ report: [String: Any]) -> [[String: Any]] {
        report["discrepancies"] as? [[String: Any]] ?? []
    }

    static func anchorProblems(_ report: [String: Any]) -> [String] {
        (report["anchor_problems"] as? [[String: Any]] ?? []).compactMap { $0["problem"] as? String }
    }

    @Test func anUntouchedStoreVerifiesWithItsAnchors() throws {
        let store = try Tampered("untouched")
        try store.anchor()
        let (status, report) = try store.verify()
        #expect(status == 0)
        #expect(report["ok"] as? Bool == true)
        #expect(report["anchors_checked"] as? Int == 1)
        #expect(Self.discrepancies(report).isEmpty)
    }

    @Test func anEmptiedLogIsNamed() throws {
        let store = try Tampered("emptied")
        try store.sql("DELETE FROM audit;")
        let (status, report) = try store.verify()
        #expect(status == 1)
        let problems = Self.discrepancies(report).compactMap { $0["problem"] as? String }
        #expect(problems.contains { $0.contains("the log was emptied") })
        #expect(problems.filter { $0.contains("no item.stored entry") }.count == 3)
    }

    @Test func aLogCutToItsFirstEntriesIsNamed() throws {
        let store = try Tampered("cutShort")
        try store.sql("DELETE FROM audit WHERE seq > 2;")
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(report["first_broken"] is NSNull)
        #expect(
            Self.discrepancies(report).filter { ($0["problem"] as? String)?.contains("no item.stored") == true }.count
                == 3)
    }

    @Test func aCutTailIsCaughtByTheAnchor() throws {
        let store = try Tampered("cutTail")
        try store.anchor()
        // The last entry is import.finished: no item depends on it, so only the anchor can tell.
        try store.sql("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);")
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(Self.discrepancies(report).isEmpty)
        #expect(Self.anchorProblems(report).contains { $0.contains("cut off its end") })
    }

    @Test func aForgedTailAfterACutIsCaughtByTheAnchor() throws {
        let store = try Tampered("forgedTail")
        try store.anchor()
        try store.sql(
            "UPDATE audit SET detail = '{\"root\":\"/elsewhere\"}' WHERE seq = (SELECT max(seq) FROM audit);")
        try store.rechain(from: Int(try store.query("SELECT max(seq) AS n FROM audit")[0]["n"] as! Int))
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(report["first_broken"] is NSNull)
        #expect(Self.anchorProblems(report).contains { $0.contains("were rewritten") })
    }

    @Test func anEditedEntryWithEveryLaterHashRecomputedIsCaughtByTheAnchor() throws {
        let store = try Tampered("rehashed")
        try store.anchor()
        try store.sql("UPDATE audit SET actor = 'uid:666(mallory)' WHERE seq = 2;")
        try store.rechain(from: 2)
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(report["first_broken"] is NSNull)
        #expect(Self.anchorProblems(report).contains { $0.contains("entries up to") })
    }

    @Test func aReplacedChainIsCaughtByTheAnchor() throws {
        let store = try Tampered("replaced")
        try store.anchor()
        try store.sql("UPDATE audit SET at = at + 1 WHERE seq = 1;")
        try store.rechain(from: 1)
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(Self.anchorProblems(report).contains { $0.contains("the chain was replaced") })
    }

    @Test(arguments: [
        ("source_path", "x'44434947'", "path_hex"), ("source_device", "'DEV0666'", "device"),
        ("source_path_display", "'DCIM/9.MP4'", "source_path_display"), ("size", "size + 1", "size"),
        ("sha256", "zeroblob(32)", "sha256"), ("ingested_at", "ingested_at - 86400000", "ingested_at"),
    ])
    func aRewrittenProvenanceOrHashIsNamedByField(column: String, value: String, field: String) throws {
        let store = try Tampered("provenance-\(column)")
        let id = try store.firstItemID
        try store.sql("UPDATE item SET \(column) = \(value) WHERE id = '\(id)';")
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(report["first_broken"] is NSNull)
        let found = Self.discrepancies(report)
        #expect(found.contains { $0["id"] as? String == id && $0["field"] as? String == field }, "\(found)")
    }

    @Test func aDeletedItemAndObjectAreNamed() throws {
        let store = try Tampered("deleted")
        let row = try store.query("SELECT id, hex(ciphertext_sha256) AS object FROM item ORDER BY id LIMIT 1")[0]
        let id = row["id"] as! String
        let object = (row["object"] as! String).lowercased()
        try FileManager.default.removeItem(atPath: "\(store.fixture.state)/objects/\(object.prefix(2))/\(object)")
        try store.sql("DELETE FROM item WHERE id = '\(id)';")
        // Fixity alone sees nothing wrong: every remaining item is intact.
        #expect(try store.fixture.json("verify")["ok"] as? Bool == true)
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(
            Self.discrepancies(report).contains {
                $0["id"] as? String == id && ($0["problem"] as? String)?.contains("row was deleted") == true
            })
    }

    @Test func anItemAddedOutsideIngestIsNamed() throws {
        let store = try Tampered("added")
        let forged = "00000000-0000-4000-8000-000000000001"
        try store.sql(
            "CREATE TEMP TABLE copy AS SELECT * FROM item LIMIT 1; UPDATE copy SET id = '\(forged)', ciphertext_sha256 = randomblob(32); INSERT INTO item SELECT * FROM copy;"
        )
        let (status, report) = try store.verify()
        #expect(status == 1)
        #expect(
            Self.discrepancies(report).contains {
                $0["id"] as? String == forged && ($0["problem"] as? String)?.contains("outside ingest") == true
            })
    }

    @Test func theIndependentCheckerAgreesOnEachTampering() throws {
        let store = try Tampered("independent")
        try store.anchor()
        let clean = try store.independentCheck()
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("0 findings"))
        let id = try store.firstItemID
        try store.sql(
            "UPDATE item SET source_device = 'DEV0666' WHERE id = '\(id)'; DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);"
        )
        let tampered = try store.independentCheck()
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("catalog \(id) device:"), "\(tampered.stdout)")
        #expect(tampered.stdout.contains("entries were cut off its end"), "\(tampered.stdout)")
        let (status, _) = try store.verify()
        #expect(status == 1)
    }

    @Test func aStrayFileAnywhereInTheObjectTreeIsReported() throws {
        let store = try Tampered("strays")
        let objects = store.fixture.state + "/objects"
        let shard = try #require(try FileManager.default.contentsOfDirectory(atPath: objects).first)
        try Data("x".utf8).write(to: URL(fileURLWithPath: objects + "/loose"))
        try FileManager.default.createDirectory(atPath: "\(objects)/\(shard)/nested", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(objects)/\(shard)/nested/deep"))
        let report = try store.fixture.json("verify")
        #expect(report["ok"] as? Bool == false)
        let named = (report["problems"] as? [[String: Any]] ?? []).compactMap { $0["object"] as? String }
        #expect(named.contains(objects + "/loose"))
        #expect(named.contains("\(objects)/\(shard)/nested"))
    }
}

import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// An export's bag bound to its record, as the schema enforces it (DESIGN §15): the expected
/// manifest is set by the first opening and never changed, the excerpt's end only moves forward and
/// is an entry of the chain, and a bag is recorded only with the expected manifest — whatever code,
/// or whoever with the database, writes the row.
@Suite struct ExportBindingSchemaTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let queue: DatabaseQueue
    let item: EvidenceID
    let root = AuditActor(uid: 0, name: "root")
    let expected = String(repeating: "ab", count: 32)
    let zeros = String(repeating: "0", count: 64)

    init() throws {
        directory = try TemporaryDirectory("ExportBindingSchemaTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
        item = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 1)
        queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
    }

    /// An export of the item, requested by R1, approved by A1, opened by R1 expecting `expected`.
    func openedExport() throws -> ExportRecord {
        let export = try catalog.requestExport(
            items: [item], recipient: "Court", purpose: "appeal", requestedBy: "R1", at: Date(),
            events: { _ in [] }, by: root)
        _ = try catalog.takeExportStep(
            export.id, .approval(until: Date().addingTimeInterval(86_400)), by: "A1", at: Date(), events: [],
            actor: root)
        return try catalog.takeExportStep(
            export.id, .opening(expectedManifestSHA256: expected), by: "R1", at: Date(),
            events: [AuditEvent(action: .exportOpened, detail: ["export": "\(export.id)"])], actor: root)
    }

    func headSequence() throws -> Int64 {
        try queue.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM audit") ?? 0 }
    }

    @Test func theOpeningRecordsTheExpectedManifestAndTheExcerptEnd() throws {
        let opened = try openedExport()
        #expect(opened.expectedManifestSHA256 == expected)
        // The head before the opening's own entry: the excerpt ends there.
        #expect(opened.excerptSeq == (try headSequence()) - 1)
        // Opened again by the same person: the same expectation, the excerpt moved to the new head.
        let again = try catalog.takeExportStep(
            opened.id, .opening(expectedManifestSHA256: expected), by: "R1", at: Date(),
            events: [AuditEvent(action: .exportOpened, detail: ["export": "\(opened.id)"])], actor: root)
        #expect(again.excerptSeq == (try headSequence()) - 1)
        #expect(again.excerptSeq! > opened.excerptSeq!)
        // Another expectation is not taken.
        #expect(throws: CatalogError.self) {
            try catalog.takeExportStep(
                opened.id, .opening(expectedManifestSHA256: zeros), by: "R1", at: Date(), events: [], actor: root)
        }
        #expect(try catalog.export(opened.id).expectedManifestSHA256 == expected)
    }

    @Test func aBagIsRecordedOnlyWithTheExpectedManifest() throws {
        let opened = try openedExport()
        #expect(throws: CatalogError.self) {
            try catalog.takeExportStep(
                opened.id, .writing(manifestSHA256: zeros), by: "R1", at: Date(), events: [], actor: root)
        }
        // The trigger refuses the row itself, without the code's WHERE.
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql: "UPDATE export_request SET written_at = 1, manifest_sha256 = ? WHERE id = ?",
                    arguments: [zeros, opened.id])
            }
        }
        #expect(try catalog.export(opened.id).state(at: Date()) == "opened")
        let written = try catalog.takeExportStep(
            opened.id, .writing(manifestSHA256: expected), by: "R1", at: Date(), events: [], actor: root)
        #expect(written.manifestSHA256 == expected && written.state(at: Date()) == "written")
    }

    @Test func theBindingCannotBeRewritten() throws {
        let opened = try openedExport()
        let head = try headSequence()
        let refusals: [(String, [any DatabaseValueConvertible])] = [
            ("UPDATE export_request SET expected_manifest_sha256 = ? WHERE id = ?", [zeros, opened.id]),
            ("UPDATE export_request SET expected_manifest_sha256 = NULL WHERE id = ?", [opened.id]),
            ("UPDATE export_request SET excerpt_seq = ? WHERE id = ?", [opened.excerptSeq! - 1, opened.id]),
            ("UPDATE export_request SET excerpt_seq = ? WHERE id = ?", [head + 10, opened.id]),
            ("UPDATE export_request SET excerpt_seq = NULL WHERE id = ?", [opened.id]),
            (
                "INSERT INTO export_request (recipient, purpose, requested_by, requested_at, expected_manifest_sha256) VALUES ('x', 'y', 'R1', 1, ?)",
                [expected]
            ),
        ]
        for (sql, arguments) in refusals {
            #expect(throws: DatabaseError.self, "\(sql)") {
                try queue.write { db in try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
            }
        }
        // Not on a request that was never opened either.
        let fresh = try catalog.requestExport(
            items: [item], recipient: "Court", purpose: "appeal", requestedBy: "R1", at: Date(), events: { _ in [] },
            by: root)
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql: "UPDATE export_request SET expected_manifest_sha256 = ? WHERE id = ?",
                    arguments: [expected, fresh.id])
            }
        }
    }
}

import Catalog
import CustodyCore
import CustodyTesting
import EvidenceCrypto
import EvidenceStore
import Foundation
import Ingest
import Logging
import SystemPackage

/// A fresh store, catalog and KEK in a temporary directory, with a source folder beside them.
final class ImportFixture {
    let directory: TemporaryDirectory
    let store: EvidenceStore
    let catalog: EvidenceCatalog
    let kek: KeyEncryptionKey
    let source: String
    let logger = Logger(label: "test")

    init(_ name: String) throws {
        directory = try TemporaryDirectory(name)
        store = try EvidenceStore.create(at: FilePath(directory.file("state")))
        kek = KeyEncryptionKey(key: try SecretKey.random())
        catalog = try EvidenceCatalog.create(
            path: directory.file("state/catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: kek.fingerprint)
        source = directory.file("source")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
    }

    /// Writes a source file and returns its SHA-256.
    @discardableResult
    func put(_ relative: String, _ bytes: [UInt8]) throws -> String {
        try directory.write(bytes, to: "source/" + relative)
        return sha256Hex(bytes)
    }

    func importer(batchFiles: Int = 256) -> Importer {
        Importer(
            store: store, catalog: catalog, keyEncryptionKey: kek, logger: logger, limits: .init(files: batchFiles))
    }

    /// Imports the source folder, collecting events.
    func runImport(batchFiles: Int = 256, onEvent: @escaping (ImportEvent) -> Void = { _ in }) throws -> (
        ImportSummary, [ImportEvent]
    ) {
        let collected = EventLog()
        let summary = try importer(batchFiles: batchFiles).importDirectory(at: FilePath(source), deviceID: "CAM1") {
            event in
            collected.events.append(event)
            onEvent(event)
        }
        return (summary, collected.events)
    }

    func recovery() throws -> Recovery.Report {
        try Recovery(store: store, catalog: catalog, keyEncryptionKey: kek, logger: logger).run()
    }

    /// Every catalogued item, by display path.
    func itemsByPath() throws -> [String: ItemRecord] {
        var out: [String: ItemRecord] = [:]
        try catalog.forEachItem { for item in $0 { out[item.source.path.displayString] = item } }
        return out
    }

    /// Decrypts an item fully through the random-access reader.
    func plaintext(of item: ItemRecord) throws -> [UInt8] {
        let reader = try ObjectReader(
            path: store.objectPath(for: item.ciphertextSHA256), id: item.id,
            dataKey: try kek.unwrap(item.wrappedKey, for: item.id))
        return try reader.read(at: 0, count: Int(item.size))
    }
}

final class EventLog: @unchecked Sendable {
    var events: [ImportEvent] = []
}

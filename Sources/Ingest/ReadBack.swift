import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore

/// Read-back verification of a freshly stored item, shared by import and recovery.
enum ReadBack {
    /// Unwraps the item's key from its catalog row, reads the object from disk, decrypts every segment
    /// and compares the plaintext SHA-256 with the one computed while the source was read.
    ///
    /// `checkObjectHash` may be false right after ingest: the GCM tags already prove the bytes on disk
    /// are the bytes whose hash named the object, so re-hashing them would only cost time.
    static func verify(
        _ record: ItemRecord, verifier: ObjectVerifier, keyEncryptionKey: KeyEncryptionKey, checkObjectHash: Bool
    ) throws {
        let dataKey = try keyEncryptionKey.unwrap(record.wrappedKey, for: record.id)
        try verifier.verifyContent(
            objectHash: record.ciphertextSHA256, plaintextHash: record.sha256, size: record.size, id: record.id,
            dataKey: dataKey, checkObjectHash: checkObjectHash)
    }

    /// Removes an unverified item and its object so the source is ingested again.
    static func discard(_ record: ItemRecord, reason: String, store: EvidenceStore, catalog: EvidenceCatalog) throws {
        try catalog.removeUnverifiedItem(record.id, reason: reason)
        try store.removeObject(record.ciphertextSHA256)
    }
}

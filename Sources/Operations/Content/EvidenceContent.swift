import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Foundation

/// Decrypting access to the store's content, for views and exports: the running daemon has it;
/// a command that opened the catalog without the key does not. Plaintext exists only in the
/// buffers of one read: it is never written anywhere but to the caller's socket.
public struct EvidenceContent: Sendable {
    let store: EvidenceStore
    let keyEncryptionKey: KeyEncryptionKey

    /// Access through `store` with `keyEncryptionKey`.
    public init(store: EvidenceStore, keyEncryptionKey: KeyEncryptionKey) {
        self.store = store
        self.keyEncryptionKey = keyEncryptionKey
    }

    /// Up to `count` plaintext bytes of `record` from `offset`, each segment authenticated before a
    /// byte of it is returned.
    /// - Throws: `StoreError.corruptObject` at a damaged segment, `.missingObject`; `CryptoError` when
    ///   the data key does not unwrap.
    func read(_ record: ItemRecord, at offset: Int64, count: Int) throws -> [UInt8] {
        let key = try keyEncryptionKey.unwrap(record.wrappedKey, for: record.id)
        let reader = try ObjectReader(
            path: store.objectPath(for: record.ciphertextSHA256), id: record.id, dataKey: key)
        return try reader.read(at: offset, count: count)
    }
}

/// Where an item stands in the evidence lifecycle (../shared/DESIGN.md §1).
///
/// Only the states the store can hold today; review, retention and deletion states are added by the
/// issues that build them.
public enum ItemState: String, Sendable, Codable, CaseIterable {
    /// The object is committed and its catalog row exists, but it has not yet been read back.
    case stored
    /// The stored object was read back from disk, decrypted, and its SHA-256 matched the hash
    /// computed while the source was transferred.
    case verified
}

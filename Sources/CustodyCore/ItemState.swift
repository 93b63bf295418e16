/// Where an item stands in ingest (../shared/DESIGN.md §1): the `item.state` column, which only ever
/// moves from stored to verified.
///
/// What a person reads is `ItemLifecycle`, which adds the retention and deletion states (due, deletion
/// requested, trashed, shredded) on top of this one.
public enum ItemState: String, Sendable, Codable, CaseIterable {
    /// The object is committed and its catalog row exists, but it has not yet been read back.
    case stored
    /// The stored object was read back from disk, decrypted, and its SHA-256 matched the hash
    /// computed while the source was transferred.
    case verified
}

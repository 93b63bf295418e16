import CustodyCore

/// What an import reports as it goes, in order. Consumers print progress from these; tests step
/// through them (the crash test kills the process at chosen events).
public enum ImportEvent: Sendable {
    /// A file is about to be read.
    case reading(path: RawPath, size: Int64)
    /// Bytes of the current file read and sealed so far.
    case progress(path: RawPath, bytes: Int64)
    /// A file was sealed into a partial object.
    case sealed(path: RawPath, id: EvidenceID)
    /// A batch of partial objects is durable, and their intents are recorded.
    case intentsRecorded(count: Int)
    /// A batch of objects is renamed into place, durably.
    case renamed(count: Int)
    /// A batch of items is in the catalog as `stored`.
    case stored(count: Int)
    /// An item was read back and matched: it is verified.
    case verified(path: RawPath, id: EvidenceID, sha256: SHA256Digest, size: Int64)
    /// The file is already in the store with the same hash.
    case duplicate(path: RawPath, existing: EvidenceID)
    /// Something that is not a regular file, left alone.
    case skipped(path: RawPath, reason: String)
    /// A file that could not be ingested this time; it is retried on the next import.
    case failed(path: RawPath, reason: String)
    /// A file whose item is verified was deleted from the volume (`--wipe`).
    case wiped(path: RawPath, id: EvidenceID)
    /// A file the wipe left on the volume, and why.
    case kept(path: RawPath, reason: String)
}

/// What an import did, in counts, with the failures named.
public struct ImportSummary: Sendable, Equatable {
    /// Items stored and verified by this run.
    public var verified = 0
    /// Files already in the store.
    public var duplicates = 0
    /// Entries left alone (not regular files).
    public var skipped = 0
    /// Files that could not be ingested, with the reason.
    public var failures: [Failure] = []
    /// Plaintext bytes stored and verified.
    public var bytes: Int64 = 0
    /// Files deleted from the volume after their items verified (`--wipe`).
    public var wiped = 0
    /// Verified files a wipe left on the volume, with the reason (a changed directory entry, say).
    public var wipeKept: [Failure] = []

    /// A file that failed, and why.
    public struct Failure: Sendable, Equatable {
        public var path: String
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public init() {}
}

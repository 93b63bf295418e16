import CustodyCore
import SystemPackage

/// A sealed object in `tmp/`, written and hashed but not yet durable or committed.
public struct WrittenObject: Sendable {
    /// The item it belongs to.
    public var id: EvidenceID
    /// Where the partial object lies.
    public var temporaryPath: FilePath
    /// SHA-256 of the plaintext, computed while the source was read.
    public var sha256: SHA256Digest
    /// SHA-256 of the object file, computed while it was written: its name once committed.
    public var ciphertextSHA256: SHA256Digest
    /// Plaintext length.
    public var size: Int64
    /// Object file length.
    public var ciphertextSize: Int64
    /// The data key, wrapped by the KEK.
    public var wrappedKey: [UInt8]
}

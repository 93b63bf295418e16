import CustodyCore

/// The key-encryption key (KEK): wraps and unwraps per-item data keys (docs/store-format.md §2–3).
public struct KeyEncryptionKey: Sendable {
    /// Length of a wrapped data key: nonce, encrypted key, tag.
    public static let wrappedLength = AESGCM.nonceLength + SecretKey.length + AESGCM.tagLength

    private static let wrapContext = Array("custody-data-key-v1".utf8)
    private static let fingerprintContext = Array("custody-kek-fingerprint-v1".utf8)

    private let key: SecretKey

    /// Uses `key` as the KEK.
    public init(key: SecretKey) { self.key = key }

    /// The first 16 bytes of SHA-256("custody-kek-fingerprint-v1" || KEK): recorded by the store, so a
    /// wrong key is recognised before it is used. Reveals nothing usable about the key.
    public var fingerprint: [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update(Self.fingerprintContext)
        key.withUnsafeBytes { hasher.update($0) }
        return Array(hasher.finalize().bytes.prefix(16))
    }

    /// Wraps `dataKey` for item `id`: AES-256-GCM under the KEK with a random nonce, the item id
    /// bound in as associated data.
    /// - Throws: `CryptoError`.
    public func wrap(_ dataKey: SecretKey, for id: EvidenceID) throws -> [UInt8] {
        let nonce = try SecureRandom.bytes(count: AESGCM.nonceLength)
        let aad = Self.wrapContext + id.bytes
        var out = [UInt8](repeating: 0, count: Self.wrappedLength)
        let cipher = try AESGCM(key: key, encrypting: true)
        try out.withUnsafeMutableBytes { output in
            nonce.withUnsafeBytes { output.copyMemory(from: $0) }
            try nonce.withUnsafeBytes { nonceBytes in
                try aad.withUnsafeBytes { aadBytes in
                    try dataKey.withUnsafeBytes { keyBytes in
                        try cipher.seal(
                            nonce: nonceBytes, aad: aadBytes, plaintext: keyBytes,
                            into: UnsafeMutableRawBufferPointer(rebasing: output[AESGCM.nonceLength...]))
                    }
                }
            }
        }
        return out
    }

    /// Unwraps the data key of item `id`.
    /// - Throws: `CryptoError.invalidKey` for a blob of the wrong size; `.authenticationFailed` when
    ///   the KEK is not the one that wrapped it or the blob belongs to another item.
    public func unwrap(_ wrapped: [UInt8], for id: EvidenceID) throws -> SecretKey {
        guard wrapped.count == Self.wrappedLength else {
            throw CryptoError(
                code: .invalidKey,
                message: "a wrapped data key is \(Self.wrappedLength) bytes; this one is \(wrapped.count)")
        }
        let aad = Self.wrapContext + id.bytes
        var plain = [UInt8](repeating: 0, count: SecretKey.length)
        defer { _ = plain.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        let cipher = try AESGCM(key: key, encrypting: false)
        do {
            try wrapped.withUnsafeBytes { blob in
                try aad.withUnsafeBytes { aadBytes in
                    try plain.withUnsafeMutableBytes { output in
                        try cipher.open(
                            nonce: UnsafeRawBufferPointer(rebasing: blob[..<AESGCM.nonceLength]), aad: aadBytes,
                            sealed: UnsafeRawBufferPointer(rebasing: blob[AESGCM.nonceLength...]), into: output)
                    }
                }
            }
        } catch let error as CryptoError where error.code == .authenticationFailed {
            throw CryptoError(
                code: .authenticationFailed,
                message:
                    "the data key of item \(id) does not unwrap: the key-encryption key is not the one that wrapped it, or the catalog row was altered"
            )
        }
        return try SecretKey(bytes: plain)
    }
}

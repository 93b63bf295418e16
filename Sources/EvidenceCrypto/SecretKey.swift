import COpenSSL

/// 32 bytes of AES-256 key material, wiped from memory when the last reference goes.
///
/// Keys are never printed: `description` shows only that this is a key.
public final class SecretKey: Sendable, CustomStringConvertible {
    /// The length of every Custody key, in bytes.
    public static let length = 32

    // Immutable after init; the pointer is owned and freed here only.
    nonisolated(unsafe) private let storage: UnsafeMutableRawBufferPointer

    /// Copies key bytes into wipe-on-release storage.
    /// - Throws: `CryptoError.invalidKey` unless there are exactly 32 bytes.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == Self.length else {
            throw CryptoError(code: .invalidKey, message: "a key must be \(Self.length) bytes, not \(bytes.count)")
        }
        storage = .allocate(byteCount: Self.length, alignment: 16)
        storage.copyBytes(from: bytes)
    }

    /// A new random key from the CSPRNG.
    /// - Throws: `CryptoError.randomUnavailable`.
    public static func random() throws -> SecretKey {
        var bytes = try SecureRandom.bytes(count: length)
        defer { bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        return try SecretKey(bytes: bytes)
    }

    deinit {
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    /// Lends the raw key bytes to `body`; they must not escape it.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    public var description: String { "SecretKey(redacted)" }
}

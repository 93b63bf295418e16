import COpenSSL
import Foundation

/// Streaming SHA-512 over OpenSSL's EVP interface: the second manifest of an export bag (RFC 8493),
/// beside SHA-256. One owner at a time.
public final class SHA512Hasher {
    private let context: OpaquePointer

    /// Starts a new digest.
    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.context = context
        precondition(EVP_DigestInit_ex(context, EVP_sha512(), nil) == 1, "EVP_DigestInit_ex(SHA-512) failed")
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the digest.
    public func update(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            precondition(EVP_DigestUpdate(context, base, buffer.count) == 1, "EVP_DigestUpdate failed")
        }
    }

    /// Finishes the digest: 64 bytes. The hasher must not be updated afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &out, &length) == 1 && length == 64, "EVP_DigestFinal_ex failed")
        return out
    }
}

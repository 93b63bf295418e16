import COpenSSL

/// Random bytes from OpenSSL's CSPRNG (seeded from the kernel's getrandom).
public enum SecureRandom {
    /// Returns `count` random bytes.
    /// - Throws: `CryptoError.randomUnavailable` when the generator is not seeded or fails.
    public static func bytes(count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try fill(&out)
        return out
    }

    /// Fills `buffer` with random bytes.
    /// - Throws: `CryptoError.randomUnavailable` when the generator fails.
    public static func fill(_ buffer: inout [UInt8]) throws {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeMutableBytes { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard status == 1 else {
            throw CryptoError(
                code: .randomUnavailable,
                message:
                    "the system random generator failed (\(OpenSSLErrorQueue.drain())); check that /dev/urandom and getrandom(2) work"
            )
        }
    }
}

import COpenSSL

/// AES-256-GCM with a 96-bit nonce and a 128-bit tag, over one reusable OpenSSL context.
///
/// The key is set once; each call supplies its nonce. One owner at a time.
public final class AESGCM {
    /// Nonce length in bytes.
    public static let nonceLength = 12
    /// Tag length in bytes.
    public static let tagLength = 16

    private let context: OpaquePointer
    private let encrypting: Bool

    /// Prepares a context for `key`, to encrypt or to decrypt.
    /// - Throws: `CryptoError.libraryFailure` if OpenSSL refuses the key.
    public init(key: SecretKey, encrypting: Bool) throws {
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new") }
        self.context = context
        self.encrypting = encrypting
        let initialised = key.withUnsafeBytes { keyBytes -> Bool in
            let keyPointer = keyBytes.bindMemory(to: UInt8.self).baseAddress
            if encrypting {
                return EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1
                    && COpenSSL_gcm_set_ivlen(context, Int32(Self.nonceLength)) == 1
                    && EVP_EncryptInit_ex(context, nil, nil, keyPointer, nil) == 1
            } else {
                return EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1
                    && COpenSSL_gcm_set_ivlen(context, Int32(Self.nonceLength)) == 1
                    && EVP_DecryptInit_ex(context, nil, nil, keyPointer, nil) == 1
            }
        }
        guard initialised else {
            EVP_CIPHER_CTX_free(context)
            throw CryptoError.openSSL("AES-256-GCM key setup")
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Encrypts `plaintext` into `output`, which must hold `plaintext.count + 16` bytes: the
    /// ciphertext followed by the tag.
    /// - Throws: `CryptoError.libraryFailure`.
    public func seal(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
        plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws {
        precondition(encrypting && nonce.count == Self.nonceLength)
        precondition(output.count >= plaintext.count + Self.tagLength)
        let out = output.bindMemory(to: UInt8.self).baseAddress!
        var length: Int32 = 0
        guard EVP_EncryptInit_ex(context, nil, nil, nil, nonce.bindMemory(to: UInt8.self).baseAddress) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM nonce setup")
        }
        if aad.count > 0 {
            guard
                EVP_EncryptUpdate(context, nil, &length, aad.bindMemory(to: UInt8.self).baseAddress, Int32(aad.count))
                    == 1
            else { throw CryptoError.openSSL("AES-256-GCM associated data") }
        }
        var written = 0
        if plaintext.count > 0 {
            guard
                EVP_EncryptUpdate(
                    context, out, &length, plaintext.bindMemory(to: UInt8.self).baseAddress, Int32(plaintext.count))
                    == 1
            else { throw CryptoError.openSSL("AES-256-GCM encryption") }
            written = Int(length)
        }
        guard EVP_EncryptFinal_ex(context, out + written, &length) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM finish")
        }
        written += Int(length)
        precondition(written == plaintext.count)
        guard COpenSSL_gcm_get_tag(context, out + written) == 1 else { throw CryptoError.openSSL("AES-256-GCM tag") }
    }

    /// Decrypts `sealed` (ciphertext followed by its 16-byte tag) into `output`, which must hold
    /// `sealed.count - 16` bytes.
    /// - Throws: `CryptoError.authenticationFailed` if the tag does not verify (wrong key, nonce or
    ///   associated data, or altered bytes); `libraryFailure` otherwise.
    public func open(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
        sealed: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws {
        precondition(!encrypting && nonce.count == Self.nonceLength)
        guard sealed.count >= Self.tagLength else {
            throw CryptoError(code: .authenticationFailed, message: "sealed data is shorter than its tag")
        }
        let ciphertextLength = sealed.count - Self.tagLength
        precondition(output.count >= ciphertextLength)
        let input = sealed.bindMemory(to: UInt8.self).baseAddress!
        let out = output.bindMemory(to: UInt8.self).baseAddress
        var length: Int32 = 0
        guard EVP_DecryptInit_ex(context, nil, nil, nil, nonce.bindMemory(to: UInt8.self).baseAddress) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM nonce setup")
        }
        if aad.count > 0 {
            guard
                EVP_DecryptUpdate(context, nil, &length, aad.bindMemory(to: UInt8.self).baseAddress, Int32(aad.count))
                    == 1
            else { throw CryptoError.openSSL("AES-256-GCM associated data") }
        }
        var written = 0
        if ciphertextLength > 0 {
            guard EVP_DecryptUpdate(context, out, &length, input, Int32(ciphertextLength)) == 1 else {
                throw CryptoError.openSSL("AES-256-GCM decryption")
            }
            written = Int(length)
        }
        guard COpenSSL_gcm_set_tag(context, input + ciphertextLength) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM tag setup")
        }
        var scratch = [UInt8](repeating: 0, count: 16)
        let finished = scratch.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress, &length) }
        guard finished == 1 else {
            // The output may hold unauthenticated plaintext: wipe it so no caller can use it.
            if let out, written > 0 { OPENSSL_cleanse(out, written) }
            _ = OpenSSLErrorQueue.drain()
            throw CryptoError(code: .authenticationFailed, message: "authentication tag did not verify")
        }
    }
}

import CustodyCore

/// A failure in a cryptographic operation: a library call that failed, a key of the wrong size, or
/// data whose authentication tag did not verify.
public struct CryptoError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case libraryFailure, invalidKey, authenticationFailed, randomUnavailable
        }
        private let value: Value

        /// OpenSSL reported an error where none was expected.
        public static let libraryFailure = Code(value: .libraryFailure)
        /// A key had the wrong length or could not be parsed.
        public static let invalidKey = Code(value: .invalidKey)
        /// Ciphertext, tag or associated data did not authenticate: wrong key, or altered data.
        public static let authenticationFailed = Code(value: .authenticationFailed)
        /// The CSPRNG could not produce bytes.
        public static let randomUnavailable = Code(value: .randomUnavailable)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence that names what failed and, where one exists, the fix.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Builds a `libraryFailure` error carrying OpenSSL's own first queued error string.
    static func openSSL(_ operation: String) -> CryptoError {
        CryptoError(code: .libraryFailure, message: "OpenSSL \(operation) failed: \(OpenSSLErrorQueue.drain())")
    }
}

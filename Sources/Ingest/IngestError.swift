import CustodyCore

/// A failure of an import as a whole (a single file's failure is reported, not thrown).
public struct IngestError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case sourceUnavailable, interrupted, wipeFailed, stopped }
        private let value: Value

        /// The import root cannot be opened or listed.
        public static let sourceUnavailable = Code(value: .sourceUnavailable)
        /// The import stopped before every file was handled (a store or catalog failure).
        public static let interrupted = Code(value: .interrupted)
        /// Every item verified, but deleting the files from the volume failed part-way.
        public static let wipeFailed = Code(value: .wipeFailed)
        /// The import was asked to stop (the daemon is shutting down): files sealed before were
        /// committed and verified, the file being read was discarded, nothing was wiped.
        public static let stopped = Code(value: .stopped)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the thing and the fix.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var underlyingError: (any Error & Sendable)? { cause }
}

import CustodyCore

/// A failure of a camera volume: it cannot be opened, its structures are damaged or hostile, a file
/// changed while it was read, or the wipe could not be done.
public struct VolumeError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case unavailable, unrecognized, corrupt, truncated, changed, unreadable, unsupported, wipeRefused,
                wipeFailed
        }
        private let value: Value

        /// The volume (a directory, an image file, a block device) cannot be opened.
        public static let unavailable = Code(value: .unavailable)
        /// No FAT or exFAT filesystem (or partition table holding one) was found.
        public static let unrecognized = Code(value: .unrecognized)
        /// An on-disk structure is malformed: a bad boot sector, a broken cluster chain, a directory loop.
        public static let corrupt = Code(value: .corrupt)
        /// The image or device ends before a structure or a file's data.
        public static let truncated = Code(value: .truncated)
        /// A file (or its directory entry) changed while it was being read.
        public static let changed = Code(value: .changed)
        /// A read failed (an I/O error from the device).
        public static let unreadable = Code(value: .unreadable)
        /// The volume cannot do what was asked (wiping a plain directory, say).
        public static let unsupported = Code(value: .unsupported)
        /// A wipe was refused because a precondition does not hold; nothing was written.
        public static let wipeRefused = Code(value: .wipeRefused)
        /// A write or flush of the wipe failed part-way.
        public static let wipeFailed = Code(value: .wipeFailed)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the structure or file and, where one exists, the fix.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    static func corrupt(_ message: String) -> VolumeError { VolumeError(code: .corrupt, message: message) }

    public var underlyingError: (any Error & Sendable)? { cause }
}

import CustodyCore

/// A failure of the evidence store: the disk, the object files, or a source that changed under us.
public struct StoreError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case diskFull, io, corruptObject, missingObject, sourceChanged, sourceUnreadable, notAStore, locked,
                permissionDenied
        }
        private let value: Value

        /// The store's filesystem has no space (ENOSPC or EDQUOT).
        public static let diskFull = Code(value: .diskFull)
        /// A read, write or sync of a store file failed.
        public static let io = Code(value: .io)
        /// An object's bytes do not match its format, its hash or its authentication tags.
        public static let corruptObject = Code(value: .corruptObject)
        /// An object the catalog names is not on disk.
        public static let missingObject = Code(value: .missingObject)
        /// The source file's size or contents changed while it was being read.
        public static let sourceChanged = Code(value: .sourceChanged)
        /// The source file could not be read.
        public static let sourceUnreadable = Code(value: .sourceUnreadable)
        /// The directory is not a Custody state directory.
        public static let notAStore = Code(value: .notAStore)
        /// Another process holds the store's write lock.
        public static let locked = Code(value: .locked)
        /// This user may not read the state directory (or a part of it).
        public static let permissionDenied = Code(value: .permissionDenied)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the file or object and, where one exists, the fix.
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

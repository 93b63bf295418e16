import CustodyCore

/// A failure of a backup, a restore or a prune: the target, the disk, or what was copied.
public struct BackupError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case unusableTarget, diskFull, missingObject, corruptObject, notASnapshot, restoreTargetInUse, io, busy,
                stopped
        }
        private let value: Value

        /// The backup directory is not a directory, not writable, or neither empty nor a backup.
        public static let unusableTarget = Code(value: .unusableTarget)
        /// The target's filesystem has no space (ENOSPC or EDQUOT); no snapshot was completed.
        public static let diskFull = Code(value: .diskFull)
        /// An object the snapshot names is not where it should be (in the store or the backup).
        public static let missingObject = Code(value: .missingObject)
        /// An object's bytes do not hash to what the catalog records.
        public static let corruptObject = Code(value: .corruptObject)
        /// The path given to restore from is not a snapshot of a backup directory.
        public static let notASnapshot = Code(value: .notASnapshot)
        /// The state directory to restore into exists and is not empty.
        public static let restoreTargetInUse = Code(value: .restoreTargetInUse)
        /// A read, write, rename or sync failed.
        public static let io = Code(value: .io)
        /// Another backup or prune is working on the same backup directory.
        public static let busy = Code(value: .busy)
        /// The backup was asked to stop (the daemon is shutting down); no snapshot was completed.
        public static let stopped = Code(value: .stopped)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the directory, file or object and, where one exists, the fix.
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

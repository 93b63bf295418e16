import CustodyCore

/// A failure of the catalog: a database that cannot be opened, a constraint the schema enforces, an
/// item that does not exist, or an audit chain that does not verify.
public struct CatalogError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case unavailable, notFound, ambiguous, invalidQuery, database, limitReached
        }
        private let value: Value

        /// The catalog file is missing, unreadable or not a Custody catalog.
        public static let unavailable = Code(value: .unavailable)
        /// No item has that id.
        public static let notFound = Code(value: .notFound)
        /// An id prefix matches more than one item.
        public static let ambiguous = Code(value: .ambiguous)
        /// A filter or argument is malformed.
        public static let invalidQuery = Code(value: .invalidQuery)
        /// SQLite refused an operation (a constraint, a full disk, I/O).
        public static let database = Code(value: .database)
        /// A person reached a configured limit (a note's size, notes per minute); the message says
        /// which and when they may try again.
        public static let limitReached = Code(value: .limitReached)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the thing and, where one exists, the fix.
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

import CustodyCore

/// A failure in setting up or using a state directory: keys, layout, arguments.
public struct DaemonError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case keyFile, wrongKey, stateDirectory, invalidArgument, anchor }
        private let value: Value

        /// The KEK file is missing, unreadable, malformed or too widely readable.
        public static let keyFile = Code(value: .keyFile)
        /// The KEK is not the one this store was created with.
        public static let wrongKey = Code(value: .wrongKey)
        /// The state directory is missing, already initialised, or unusable.
        public static let stateDirectory = Code(value: .stateDirectory)
        /// A command-line value is malformed.
        public static let invalidArgument = Code(value: .invalidArgument)
        /// An audit anchor file cannot be read or appended to.
        public static let anchor = Code(value: .anchor)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the thing and the fix.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

}

import CustodyCore

/// A control socket that could not be set up: the path, its group, or the allowed groups.
public struct ControlServerError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case socketPath, group, socket }
        private let value: Value

        /// The socket path is taken by something that is not a socket, by a live daemon, or is unusable.
        public static let socketPath = Code(value: .socketPath)
        /// A configured group does not exist.
        public static let group = Code(value: .group)
        /// A socket call failed.
        public static let socket = Code(value: .socket)

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

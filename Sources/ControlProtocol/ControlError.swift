import CustodyCore

/// A refusal or failure the server reports in an `"ok": false` response (docs/control-protocol.md).
public struct ControlError: CustodyError, Codable, Equatable {
    /// What kind of failure this is. A string on the wire; clients treat a code they do not know
    /// like `internal`, so codes may be added.
    public struct Code: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        /// The code as it is on the wire.
        public let rawValue: String
        /// The code for `rawValue`, known or not.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The request is not valid JSON, misses a field, has an unknown field or a bad value.
        public static let badRequest = Code(rawValue: "badRequest")
        /// The request line is longer than `ControlLimits.maxRequestLineBytes`; the server closes the connection.
        public static let tooLarge = Code(rawValue: "tooLarge")
        /// The request's `v` is not a version this server speaks.
        public static let unsupportedVersion = Code(rawValue: "unsupportedVersion")
        /// The caller is not allowed to use the socket.
        public static let forbidden = Code(rawValue: "forbidden")
        /// The item asked for does not exist.
        public static let notFound = Code(rawValue: "notFound")
        /// The server already serves as many connections as it is configured to; try again later.
        public static let busy = Code(rawValue: "busy")
        /// The caller reached a limit of their own (connections per caller, notes per minute); the
        /// message names it and says when to try again.
        public static let limited = Code(rawValue: "limited")
        /// The server could not answer (the catalog failed, the answer would be too large).
        public static let `internal` = Code(rawValue: "internal")

        public var description: String { rawValue }
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

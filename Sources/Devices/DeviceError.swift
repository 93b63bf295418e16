import CustodyCore

/// A failure talking to a docked device: the USB link, the vendor protocol, the password, or what the
/// device answered.
public struct DeviceError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case timeout, disconnected, stalled, io, malformed, rejected, wrongPassword, tooLarge,
                unsupported, unavailable
        }
        private let value: Value

        /// The device did not answer (or accept data) within the timeout.
        public static let timeout = Code(value: .timeout)
        /// The device went away (cable pulled, device reset) during a command.
        public static let disconnected = Code(value: .disconnected)
        /// An endpoint stalled (the device refused the transfer).
        public static let stalled = Code(value: .stalled)
        /// Any other USB or libudev failure.
        public static let io = Code(value: .io)
        /// The device's answer does not follow the protocol: bad framing, lengths, or fields.
        public static let malformed = Code(value: .malformed)
        /// The device understood the command and refused it.
        public static let rejected = Code(value: .rejected)
        /// The device refused the unlock password.
        public static let wrongPassword = Code(value: .wrongPassword)
        /// The device claims a count or size beyond what Custody accepts.
        public static let tooLarge = Code(value: .tooLarge)
        /// The device or the request is not supported by this driver.
        public static let unsupported = Code(value: .unsupported)
        /// A device, library or resource could not be opened.
        public static let unavailable = Code(value: .unavailable)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the device or command and, where one exists, the fix.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    static func malformed(_ message: String) -> DeviceError { DeviceError(code: .malformed, message: message) }

    public var underlyingError: (any Error & Sendable)? { cause }
}

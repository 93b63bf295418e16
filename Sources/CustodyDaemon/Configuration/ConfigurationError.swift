import CustodyCore

/// A configuration file that cannot be used: unreadable, not the TOML subset custodyd.toml is written
/// in, or a key that is unknown, missing, of the wrong type or out of range. The daemon refuses to start
/// with it, so the message names the file, the line and the key, and says what to write instead.
public struct ConfigurationError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case unreadableFile, syntax, unsupported, duplicate, unknownKey, missingKey, wrongType, invalidValue
            case environment
        }
        private let value: Value

        /// The file is missing, unreadable or not UTF-8 text.
        public static let unreadableFile = Code(value: .unreadableFile)
        /// The text is not TOML.
        public static let syntax = Code(value: .syntax)
        /// Valid TOML that custodyd.toml does not accept (dates, multi-line strings, inline tables…).
        public static let unsupported = Code(value: .unsupported)
        /// A key or table defined twice, or two sections that describe the same thing.
        public static let duplicate = Code(value: .duplicate)
        /// A key or table custodyd does not know.
        public static let unknownKey = Code(value: .unknownKey)
        /// A required key is absent.
        public static let missingKey = Code(value: .missingKey)
        /// A value of the wrong TOML type (a string where an integer belongs).
        public static let wrongType = Code(value: .wrongType)
        /// A value of the right type that is out of range or malformed.
        public static let invalidValue = Code(value: .invalidValue)
        /// An environment variable (`STATE_DIRECTORY`, `CREDENTIALS_DIRECTORY`) is unusable.
        public static let environment = Code(value: .environment)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The configuration file, once known (the TOML parser does not know it).
    public var path: String?
    /// The line the problem is on, 1-based; nil when it is not on a line (a missing file).
    public var line: Int?
    /// What is wrong and what to write instead, without the file and line.
    public var detail: String
    /// The underlying error, such as the errno of a failed read.
    public var underlyingError: (any Error & Sendable)?

    /// The detail, prefixed with the file and line: `custodyd.toml line 12: key "x" in [store] …`.
    public var message: String {
        switch (path, line) {
        case (let path?, let line?): "\(path) line \(line): \(detail)"
        case (nil, let line?): "line \(line): \(detail)"
        case (let path?, nil): "\(path): \(detail)"
        case (nil, nil): detail
        }
    }

    /// Creates an error.
    public init(
        code: Code, line: Int?, detail: String, path: String? = nil, underlyingError: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.line = line
        self.detail = detail
        self.path = path
        self.underlyingError = underlyingError
    }
}

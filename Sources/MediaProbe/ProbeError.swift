import CustodyCore

/// A failure to set up probing (a library failure), or a malformed file-name rule. A file that is not
/// media, or is damaged, is not an error: it is described in the metadata.
public struct ProbeError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case library, invalidRule }
        private let value: Value

        /// FFmpeg could not allocate or set up a context.
        public static let library = Code(value: .library)
        /// A file-name rule does not parse.
        public static let invalidRule = Code(value: .invalidRule)

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

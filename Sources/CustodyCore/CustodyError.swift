/// What every Custody error domain shares: a sentence that names the thing and the fix, and the
/// underlying error when there is one. Each module keeps its own error type and codes; this gives them
/// one description and lets the CLI recognise them all without listing them.
public protocol CustodyError: Error, CustomStringConvertible, Sendable {
    /// A sentence naming the thing and, where one exists, the fix.
    var message: String { get }
    /// The underlying error, if any.
    var underlyingError: (any Error & Sendable)? { get }
}

extension CustodyError {
    public var underlyingError: (any Error & Sendable)? { nil }

    /// The message, followed by the underlying error in parentheses when there is one.
    public var description: String {
        guard let cause = underlyingError else { return message }
        return "\(message) (\(cause))"
    }
}

import ControlProtocol
import Foundation

extension Timestamps {
    /// Parses `2024-05-01`, `2024-05-01T10:00:00Z` or with fractional seconds / an offset.
    /// - Throws: `DaemonError.invalidArgument` naming the value and the accepted forms.
    public static func parse(_ text: String, argument: String) throws -> Date {
        if let date = date(from: text) { return date }
        throw DaemonError(
            code: .invalidArgument,
            message:
                "\(argument) '\(text)' is not a date; use 2024-05-01 or 2024-05-01T10:00:00Z (UTC) or with an offset")
    }
}

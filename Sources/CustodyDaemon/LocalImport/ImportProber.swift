import Foundation
import MediaProbe

extension MediaProber {
    /// The prober `custodyd import` uses: the custom name rules first, then the built-in ones, with
    /// `timeZone` (an IANA name; nil: the system's) assumed for local times stored without a zone.
    /// - Throws: `ProbeError.invalidRule` for a rule that does not parse; `DaemonError` for an unknown zone.
    public static func forImport(nameRules: [String], timeZone: String?) throws -> MediaProber {
        let custom = try nameRules.enumerated().map { index, template in
            try FileNameRule(name: "custom-\(index + 1)", template: template)
        }
        var zone = TimeZone.current
        if let timeZone {
            guard let named = TimeZone(identifier: timeZone) else {
                throw DaemonError(
                    code: .invalidArgument,
                    message:
                        "--time-zone '\(timeZone)' is not a time zone; use an IANA name such as Asia/Shanghai or UTC")
            }
            zone = named
        }
        return MediaProber(nameRules: custom + FileNameRule.builtIn, assumedZone: zone)
    }
}

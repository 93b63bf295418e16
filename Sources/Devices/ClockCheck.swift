/// A recorder's clock at docking, measured against the system clock: recorded on every item of the
/// session, and flagged when it drifted more than GA/T 947 allows.
public struct ClockCheck: Sendable, Hashable {
    /// GA/T 947's tolerance: at most 3 seconds of drift per day.
    public static let allowedDriftPerDay = 3.0

    /// What the device's clock said.
    public var deviceTime: DeviceDateTime
    /// The system time it was compared with, in seconds since the Unix epoch.
    public var systemSeconds: Int64
    /// Device minus system, in seconds: positive when the device runs ahead.
    public var offsetSeconds: Int64
    /// The drift the standard allows since the clock was last set.
    public var allowedSeconds: Double
    /// True when the offset exceeds the allowance: items are flagged, the clock is still set.
    public var exceedsTolerance: Bool

    /// Compares a device reading with the system clock.
    ///
    /// - Parameters:
    ///   - deviceTime: the device's wall clock.
    ///   - utcOffsetSeconds: the zone the device keeps its clock in (its profile says).
    ///   - systemSeconds: the system time when the reading was taken.
    ///   - daysSinceLastSet: days since Custody last set this device's clock; nil when unknown, which
    ///     allows one day's drift (the strictest reading: an unknown history is not an excuse).
    ///
    /// One second is added to the allowance because the device reports whole seconds.
    public init(deviceTime: DeviceDateTime, utcOffsetSeconds: Int, systemSeconds: Int64, daysSinceLastSet: Double?) {
        self.deviceTime = deviceTime
        self.systemSeconds = systemSeconds
        offsetSeconds = deviceTime.secondsSinceEpoch(utcOffsetSeconds: utcOffsetSeconds) - systemSeconds
        let days = max(1, (daysSinceLastSet ?? 1).rounded(.up))
        allowedSeconds = Self.allowedDriftPerDay * days + 1
        exceedsTolerance = Double(offsetSeconds.magnitude) > allowedSeconds
    }
}

/// The clock step of docking: read the device clock, measure it against the system clock, then set it.
public enum ClockSync {
    /// Reads `driver`'s clock, records its offset, and sets it to the system time.
    ///
    /// The check is returned even when it exceeds GA/T 947's tolerance: the caller flags the session's
    /// items, it does not refuse them (evidence is never left behind for a bad clock).
    /// - Parameters:
    ///   - utcOffsetSeconds: the zone the device keeps its clock in.
    ///   - daysSinceLastSet: days since Custody last set this device's clock, when known.
    ///   - now: the system time in seconds since the epoch.
    /// - Throws: `DeviceError` from the driver. A failure while reading leaves the clock as it was; one
    ///   while setting may leave the date set and the time not (the next docking measures it again).
    public static func synchronize(
        _ driver: any RecorderDriver, utcOffsetSeconds: Int, daysSinceLastSet: Double?, now: () -> Int64
    ) throws -> ClockCheck {
        let check = try measure(
            driver, utcOffsetSeconds: utcOffsetSeconds, daysSinceLastSet: daysSinceLastSet, now: now)
        try set(driver, utcOffsetSeconds: utcOffsetSeconds, now: now)
        return check
    }

    /// Reads `driver`'s clock between two system-clock readings and compares it with their midpoint.
    /// - Throws: `DeviceError` from the driver.
    public static func measure(
        _ driver: any RecorderDriver, utcOffsetSeconds: Int, daysSinceLastSet: Double?, now: () -> Int64
    ) throws -> ClockCheck {
        let before = now()
        let reading = try driver.readClock()
        let after = now()
        return ClockCheck(
            deviceTime: reading, utcOffsetSeconds: utcOffsetSeconds, systemSeconds: before + (after - before) / 2,
            daysSinceLastSet: daysSinceLastSet)
    }

    /// Sets `driver`'s clock to the system time, in the device's zone.
    /// - Throws: `DeviceError` from the driver, or `.malformed` when the system time is outside the
    ///   years a recorder can hold (2000–2099).
    public static func set(_ driver: any RecorderDriver, utcOffsetSeconds: Int, now: () -> Int64) throws {
        try driver.setClock(DeviceDateTime(secondsSinceEpoch: now(), utcOffsetSeconds: utcOffsetSeconds))
    }
}

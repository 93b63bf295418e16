/// The clock step of docking: read the device clock, measure it against the system clock, then set it.
public enum ClockSync {
    /// Reads `driver`'s clock, records its offset, and sets it to the system time.
    ///
    /// The check is returned even when it exceeds GA/T 947's tolerance: the caller flags the session's
    /// items, it does not refuse them (evidence is never left behind for a bad clock).
    /// - Parameters:
    ///   - utcOffsetSeconds: the zone the device keeps its clock in.
    ///   - daysSinceLastSet: days since Custody last set this device's clock, when known.
    ///   - now: the system time in seconds since the epoch; read once before and once after the reading.
    /// - Throws: `DeviceError` from the driver. A failure while reading leaves the clock as it was; one
    ///   while setting may leave the date set and the time not (the next docking measures it again).
    public static func synchronize(
        _ driver: any RecorderDriver, utcOffsetSeconds: Int, daysSinceLastSet: Double?, now: () -> Int64
    ) throws -> ClockCheck {
        let before = now()
        let reading = try driver.readClock()
        let after = now()
        // The reading happened between the two system times; the midpoint is the best comparison.
        let check = ClockCheck(
            deviceTime: reading, utcOffsetSeconds: utcOffsetSeconds, systemSeconds: before + (after - before) / 2,
            daysSinceLastSet: daysSinceLastSet)
        try driver.setClock(DeviceDateTime(secondsSinceEpoch: now(), utcOffsetSeconds: utcOffsetSeconds))
        return check
    }
}

/// What docking found out about a recorder, up to the moment its storage is handed over: recorded on
/// every item of the session.
public struct PreparedDevice: Sendable, Hashable {
    /// Who the device said it is.
    public var identity: DeviceIdentity
    /// How that compares with the registry.
    public var identityCheck: IdentityCheck
    /// The clock reading and offset; nil when the clock could not be read.
    public var clock: ClockCheck?
    /// Things a reviewer must know about this session (identity mismatch, clock drift, clock not read
    /// or not set). Never a reason to leave evidence on the device.
    public var flags: [String]
    /// How the storage becomes readable.
    public var handover: StorageHandover

    /// Creates a record (for families with no protocol to run: mass storage, MTP).
    public init(
        identity: DeviceIdentity, identityCheck: IdentityCheck, clock: ClockCheck?, flags: [String],
        handover: StorageHandover
    ) {
        self.identity = identity
        self.identityCheck = identityCheck
        self.clock = clock
        self.flags = flags
        self.handover = handover
    }
}

/// identify → read clock → set clock → unlock, with the policy that evidence is never left behind for
/// a paperwork or clock problem: those become flags; only a device that cannot be identified or
/// unlocked, or that leaves the bus, stops the session.
public enum DockPreparation {
    /// Runs the steps against `driver`.
    /// - Parameters:
    ///   - profile: the device's profile (its clock zone).
    ///   - profiles: the registry to check the identity against.
    ///   - password: the unlock password.
    ///   - daysSinceLastSet: days since Custody last set this device's clock, when known.
    ///   - now: the system clock, in seconds since the epoch.
    /// - Throws: `DeviceError` when identify or unlock fails, or the device disconnects at any step.
    public static func prepare(
        _ driver: any RecorderDriver, profile: DeviceProfile, profiles: DeviceProfiles, password: String,
        daysSinceLastSet: Double?, now: () -> Int64
    ) throws -> PreparedDevice {
        let identity = try driver.identify()
        let identityCheck = profiles.check(identity)
        var flags = identityCheck.flags(identity.serial)
        var clock: ClockCheck?
        do {
            let check = try ClockSync.measure(
                driver, utcOffsetSeconds: profile.clockUTCOffsetSeconds, daysSinceLastSet: daysSinceLastSet, now: now)
            clock = check
            if check.exceedsTolerance {
                flags.append(
                    "device clock was \(check.offsetSeconds) s off, more than the \(check.allowedSeconds) s GA/T 947 allows"
                )
            }
        } catch let error as DeviceError where error.code != .disconnected {
            flags.append("device clock could not be read: \(error.message)")
        }
        do {
            try ClockSync.set(driver, utcOffsetSeconds: profile.clockUTCOffsetSeconds, now: now)
        } catch let error as DeviceError where error.code != .disconnected {
            flags.append("device clock could not be set: \(error.message)")
        }
        let handover = try driver.unlock(password: password)
        return PreparedDevice(
            identity: identity, identityCheck: identityCheck, clock: clock, flags: flags, handover: handover)
    }
}

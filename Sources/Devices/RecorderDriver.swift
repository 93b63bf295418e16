/// One family's way of bringing a docked recorder to the point where its storage can be read:
/// identify → read clock → set clock → unlock → hand over storage.
///
/// Each driver talks through a `USBTransport` it is given and owns nothing else. Calls block for at
/// most the transport timeout per transfer; every bad answer is a `DeviceError`.
public protocol RecorderDriver: AnyObject {
    /// Asks the device who it is.
    /// - Throws: `DeviceError`.
    func identify() throws -> DeviceIdentity
    /// Reads the device's wall clock.
    /// - Throws: `DeviceError`.
    func readClock() throws -> DeviceDateTime
    /// Sets the device's wall clock.
    /// - Throws: `DeviceError`.
    func setClock(_ time: DeviceDateTime) throws
    /// Switches the device to expose its storage.
    /// - Throws: `DeviceError` (`.wrongPassword` when the device refuses the password).
    func unlock(password: String) throws -> StorageHandover
}

/// Who a device says it is.
public struct DeviceIdentity: Sendable, Hashable {
    /// The device's serial or device id (what items record as their device).
    public var serial: String
    /// The officer the device is assigned to, when it says.
    public var officerID: String?
    /// The officer's name, when it says.
    public var officerName: String?
    /// The unit's number, when it says.
    public var unitNumber: String?
    /// The unit's name, when it says.
    public var unitName: String?

    /// Creates an identity.
    public init(
        serial: String, officerID: String? = nil, officerName: String? = nil, unitNumber: String? = nil,
        unitName: String? = nil
    ) {
        self.serial = serial
        self.officerID = officerID
        self.officerName = officerName
        self.unitNumber = unitNumber
        self.unitName = unitName
    }
}

/// How a device's storage becomes readable after unlock.
public enum StorageHandover: Sendable, Hashable {
    /// A USB disk appears under the same port; its volume label, when the family says which it is.
    case massStorage(volumeLabel: String?)
    /// The device stays on the bus as an MTP/PTP responder; read it through `PTPSession`.
    case mtp
}

/// The configured profiles and the registry of known devices: what to do with a device that docks.
public struct DeviceProfiles: Sendable {
    /// The profiles, in configuration order.
    public var profiles: [DeviceProfile]
    /// Registered devices by serial: who each one is assigned to.
    public var registry: [String: RegisteredDevice]

    /// Creates the set.
    public init(profiles: [DeviceProfile], registry: [String: RegisteredDevice] = [:]) {
        self.profiles = profiles
        self.registry = registry
    }

    /// The profile for a device: the first whose id matches and whose interface class (if set) is
    /// among the device's interface classes. Nil for an unknown device, which is logged and left alone.
    public func profile(for id: USBDeviceID, interfaceClasses: Set<UInt8>) -> DeviceProfile? {
        profiles.first { profile in
            profile.id == id && (profile.interfaceClass.map { interfaceClasses.contains($0) } ?? true)
        }
    }

    /// Compares what a device said with the registry. A mismatch is flagged on the session's items;
    /// the device is still ingested (evidence is never left behind for a paperwork error).
    public func check(_ identity: DeviceIdentity) -> IdentityCheck {
        guard let registered = registry[identity.serial] else { return .unregistered }
        var differences: [String] = []
        if let expected = registered.officerID, let said = identity.officerID, expected != said {
            differences.append("officer \(said), registered to \(expected)")
        }
        if let expected = registered.unitNumber, let said = identity.unitNumber, expected != said {
            differences.append("unit \(said), registered to \(expected)")
        }
        return differences.isEmpty ? .matches : .mismatch(differences.joined(separator: "; "))
    }
}

/// A device in the registry: the assignment it should report.
public struct RegisteredDevice: Sendable, Hashable, Codable {
    /// The officer the device is assigned to.
    public var officerID: String?
    /// The unit the device belongs to.
    public var unitNumber: String?

    /// Creates an entry.
    public init(officerID: String? = nil, unitNumber: String? = nil) {
        self.officerID = officerID
        self.unitNumber = unitNumber
    }
}

/// How a device's own identity compares with the registry.
public enum IdentityCheck: Sendable, Hashable {
    /// The registry has the device and what it said agrees.
    case matches
    /// The registry does not know this serial: ingest, and flag for an administrator.
    case unregistered
    /// The device reports a different assignment: ingest, and flag with what differs.
    case mismatch(String)
}

extension IdentityCheck {
    /// The flag a session records for this outcome; none when the identity matches.
    public func flags(_ serial: String) -> [String] {
        switch self {
        case .matches: return []
        case .unregistered: return ["device \(serial) is not in the registry"]
        case .mismatch(let difference): return ["device \(serial) reports \(difference)"]
        }
    }
}

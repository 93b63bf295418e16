import Foundation

/// What a dock session knew about the device its items came from, recorded on every item it stored
/// (DESIGN §4, §11): which session, how far the device's clock was off and how that was measured,
/// when the device docked, and the officer its own identity record named.
public struct DockFacts: Sendable, Equatable {
    /// The dock session's id (the `session` of its `dock.started` and `dock.finished` entries).
    public var sessionID: EvidenceID
    /// The device's measured clock offset; nil when its clock could not be read.
    public var clockOffset: ClockOffset?
    /// When the device docked: the instant the registry is asked who held it.
    public var dockedAt: Date?
    /// The officer id in the device's identity record (GA/T ZFY_INFO), when it has one.
    public var identityOfficer: String?

    /// Creates the facts of one session.
    public init(
        sessionID: EvidenceID, clockOffset: ClockOffset? = nil, dockedAt: Date? = nil, identityOfficer: String? = nil
    ) {
        self.sessionID = sessionID
        self.clockOffset = clockOffset
        self.dockedAt = dockedAt
        self.identityOfficer = identityOfficer
    }
}

/// A device clock compared with the system clock at docking.
public struct ClockOffset: Sendable, Equatable {
    /// How the device's clock was read.
    public enum Method: String, Sendable, CaseIterable {
        /// Asked over the recorder's vendor protocol (Ambarella `@Gdt`/`@Gtm`, GA/T 947 time read),
        /// between two readings of the system clock.
        case deviceProtocol = "device_protocol"
        /// A mass-storage camera that rewrites a file on its card when it is connected (profile
        /// `clock_file`): the file's modification time, in the camera's clock, against the moment it
        /// docked. To FAT's 2 s, plus however long the camera took to write it.
        case clockFile = "clock_file"
    }

    /// Device minus system time, in seconds: positive when the device ran ahead. Recorded-at times
    /// from the device are corrected by subtracting it.
    public var seconds: Double
    public var method: Method

    /// Creates an offset.
    public init(seconds: Double, method: Method) {
        self.seconds = seconds
        self.method = method
    }
}

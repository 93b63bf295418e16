/// Every kind of event the audit log can hold, in one place (docs/audit-log.md): a reader sees here
/// everything the log may say, and a misspelt action is a compile error, not a silent new kind.
///
/// A struct over a private raw value rather than an enum, so later versions add actions without
/// breaking code that switches over older ones; the stored text is `rawValue`.
public struct AuditAction: Sendable, Hashable, CustomStringConvertible {
    /// The dotted name stored in the `action` column (`item.verified`).
    public let rawValue: String

    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// The action stored as `text`, when it is one this build knows.
    public init?(stored text: String) {
        guard let known = Self.all.first(where: { $0.rawValue == text }) else { return nil }
        self = known
    }

    public var description: String { rawValue }

    // MARK: Store and daemon
    /// The state directory was created (the chain's first entry).
    public static let storeCreated = AuditAction("store.created")
    public static let daemonStarted = AuditAction("daemon.started")
    public static let daemonStopped = AuditAction("daemon.stopped")

    // MARK: Ingest
    public static let importStarted = AuditAction("import.started")
    public static let importFinished = AuditAction("import.finished")
    public static let importInterrupted = AuditAction("import.interrupted")
    public static let importSkipped = AuditAction("import.skipped")
    public static let importFailed = AuditAction("import.failed")
    /// A source file whose content is already in the store.
    public static let importDuplicate = AuditAction("import.duplicate")
    public static let itemStored = AuditAction("item.stored")
    public static let itemVerified = AuditAction("item.verified")
    /// An unverified item removed so its source is ingested again.
    public static let itemDiscarded = AuditAction("item.discarded")
    public static let itemProbed = AuditAction("item.probed")
    public static let itemReprobed = AuditAction("item.reprobed")
    public static let recoveryDiscarded = AuditAction("recovery.discarded")
    public static let sourceWiped = AuditAction("source.wiped")
    public static let sourceKept = AuditAction("source.kept")
    public static let dockStarted = AuditAction("dock.started")
    public static let dockFinished = AuditAction("dock.finished")
    /// A dock set a device's clock (the history drift is measured against).
    public static let deviceClockSet = AuditAction("device.clock_set")
    /// Content already in an item seen again under another name, root or device.
    public static let itemSighted = AuditAction("item.sighted")

    // MARK: Integrity
    /// `custodyd verify`: object hashes checked against the catalog, without keys.
    public static let fixityChecked = AuditAction("fixity.checked")
    /// `custodyd verify --deep`: objects also decrypted and their plaintext re-hashed.
    public static let fixityDeep = AuditAction("fixity.deep")
    /// One pass of the daemon's fixity scrubber.
    public static let fixityPass = AuditAction("fixity.pass")
    public static let fixityFailed = AuditAction("fixity.failed")

    // MARK: People's requests
    /// A request on the control socket, before it is served.
    public static let controlRequest = AuditAction("control.request")
    /// A caller the socket would not serve at all.
    public static let controlRefused = AuditAction("control.refused")
    public static let catalogListed = AuditAction("catalog.listed")
    public static let itemViewed = AuditAction("item.viewed")

    /// Every action above, for `init(stored:)` and the docs.
    public static let all: [AuditAction] = [
        storeCreated, daemonStarted, daemonStopped,
        importStarted, importFinished, importInterrupted, importSkipped, importFailed, importDuplicate,
        itemStored, itemVerified, itemDiscarded, itemProbed, itemReprobed, recoveryDiscarded, sourceWiped, sourceKept,
        dockStarted, dockFinished,
        deviceClockSet, itemSighted,
        fixityChecked, fixityDeep, fixityPass, fixityFailed,
        controlRequest, controlRefused, catalogListed, itemViewed,
    ]
}

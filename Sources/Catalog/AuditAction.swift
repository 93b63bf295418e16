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
    /// `custodyd key rotate` began rewrapping every data key under a new KEK (both fingerprints).
    public static let keyRotationStarted = AuditAction("key.rotation_started")
    /// Every data key is wrapped under the new KEK, which is now the store's (both fingerprints).
    public static let keyRotated = AuditAction("key.rotated")

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
    public static let statusViewed = AuditAction("status.viewed")
    /// `whoami`: someone asked who the daemon thinks they are.
    public static let identityViewed = AuditAction("identity.viewed")
    public static let auditRead = AuditAction("audit.read")
    /// A request that could not be served for another reason than a refusal (a bad argument, an
    /// item that does not exist, a failure); `detail.error` is the code it was answered with.
    public static let requestFailed = AuditAction("request.failed")
    /// A request the access policy refused: who, what, and why.
    public static let accessDenied = AuditAction("access.denied")

    // MARK: Content leaving the store (DESIGN §14)
    /// A view of an item's plaintext opened (`custody play`, `cat`, an export): who, which, the mode.
    public static let viewStarted = AuditAction("view.started")
    /// A view ended: bytes served, seconds open, how (closed, abandoned, failed).
    public static let viewEnded = AuditAction("view.ended")
    public static let exportRequested = AuditAction("export.requested")
    public static let exportApproved = AuditAction("export.approved")
    public static let exportRejected = AuditAction("export.rejected")
    /// An approved export opened, once, for writing its bag.
    public static let exportOpened = AuditAction("export.opened")
    /// The bag was written; detail `manifest_sha256` is the hash of its `manifest-sha256.txt`.
    public static let exportWritten = AuditAction("export.written")
    public static let exportsViewed = AuditAction("exports.viewed")

    // MARK: People, units, grants, devices (DESIGN §11)
    public static let registryViewed = AuditAction("registry.viewed")
    public static let unitAdded = AuditAction("unit.added")
    /// A unit's head was set or changed (`unit set`); detail `head`, and `previous_head` when there was one.
    public static let unitChanged = AuditAction("unit.changed")
    public static let personAdded = AuditAction("person.added")
    /// A person left: every grant of theirs was revoked with it.
    public static let personLeft = AuditAction("person.left")
    public static let grantRequested = AuditAction("grant.requested")
    /// An approval; `detail.stage` says first or second.
    public static let grantApproved = AuditAction("grant.approved")
    public static let grantRejected = AuditAction("grant.rejected")
    public static let grantRevoked = AuditAction("grant.revoked")
    public static let grantsViewed = AuditAction("grants.viewed")
    public static let deviceAdded = AuditAction("device.added")
    /// A device entry of the configuration's `[devices.registry]` imported into the registry.
    public static let deviceImported = AuditAction("device.imported")
    public static let deviceAssigned = AuditAction("device.assigned")
    public static let deviceReturned = AuditAction("device.returned")
    public static let deviceMaintained = AuditAction("device.maintained")
    public static let deviceRetired = AuditAction("device.retired")

    // MARK: Review, categories, retention, holds (DESIGN §12)
    public static let reviewQueueViewed = AuditAction("review.queue_viewed")
    /// A reviewer claimed an item (a lease); `detail.assigned_by` when an administrator assigned it.
    public static let reviewClaimed = AuditAction("review.claimed")
    public static let reviewReleased = AuditAction("review.released")
    public static let reviewAssigned = AuditAction("review.assigned")
    /// A review finished: outcome, cases, categories, the due date that follows.
    public static let reviewFinished = AuditAction("review.finished")
    public static let noteAdded = AuditAction("note.added")
    public static let categoryAdded = AuditAction("category.added")
    public static let categoriesViewed = AuditAction("categories.viewed")
    /// A dry run of a policy change: what would become due, and when.
    public static let retentionPreviewed = AuditAction("retention.previewed")
    /// A category's retention changed, confirmed; `detail` counts what moved.
    public static let categoryChanged = AuditAction("category.changed")
    public static let categoryRemoved = AuditAction("category.removed")
    public static let itemCategorized = AuditAction("item.categorized")
    public static let itemUncategorized = AuditAction("item.uncategorized")
    public static let holdPlaced = AuditAction("hold.placed")
    /// An item caught by a query hold after the hold was placed.
    public static let holdApplied = AuditAction("hold.applied")
    public static let holdReleased = AuditAction("hold.released")
    public static let holdsViewed = AuditAction("holds.viewed")
    /// `custody report`: the supervision figures were read (`from`, `to`, `scope`, `items`).
    public static let reportViewed = AuditAction("report.viewed")
    /// A retention pass marked items due (or unmarked items held again); the counts in detail.
    public static let retentionMarked = AuditAction("retention.marked")
    /// A retention pass left an item as it was because its stored due date is not the one its
    /// retention gives (the catalog was edited outside Custody); detail `stored` and `recomputed`.
    public static let retentionSkipped = AuditAction("retention.skipped")
    public static let deletionRequested = AuditAction("deletion.requested")
    public static let deletionApproved = AuditAction("deletion.approved")
    public static let deletionRejected = AuditAction("deletion.rejected")
    /// An item taken out of the trash during its grace period.
    public static let itemRestored = AuditAction("item.restored")
    public static let deletionsViewed = AuditAction("deletions.viewed")
    /// An item crypto-shredded: its wrapped key erased in the catalog; the row is its tombstone.
    public static let itemShredded = AuditAction("item.shredded")

    // MARK: Backups (docs/operations.md, "Backups")
    /// `custodyd backup`: a catalog snapshot and the objects it needs, copied and verified; the
    /// snapshot's name, target, expiry and counts in detail.
    public static let backupMade = AuditAction("backup.made")
    /// `custodyd backup prune`: a snapshot whose lifetime ended removed from its target.
    public static let backupPruned = AuditAction("backup.pruned")
    /// `custodyd restore`: this catalog was restored from a backup snapshot (in the restored catalog).
    public static let backupRestored = AuditAction("backup.restored")

    /// Every action above, for `init(stored:)` and the docs.
    public static let all: [AuditAction] = [
        storeCreated, daemonStarted, daemonStopped, keyRotationStarted, keyRotated,
        importStarted, importFinished, importInterrupted, importSkipped, importFailed, importDuplicate,
        itemStored, itemVerified, itemDiscarded, itemProbed, itemReprobed, recoveryDiscarded, sourceWiped, sourceKept,
        dockStarted, dockFinished,
        deviceClockSet, itemSighted,
        fixityChecked, fixityDeep, fixityPass, fixityFailed,
        controlRequest, controlRefused, catalogListed, itemViewed, statusViewed, identityViewed, auditRead,
        accessDenied, requestFailed,
        viewStarted, viewEnded, exportRequested, exportApproved, exportRejected, exportOpened, exportWritten,
        exportsViewed,
        registryViewed, unitAdded, unitChanged, personAdded, personLeft, grantRequested, grantApproved, grantRejected,
        grantRevoked,
        grantsViewed, deviceAdded, deviceImported, deviceAssigned, deviceReturned, deviceMaintained, deviceRetired,
        reviewQueueViewed, reviewClaimed, reviewReleased, reviewAssigned, reviewFinished, noteAdded, categoryAdded,
        categoriesViewed, retentionPreviewed, categoryChanged, categoryRemoved, itemCategorized, itemUncategorized,
        holdPlaced, holdApplied, holdReleased, holdsViewed,
        reportViewed,
        retentionMarked, retentionSkipped, deletionRequested, deletionApproved, deletionRejected, itemRestored,
        deletionsViewed,
        itemShredded,
        backupMade, backupPruned, backupRestored,
    ]
}

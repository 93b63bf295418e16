import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// Who is on the other end of a control connection, as the kernel reported it when the connection
/// was accepted (`SO_PEERCRED`, `SO_PEERGROUPS`), never as the peer claims.
public struct ControlCaller: Sendable, Equatable {
    /// The peer's effective uid, gid and pid at `connect(2)`.
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// Its supplementary groups.
    public var groups: [UInt32]
    /// The uid's user name, when it has one.
    public var name: String?

    /// Creates a caller.
    public init(uid: UInt32, gid: UInt32, pid: Int32, groups: [UInt32], name: String?) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.groups = groups
        self.name = name
    }

    /// The caller as the audit log names it.
    public var actor: AuditActor { AuditActor(uid: uid, name: name) }
}

/// What the control server serves: the daemon implements this (or wraps `CatalogControlHandler`,
/// which answers everything but the status from the catalog).
///
/// The server calls these on its own connection threads, never on the Swift concurrency pool, so they
/// may block briefly (a catalog query) and must be safe to call from several threads at once.
public protocol ControlHandler: Sendable {
    /// The daemon's status now. Called for every `status` request and for the first line of a watch;
    /// must be cheap (a copy under a lock).
    func status() -> DaemonStatus

    /// Every status change, in order. The server subscribes once, when it starts, and iterates on the
    /// concurrency pool until it stops (cancellation ends the iteration); watchers get the latest
    /// element, at most four times a second.
    func statusChanges() -> AsyncStream<DaemonStatus>

    /// The items `query` selects, newest first, for `caller`.
    /// - Throws: `ControlError` (`badRequest` naming the field, `internal`); any other error is
    ///   answered as `internal`.
    func list(_ query: ItemQuery, for caller: ControlCaller) throws -> [ItemView]

    /// One item, its metadata and audit trail, by id or id prefix, for `caller`.
    /// - Throws: `ControlError` (`notFound`, `badRequest`); any other error is answered as `internal`.
    func show(_ item: String, for caller: ControlCaller) throws -> ItemDetailView

    /// Writes `event` to the audit log on behalf of `caller`. The server answers a request only after
    /// this returned: if it throws, the caller gets `internal` and nothing is served.
    func audit(_ event: AuditEvent, by caller: ControlCaller) throws
}

/// A `ControlHandler` that answers `list`, `show` and auditing from the catalog, and `status` from
/// the daemon's closures, so the daemon supplies only its status.
public struct CatalogControlHandler: ControlHandler {
    private let catalog: EvidenceCatalog
    private let currentStatus: @Sendable () -> DaemonStatus
    private let changes: @Sendable () -> AsyncStream<DaemonStatus>

    /// Creates a handler.
    /// - Parameters:
    ///   - catalog: where items and the audit chain are.
    ///   - status: the status now (cheap, thread-safe).
    ///   - statusChanges: a fresh stream of status changes; called once per server run.
    public init(
        catalog: EvidenceCatalog, status: @escaping @Sendable () -> DaemonStatus,
        statusChanges: @escaping @Sendable () -> AsyncStream<DaemonStatus>
    ) {
        self.catalog = catalog
        currentStatus = status
        changes = statusChanges
    }

    public func status() -> DaemonStatus { currentStatus() }

    public func statusChanges() -> AsyncStream<DaemonStatus> { changes() }

    public func list(_ query: ItemQuery, for caller: ControlCaller) throws -> [ItemView] {
        let filter = try ItemFilter(query)
        let records = try mapped { try catalog.items(matching: filter) }
        var detail = query.auditDetail
        detail["results"] = "\(records.count)"
        try catalog.audit([AuditEvent(action: .catalogListed, detail: detail)], by: caller.actor)
        return records.map(ItemView.init)
    }

    public func show(_ item: String, for caller: ControlCaller) throws -> ItemDetailView {
        let record = try mapped { try catalog.item(matching: item) }
        try catalog.audit([AuditEvent(action: .itemViewed, itemID: record.id)], by: caller.actor)
        let trail = try catalog.auditEntries(for: record.id).map(AuditEntryView.init)
        let metadata = try catalog.mediaMetadata(for: record.id)
        return ItemDetailView(item: ItemView(record), metadata: metadata, audit: trail)
    }

    public func audit(_ event: AuditEvent, by caller: ControlCaller) throws {
        try catalog.audit([event], by: caller.actor)
    }

    /// Catalog errors a caller can fix become their protocol codes; the rest stay as they are (internal).
    private func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CatalogError where error.code == .notFound {
            throw ControlError(code: .notFound, message: error.message)
        } catch let error as CatalogError where error.code == .ambiguous || error.code == .invalidQuery {
            throw ControlError(code: .badRequest, message: error.message)
        }
    }
}

extension ItemFilter {
    /// The catalog filter for a `list` request's query.
    /// - Throws: `ControlError.badRequest` naming the field and what it accepts.
    public init(_ query: ItemQuery) throws {
        func date(_ text: String?, _ field: String) throws -> Date? {
            guard let text else { return nil }
            do { return try Timestamps.parse(text, argument: field) } catch let error as DaemonError {
                throw ControlError(code: .badRequest, message: error.message)
            }
        }
        var state: ItemState?
        if let text = query.state {
            guard let value = ItemState(rawValue: text) else {
                throw ControlError(code: .badRequest, message: "state '\(text)' is not one of: stored, verified")
            }
            state = value
        }
        var kind: MediaMetadata.Kind?
        if let text = query.kind {
            guard let value = MediaMetadata.Kind(rawValue: text) else {
                throw ControlError(
                    code: .badRequest, message: "kind '\(text)' is not one of: video, audio, photo, other")
            }
            kind = value
        }
        self.init(
            deviceID: query.device, ingestedFrom: try date(query.from, "from"),
            ingestedBefore: try date(query.to, "to"), sha256Prefix: query.sha256, state: state,
            recordedFrom: try date(query.recordedFrom, "recorded_from"),
            recordedBefore: try date(query.recordedTo, "recorded_to"), officerID: query.officer, kind: kind,
            hasLocation: query.location, limit: query.limit ?? 100)
    }
}

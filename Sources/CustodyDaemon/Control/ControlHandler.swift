import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Operations

#if canImport(Glibc)
    import Glibc
#endif

/// Who is on the other end of a control connection, as the kernel reported it when the connection
/// was accepted.
public typealias ControlCaller = Caller

/// What the control server serves. The server only moves framed bytes: every request's meaning,
/// authorisation and audit is the handler's (in the daemon, `Operations`).
///
/// The server calls these on its own connection threads, never on the Swift concurrency pool, so they
/// may block briefly (a catalog query) and must be safe to call from several threads at once.
public protocol ControlHandler: Sendable {
    /// The daemon's status now, for the lines of a watch after the first; must be cheap.
    func status() -> DaemonStatus

    /// Every status change, in order. The server subscribes once, when it starts, and iterates on the
    /// concurrency pool until it stops (cancellation ends the iteration).
    func statusChanges() -> AsyncStream<DaemonStatus>

    /// Answers one request for `caller`: authorised, audited, served. A `status` watch is answered
    /// here first; the server streams the rest only when that answer is `ok`.
    func perform(_ request: ControlRequest, for caller: ControlCaller) -> ControlResponse

    /// Audits a request line that could not be read. If it throws, the connection is closed unserved.
    func recordUnreadable(_ error: ControlError, by caller: ControlCaller) throws

    /// Counts a connection the socket refuses (`reason`: in no allowed group, or the limit reached)
    /// and says whether an entry is due now; must be cheap, since the server asks on its accept thread.
    /// Refusals only counted are written later (`RefusalLog`).
    func countRefusedConnection(_ caller: ControlCaller, reason: String) -> RefusalLog.Decision

    /// Audits a refused connection: one entry for `refusals` refusals of that identity and reason
    /// since `since`, as `countRefusedConnection` said was due.
    func recordRefusedConnection(_ caller: ControlCaller, reason: String, refusals: Int, since: Date) throws

    /// Writes the entries owed for refusals only counted: with `dueOnly`, those whose minute is over
    /// (the server asks every minute); else all (when it stops).
    func recordOwedRefusals(dueOnly: Bool) throws

    /// Every refusal counted so far, by audit action, for the metrics; must be cheap.
    func refusalTotals() -> [String: Int]
}

extension ControlHandler {
    /// A handler that keeps no refusal counts reports none.
    public func refusalTotals() -> [String: Int] { [:] }
}

/// The daemon's handler: `Operations` over the catalog for every request, the daemon's closures for
/// the live status.
public struct CatalogControlHandler: ControlHandler {
    private let operations: Operations
    private let currentStatus: @Sendable () -> DaemonStatus
    private let changes: @Sendable () -> AsyncStream<DaemonStatus>

    /// Creates a handler.
    /// - Parameters:
    ///   - catalog: where items, people and the audit chain are.
    ///   - resolver: how callers become principals; by default root and this process's uid are
    ///     administrators, and so are members of the group `custody-admin` when it exists.
    ///   - status: the status now (cheap, thread-safe).
    ///   - statusChanges: a fresh stream of status changes; called once per server run.
    ///   - content: decrypting access for views and exports; nil serves no content.
    ///   - reviewLease: how long a review claim lasts unless the request names a lease.
    ///   - deletionGrace: how long approved deletions stay in the trash.
    ///   - noteLimits: how large a note may be and how many one person may add.
    public init(
        catalog: EvidenceCatalog, resolver: PrincipalResolver = .daemonDefault,
        status: @escaping @Sendable () -> DaemonStatus,
        statusChanges: @escaping @Sendable () -> AsyncStream<DaemonStatus>, content: EvidenceContent? = nil,
        reviewLease: TimeInterval = 30 * 60, deletionGrace: TimeInterval = 14 * 86_400,
        noteLimits: NoteLimits = NoteLimits()
    ) {
        var operations = Operations(catalog: catalog, resolver: resolver, status: status, content: content)
        operations.reviewLease = reviewLease
        operations.deletionGrace = deletionGrace
        operations.noteLimits = noteLimits
        self.operations = operations
        currentStatus = status
        changes = statusChanges
    }

    public func status() -> DaemonStatus { currentStatus() }

    public func statusChanges() -> AsyncStream<DaemonStatus> { changes() }

    public func perform(_ request: ControlRequest, for caller: ControlCaller) -> ControlResponse {
        operations.perform(request, by: caller)
    }

    public func recordUnreadable(_ error: ControlError, by caller: ControlCaller) throws {
        try operations.recordUnreadable(error, by: caller)
    }

    public func countRefusedConnection(_ caller: ControlCaller, reason: String) -> RefusalLog.Decision {
        operations.countRefusedConnection(caller, reason: reason)
    }

    public func recordRefusedConnection(_ caller: ControlCaller, reason: String, refusals: Int, since: Date) throws {
        try operations.recordRefusedConnection(caller, reason: reason, refusals: refusals, since: since)
    }

    public func recordOwedRefusals(dueOnly: Bool) throws { try operations.recordOwedRefusals(dueOnly: dueOnly) }

    public func refusalTotals() -> [String: Int] { operations.refusalTotals() }
}

extension PrincipalResolver {
    /// The group whose members are administrators on a fresh install (DESIGN §11).
    public static let administratorGroup = "custody-admin"

    /// Root and this process's own uid, and the members of `custody-admin` if the group exists.
    public static var daemonDefault: PrincipalResolver {
        var groups: [String: UInt32] = [:]
        if let gid = UserDatabase.groupID(named: administratorGroup) { groups[administratorGroup] = gid }
        return PrincipalResolver(systemUIDs: [0, geteuid()], administratorGroups: groups)
    }
}

extension Caller {
    /// This process, as the kernel sees it: how local `custodyd` commands call the operations.
    public static var currentProcess: Caller {
        let uid = geteuid()
        var groups = [gid_t](repeating: 0, count: Int(getgroups(0, nil)))
        let count = getgroups(Int32(groups.count), &groups)
        return Caller(
            uid: uid, gid: getegid(), pid: getpid(), groups: Array(groups.prefix(Int(max(count, 0)))),
            name: UserDatabase.userName(of: uid))
    }
}

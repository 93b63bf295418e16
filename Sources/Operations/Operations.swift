import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// Every operation a person can ask for (DESIGN §3, §11), behind one entry point: the caller is
/// resolved to a principal, the `AccessPolicy` decides, and the decision — allowed or denied — is
/// audited here, before anything is served. The control socket and the local `custodyd` commands
/// both call `perform`, so there is one copy of each verb, its filter and its audit line.
public struct Operations: Sendable {
    let catalog: EvidenceCatalog
    let resolver: PrincipalResolver
    let currentStatus: @Sendable () -> DaemonStatus?
    let clock: @Sendable () -> Date
    /// Decrypting access for views and exports; nil where the key is not at hand.
    let content: EvidenceContent?
    /// The content views open now.
    let views = ContentViews()
    /// Refusals coalesced per who and what, one entry a minute with a count (docs/audit-log.md).
    let refusals = RefusalLog()
    /// How large a note may be and how many a person may add (DESIGN §12; docs/configuration.md `[notes]`).
    public var noteLimits = NoteLimits()
    /// How long a review claim lasts unless the request names a lease (DESIGN §12: a lease that expires).
    public var reviewLease: TimeInterval = 30 * 60
    /// How long approved deletions stay in the trash, restorable, before the shred (DESIGN §13).
    public var deletionGrace: TimeInterval = 14 * 86_400

    /// Creates the operations over `catalog`.
    /// - Parameters:
    ///   - resolver: how callers become principals (bootstrap uids and groups).
    ///   - status: the daemon's status now, or nil where no daemon runs (local commands).
    ///   - clock: the time grants and decisions are judged at.
    ///   - content: decrypting access for views and exports (the daemon's); nil serves no content.
    public init(
        catalog: EvidenceCatalog, resolver: PrincipalResolver,
        status: @escaping @Sendable () -> DaemonStatus? = { nil }, clock: @escaping @Sendable () -> Date = { Date() },
        content: EvidenceContent? = nil
    ) {
        self.content = content
        self.catalog = catalog
        self.resolver = resolver
        currentStatus = status
        self.clock = clock
    }

    /// Answers `request` for `caller`. Never throws: a refusal or failure is the response.
    public func perform(_ request: ControlRequest, by caller: Caller) -> ControlResponse {
        var context: OperationContext?
        let failure: ControlError
        do {
            context = try OperationContext(operations: self, request: request, caller: caller)
            return try answer(request, in: context!)
        } catch let error as ControlError {
            failure = error
        } catch let error as CatalogError {
            failure = Self.controlError(error)
        } catch {
            failure = ControlError(
                code: .internal, message: "custodyd could not answer: \(error); see `journalctl -u custodyd`")
        }
        // A refusal is already on record with its reason (`access.denied`); any other failure is
        // recorded here, so every request a caller made is in the chain, served or not.
        // Coalesced like refusals: a caller looping on a failing request writes one entry a minute.
        if failure.code != .forbidden {
            var detail = context?.requestDetail ?? ["request": request.kind.rawValue, "pid": "\(caller.pid)"]
            detail["error"] = failure.code.rawValue
            let key = RefusalLog.Key(
                who: context?.principal.key ?? "uid:\(caller.uid)",
                what: "request.failed \(request.kind.rawValue) \(failure.code.rawValue)")
            try? recordRefusal(AuditEvent(action: .requestFailed, detail: detail), key: key, actor: caller.actor)
        }
        return .failure(failure, id: request.id)
    }

    private func answer(_ request: ControlRequest, in context: OperationContext) throws -> ControlResponse {
        let arguments = request.arguments
        switch request.kind {
        case .status: return try statusAnswer(context)
        case .list: return try list(request.query, context)
        case .show: return try show(request.item ?? "", context)
        case .whoami: return try whoami(context)
        case .audit: return try readAudit(arguments, context)
        case .personAdd: return try addPerson(arguments, context)
        case .personList: return try listPersons(arguments, context)
        case .personShow: return try showPerson(arguments, context)
        case .personLeave: return try recordLeft(arguments, context)
        case .unitAdd: return try addUnit(arguments, context)
        case .unitList: return try listUnits(context)
        case .unitSet: return try setUnitHead(arguments, context)
        case .grantRequest: return try requestGrant(arguments, context)
        case .grantApprove: return try approveGrant(arguments, context)
        case .grantReject: return try rejectGrant(arguments, context)
        case .grantRevoke: return try revokeGrant(arguments, context)
        case .grantList: return try listGrants(arguments, context)
        case .deviceAdd: return try addDevice(arguments, context)
        case .deviceAssign: return try assignDevice(arguments, context)
        case .deviceReturn: return try returnDevice(arguments, context)
        case .deviceMaintenance: return try recordMaintenance(arguments, context)
        case .deviceRetire: return try retireDevice(arguments, context)
        case .deviceShow: return try showDevice(arguments, context)
        case .deviceList: return try listDevices(context)
        case .viewOpen: return try openView(arguments, context)
        case .viewRead: return try readView(arguments, context)
        case .viewClose: return try closeView(arguments, context)
        case .exportRequest: return try requestExport(arguments, context)
        case .exportApprove: return try approveExport(arguments, context)
        case .exportReject: return try rejectExport(arguments, context)
        case .exportList: return try listExports(context)
        case .exportOpen: return try openExport(arguments, context)
        case .exportFinish: return try finishExport(arguments, context)
        case .reviewQueue: return try reviewQueue(arguments, context)
        case .reviewClaim: return try claimReview(arguments, context)
        case .reviewNext: return try claimNextReview(arguments, context)
        case .reviewDone: return try finishReview(arguments, context)
        case .reviewRelease: return try releaseReview(arguments, context)
        case .reviewAssign: return try assignReview(arguments, context)
        case .noteAdd: return try addNote(arguments, context)
        case .categoryAdd: return try addCategory(arguments, context)
        case .categoryList: return try listCategories(context)
        case .categorySet: return try setCategory(arguments, context)
        case .categoryRemove: return try removeCategory(arguments, context)
        case .categorize: return try categorize(arguments, context)
        case .uncategorize: return try uncategorize(arguments, context)
        case .holdPlace: return try placeHold(arguments, context)
        case .holdRelease: return try releaseHold(arguments, context)
        case .holdList: return try listHolds(arguments, context)
        case .holdShow: return try showHold(arguments, context)
        case .report: return try report(arguments, context)
        case .deletionDue: return try listDue(arguments, context)
        case .deletionRequest: return try requestDeletion(arguments, context)
        case .deletionApprove: return try approveDeletion(arguments, context)
        case .deletionReject: return try rejectDeletion(arguments, context)
        case .deletionList: return try listDeletions(arguments, context)
        case .deletionShow: return try showDeletion(arguments, context)
        case .deletionRestore: return try restoreDeletion(arguments, context)
        case .deletionReceipt: return try deletionReceipt(arguments, context)
        }
    }

    /// Audits a request line that could not be read, for `caller`: coalesced per uid and error, so a
    /// caller looping on unknown request kinds writes one entry a minute, with a count.
    /// - Throws: the catalog's error when the audit log cannot be written.
    public func recordUnreadable(_ error: ControlError, by caller: Caller) throws {
        let event = AuditEvent(
            action: .controlRequest,
            detail: ["request": "invalid", "error": error.code.rawValue, "pid": "\(caller.pid)"])
        try recordRefusal(
            event,
            key: RefusalLog.Key(who: "uid:\(caller.uid)", what: "control.request invalid \(error.code.rawValue)"),
            actor: caller.actor)
    }

    /// Counts a connection the socket refuses (`reason`: in no allowed group, or which limit), without
    /// writing anything: the control server decides on its accept thread, cheaply, and writes with
    /// `recordRefusedConnection` elsewhere when the answer is `record`.
    /// Every refusal counted so far, by audit action (docs/metrics.md, `custody_refusals_total`).
    public func refusalTotals() -> [String: Int] { refusals.totals() }

    public func countRefusedConnection(_ caller: Caller, reason: String) -> RefusalLog.Decision {
        refusals.refused(
            Self.connectionKey(caller, reason), at: clock(), event: Self.connectionRefusal(caller, reason),
            actor: caller.actor)
    }

    /// Audits a connection the socket would not serve (`reason`: the caller is in no allowed group, or
    /// a connection limit): one entry standing for `refusals` refusals of that identity since `since`
    /// (docs/control-protocol.md).
    /// - Throws: the catalog's error when the audit log cannot be written.
    public func recordRefusedConnection(
        _ caller: Caller, reason: String = "not in an allowed group", refusals: Int = 1, since: Date? = nil
    ) throws {
        let since = since ?? clock()
        do {
            try catalog.audit(
                [Self.connectionRefusal(caller, reason).counting(refusals, since: since)], by: caller.actor)
        } catch {
            self.refusals.owe(
                Self.connectionKey(caller, reason), refusals: refusals, since: since,
                event: Self.connectionRefusal(caller, reason), actor: caller.actor)
            throw error
        }
    }

    /// Writes the entries still owed for refusals only counted: with `dueOnly`, those whose minute is
    /// over (the daemon asks every minute, so a count is at most a minute late even when its flood
    /// stopped); else all (at stop: the daemon's last word on them).
    /// - Throws: the first catalog error; the other entries are still attempted.
    public func recordOwedRefusals(dueOnly: Bool = false) throws {
        var failure: (any Error)?
        for owed in refusals.drain(dueAt: dueOnly ? clock() : nil) {
            do {
                try catalog.audit([owed.event.counting(owed.refusals, since: owed.since)], by: owed.actor)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    /// Writes `event` for one refusal under `key`, at once when it is the first of its key in the
    /// interval (with `refusals` and `since`), else only counts it.
    /// - Throws: the catalog's error when the entry was due and could not be written (it stays owed).
    func recordRefusal(_ event: AuditEvent, key: RefusalLog.Key, actor: AuditActor) throws {
        guard case .record(let count, let since) = refusals.refused(key, at: clock(), event: event, actor: actor)
        else { return }
        do {
            try catalog.audit([event.counting(count, since: since)], by: actor)
        } catch {
            refusals.owe(key, refusals: count, since: since, event: event, actor: actor)
            throw error
        }
    }

    private static func connectionKey(_ caller: Caller, _ reason: String) -> RefusalLog.Key {
        RefusalLog.Key(who: "uid:\(caller.uid) gid:\(caller.gid)", what: "control.refused \(reason)")
    }

    private static func connectionRefusal(_ caller: Caller, _ reason: String) -> AuditEvent {
        AuditEvent(
            action: .controlRefused,
            detail: ["uid": "\(caller.uid)", "gid": "\(caller.gid)", "pid": "\(caller.pid)", "reason": reason])
    }

    /// A catalog error as the protocol reports it: what a caller can fix keeps its message.
    static func controlError(_ error: CatalogError) -> ControlError {
        switch error.code {
        case .notFound: return ControlError(code: .notFound, message: error.message)
        case .ambiguous, .invalidQuery: return ControlError(code: .badRequest, message: error.message)
        case .limitReached: return ControlError(code: .limited, message: error.message)
        default:
            return ControlError(code: .internal, message: "\(error.message); see `journalctl -u custodyd`")
        }
    }
}

/// One request being served: who asks, when, and the single place its decision is audited.
struct OperationContext {
    let operations: Operations
    let request: ControlRequest
    let principal: Principal
    let now: Date

    var catalog: EvidenceCatalog { operations.catalog }

    init(operations: Operations, request: ControlRequest, caller: Caller) throws {
        self.operations = operations
        self.request = request
        now = operations.clock()
        principal = try operations.resolver.resolve(caller, in: operations.catalog, at: now)
    }

    /// Asks the policy; a denial is audited (with the reason) and thrown as `forbidden`, an allowance
    /// is returned to be audited with what it allowed.
    func authorize(_ action: OperationAction, _ resource: OperationResource = .none, item: EvidenceID? = nil) throws
        -> Allowance
    {
        switch AccessPolicy.decide(principal, action, resource) {
        case .allow(let role, let reason, let grants):
            try? catalog.noteGrantsUsed(grants, at: now)
            return Allowance(context: self, role: role, reason: reason)
        case .deny(let reason):
            try recordDenial(action, resource, reason: reason, item: item)
            throw ControlError(code: .forbidden, message: reason)
        case .denyUnseen(let reason, let message):
            try recordDenial(action, resource, reason: reason, item: item)
            throw ControlError(code: .forbidden, message: message)
        }
    }

    /// The `access.denied` entry: the full reason, whatever the caller was told.
    /// Writes a denial with its full reason: the first of its kind at once, a flood of the same one
    /// counted into one entry a minute (docs/audit-log.md). Distinct targets are distinct keys, so each
    /// is on record; they exist in the catalog (an item, a unit), so a caller cannot make up new ones to
    /// escape the coalescing.
    private func recordDenial(
        _ action: OperationAction, _ resource: OperationResource, reason: String, item: EvidenceID?
    ) throws {
        var detail = requestDetail
        detail["requested"] = action.rawValue
        detail["reason"] = reason
        let target: String
        if case .unit(let id, _) = resource { target = "unit \(id)" } else { target = item?.description ?? "-" }
        let key = RefusalLog.Key(
            who: principal.key, what: "access.denied \(request.kind.rawValue) \(action.rawValue) \(target)")
        try operations.recordRefusal(
            AuditEvent(action: .accessDenied, itemID: item, detail: detail), key: key, actor: principal.caller.actor)
    }

    /// What every audit entry of this request says about it: the request, the principal, the pid.
    var requestDetail: [String: String] {
        var detail = request.kind == .list ? request.query.auditDetail : request.arguments.auditDetail
        if let item = request.item { detail["item"] = item }
        detail["request"] = request.kind.rawValue
        detail["principal"] = principal.key
        detail["pid"] = "\(principal.caller.pid)"
        return detail
    }
}

/// A decision to allow, waiting to be written with what it allowed.
struct Allowance {
    let context: OperationContext
    let role: Role?
    let reason: String

    /// The audit entry for this request: `action` on `item`, with `detail` beside the request's own.
    func event(_ action: AuditAction, item: EvidenceID? = nil, _ detail: [String: String] = [:]) -> AuditEvent {
        var merged = context.requestDetail.merging(detail) { _, new in new }
        merged["role"] = role?.rawValue ?? "any"
        merged["allowed_because"] = reason
        return AuditEvent(action: action, itemID: item, detail: merged)
    }

    /// Writes the entry now, for a read: nothing is served without its record (DESIGN §1, invariant 5).
    func record(_ action: AuditAction, item: EvidenceID? = nil, _ detail: [String: String] = [:]) throws {
        try context.catalog.audit([event(action, item: item, detail)], by: context.principal.caller.actor)
    }

    var actor: AuditActor { context.principal.caller.actor }
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Operations

// MARK: - list-page

/// A paged `list` page at catalog size (issue 14's target: under 50 ms): the page of 100 after a
/// cursor deep in the catalog, as an administrator and as a reviewer (a partitioned scope), and the
/// first page with its total count, through `Operations`, on a catalog `policy-list` prepared.
func listPage(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("list-page takes STATE_DIR RUNS") }
    let path = arguments[0] + "/catalog.sqlite"
    let runs = positiveInt(arguments[1], "RUNS")
    let catalog = try EvidenceCatalog(path: path, actor: AuditActor(uid: 0, name: "root"))
    guard (try? catalog.person("R0")) != nil else { usage("list-page runs on a catalog that policy-list prepared") }
    let operations = Operations(
        catalog: catalog, resolver: PrincipalResolver(systemUIDs: [0], administratorGroups: [:]))
    let root = Caller(uid: 0, gid: 0, pid: getpid(), groups: [], name: "root")
    let reviewer = Caller(uid: 4001, gid: 100, pid: getpid(), groups: [], name: "bench-reviewer")
    let clock = ContinuousClock()

    func page(_ query: ItemQuery, by caller: Caller) throws -> ControlResponse {
        let response = operations.perform(.list(query), by: caller)
        if let error = response.error { throw error }
        return response
    }
    /// The id of the item `depth` pages of 1000 into `caller`'s listing, walked once by cursor.
    func cursor(depth: Int, by caller: Caller) throws -> String? {
        var query = ItemQuery(limit: 1000)
        for _ in 0..<depth {
            guard let last = try page(query, by: caller).items?.last?.id else { return query.after }
            query.after = last
        }
        return query.after
    }
    func median(_ body: () throws -> Void) throws -> Double {
        try body()  // warm-up, not counted
        var samples: [Double] = []
        for _ in 0..<runs { samples.append(try clock.measure(body).milliseconds) }
        return quantile(samples.sorted(), 0.5)
    }

    var deep = ItemQuery(limit: 100)
    deep.after = try cursor(depth: 50, by: root)
    var listed = 0
    let adminDeep = try median { listed = try page(deep, by: root).items?.count ?? 0 }
    var reviewerDeep = ItemQuery(limit: 100)
    reviewerDeep.after = try cursor(depth: 20, by: reviewer)
    let reviewerPage = try median { listed = try page(reviewerDeep, by: reviewer).items?.count ?? 0 }
    var first = ItemQuery(limit: 100)
    first.total = true
    var total = 0
    let withTotal = try median { total = try page(first, by: root).total ?? 0 }
    let reviewerTotal = try median { total = try page(first, by: reviewer).total ?? 0 }

    print("list-page, \(runs) runs, medians (ms):")
    print("  page of 100 after item 50,000, administrator:  \(format(adminDeep))")
    print("  page of 100 after item 20,000, reviewer:       \(format(reviewerPage))  (\(listed) items)")
    print("  first page with total, administrator:          \(format(withTotal))")
    print("  first page with total, reviewer:               \(format(reviewerTotal))  (total \(total))")
    print(
        "RESULT admin_page_ms=\(format(adminDeep)) reviewer_page_ms=\(format(reviewerPage)) admin_total_ms=\(format(withTotal)) reviewer_total_ms=\(format(reviewerTotal))"
    )
}

// MARK: - report

/// The supervision report over every item of a `policy-list` catalog and SESSIONS dock sessions
/// (issue 14's target: under 2 s), as an administrator and as a reviewer, through `Operations`; and
/// what reading the dock sessions from the audit log costs on its own.
func reportBenchmark(_ arguments: [String]) throws {
    guard arguments.count == 2 || arguments.count == 3 else { usage("report takes STATE_DIR RUNS [SESSIONS=10000]") }
    let path = arguments[0] + "/catalog.sqlite"
    let runs = positiveInt(arguments[1], "RUNS")
    let sessions = arguments.count == 3 ? positiveInt(arguments[2], "SESSIONS") : 10_000
    let catalog = try EvidenceCatalog(path: path, actor: AuditActor(uid: 0, name: "root"))
    guard (try? catalog.person("R0")) != nil else { usage("report runs on a catalog that policy-list prepared") }
    let reviewed = try prepareReviewWork(catalogPath: path)
    let seeded = try seedDockSessions(sessions, in: catalog)
    let operations = Operations(
        catalog: catalog, resolver: PrincipalResolver(systemUIDs: [0], administratorGroups: [:]))
    let root = Caller(uid: 0, gid: 0, pid: getpid(), groups: [], name: "root")
    let reviewer = Caller(uid: 4001, gid: 100, pid: getpid(), groups: [], name: "bench-reviewer")
    let clock = ContinuousClock()
    let start = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
    let end = Date().addingTimeInterval(86_400)
    let everything = ControlArguments(from: Timestamps.rfc3339(start), until: Timestamps.rfc3339(end))
    var items = 0
    var docks = 0
    func median(_ body: () throws -> Void) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<runs { samples.append(try clock.measure(body).milliseconds) }
        return quantile(samples.sorted(), 0.5)
    }
    func report(_ caller: Caller) throws {
        let response = operations.perform(.operation(.report, everything), by: caller)
        if let error = response.error { throw error }
        items = response.report?.items ?? 0
    }
    let admin = try median { try report(root) }
    let adminItems = items
    let scoped = try median { try report(reviewer) }
    // Where a report spends its time: each read of the catalog on its own, for an administrator's
    // scope and for the reviewer's (one unit of ten and her own items, as the access policy gives it).
    var (adminDevices, adminDocks) = (0.0, 0)
    func breakdown(_ scope: ItemScope) throws -> String {
        var filter = ItemFilter(ingestedFrom: start, ingestedBefore: end)
        filter.scope = scope
        var facts: [SupervisionItemFacts] = []
        let itemFacts = try median { facts = try catalog.supervisionFacts(matching: filter) }
        let figures = try median {
            _ = SupervisionFigures.report(
                facts, from: start, to: end, now: end, scope: "all", fixityFailures: [],
                integrity: .init(fixityFailures: 0, lastFixityPass: nil, auditHeadSeq: nil, auditHeadHash: nil))
        }
        let devices = try median {
            docks = try catalog.supervisionDeviceFacts(from: start, to: end, matching: filter).docks.count
        }
        if scope == .all { (adminDevices, adminDocks) = (devices, docks) }
        let retention = try median { _ = try catalog.supervisionRetentionFacts(matching: filter) }
        let access = try median { _ = try catalog.supervisionAccessFacts(from: start, to: end, matching: filter) }
        let storage = try median { _ = try catalog.supervisionStorageFacts(at: end, weeks: 8, matching: filter) }
        return """
              of which: item facts \(format(itemFacts)), their figures \(format(figures)), devices \(format(devices)),
                        retention \(format(retention)), access \(format(access)), storage \(format(storage))
            """
    }
    let adminParts = try breakdown(.all)
    let reviewerParts = try breakdown(.units(["U3"], officer: "R0"))
    print(
        "report, \(runs) runs, medians (ms), \(seeded) dock sessions seeded now\(reviewed ? ", review work seeded now" : ""):"
    )
    print("  every item, administrator:  \(format(admin))  (\(adminItems) items)")
    print(adminParts)
    print("  reviewer's scope:           \(format(scoped))  (\(items) items)")
    print(reviewerParts)
    print(
        "RESULT report_admin_ms=\(format(admin)) report_reviewer_ms=\(format(scoped)) dock_facts_ms=\(format(adminDevices)) items=\(adminItems) sessions=\(adminDocks)"
    )
}

/// Writes dock sessions as `DockSession` does (a `dock.started` with the device and its clock offset,
/// a `dock.finished` with the outcome; one in ten also sets the clock) until the audit log holds
/// `count`, over 200 registered devices; one session in 20 fails, one in 25 is undocked. Returns how
/// many it wrote.
func seedDockSessions(_ count: Int, in catalog: EvidenceCatalog) throws -> Int {
    let have = try catalog.auditEntries(after: 0, limit: count, action: AuditAction.dockStarted.rawValue).count
    guard have < count else { return 0 }
    let actor = AuditActor(uid: 0, name: "root")
    let devices = (0..<200).map { String(format: "BENCH-D%03d", $0) }
    for serial in devices where (try? catalog.device(serial)) == nil {
        try catalog.addDevice(serial: serial, model: nil, family: "ambarella", at: Date(), events: [], by: actor)
    }
    var events: [AuditEvent] = []
    for index in have..<count {
        let session = EvidenceID()
        let serial = devices[index % devices.count]
        if index % 10 == 0 { try catalog.recordClockSet(device: serial, at: Date(), session: session) }
        events.append(
            AuditEvent(
                action: .dockStarted,
                detail: [
                    "session": session.description, "bay": "\(index % 8)", "device": serial,
                    "clock_offset_seconds": "\(index % 13 - 6)",
                ]))
        let outcome = index % 20 == 0 ? "failed" : index % 25 == 0 ? "undocked" : "done"
        events.append(
            AuditEvent(
                action: .dockFinished,
                detail: [
                    "session": session.description, "bay": "\(index % 8)", "outcome": outcome, "verified": "12",
                    "failed": "\(index % 40 == 1 ? 1 : 0)",
                ]))
        if events.count >= 2_000 {
            try catalog.audit(events)
            events.removeAll()
        }
    }
    try catalog.audit(events)
    return count - have
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import GRDB
import Operations

// MARK: - policy-list

/// What the access policy adds to `list`: a 1,000-item page of a seeded catalog, asked by an
/// administrator (no scope), a reviewer of one unit of ten, and an officer, through `Operations`
/// (principal resolution, the decision, the scoped query, the audit entry), against the bare query.
func policyList(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("policy-list takes STATE_DIR RUNS") }
    let path = arguments[0] + "/catalog.sqlite"
    let runs = positiveInt(arguments[1], "RUNS")
    let catalog = try EvidenceCatalog(path: path, actor: AuditActor(uid: 0, name: "root"))
    let adminGroup: UInt32 = 4242
    let operations = Operations(
        catalog: catalog, resolver: PrincipalResolver(systemUIDs: [0], administratorGroups: ["bench-admin": adminGroup])
    )
    let root = Caller(uid: 0, gid: 0, pid: getpid(), groups: [], name: "root")
    let bootstrap = Caller(uid: 4000, gid: 100, pid: getpid(), groups: [adminGroup], name: "bench-admin")
    let reviewer = Caller(uid: 4001, gid: 100, pid: getpid(), groups: [], name: "bench-reviewer")
    let officer = Caller(uid: 4002, gid: 100, pid: getpid(), groups: [], name: "bench-p7")

    func expectOK(_ response: ControlResponse) throws {
        if let error = response.error { throw error }
    }
    if (try? catalog.unit("U0")) == nil {
        let clock = ContinuousClock()
        let started = clock.now
        for unit in 0..<10 {
            try expectOK(
                operations.perform(
                    .operation(.unitAdd, ControlArguments(id: "U\(unit)", name: "unit \(unit)")), by: root))
        }
        for device in 0..<50 {
            try expectOK(
                operations.perform(
                    .operation(
                        .personAdd,
                        ControlArguments(
                            id: "P\(String(format: "%04d", device))", name: "officer \(device)",
                            unit: "U\(device % 10)",
                            account: "bench-p\(device)")), by: root))
        }
        try expectOK(
            operations.perform(
                .operation(
                    .personAdd, ControlArguments(id: "R0", name: "reviewer", unit: "U3", account: "bench-reviewer")),
                by: root))
        let until = Timestamps.rfc3339(Date().addingTimeInterval(300 * 86_400))
        let requested = operations.perform(
            .operation(.grantRequest, ControlArguments(reason: "bench", role: "reviewer", scope: "U3", until: until)),
            by: reviewer)
        try expectOK(requested)
        let grant = ControlArguments(grant: requested.grant!.id)
        try expectOK(operations.perform(.operation(.grantApprove, grant), by: root))
        try expectOK(operations.perform(.operation(.grantApprove, grant), by: bootstrap))
        // Attribute the synthetic items as probing would have: officer P<device>, unit U<device % 10>.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    UPDATE item SET officer_id = 'P' || substr(source_device, 4),
                        unit_id = 'U' || (CAST(substr(source_device, 4) AS INTEGER) % 10), officer_source = 'file_name'
                    """)
        }
        print(
            "policy-list: people, units and attribution prepared in \(format((clock.now - started).milliseconds / 1000, 1)) s"
        )
    }

    let clock = ContinuousClock()
    func median(_ body: () throws -> Void) throws -> Double {
        try body()  // warm-up, not counted
        var samples: [Double] = []
        for _ in 0..<runs { samples.append(try clock.measure(body).milliseconds) }
        return quantile(samples.sorted(), 0.5)
    }
    var page = 0
    let bare = try median { page = try catalog.items(matching: ItemFilter(limit: 1000)).count }
    var scoped = ItemFilter(limit: 1000)
    scoped.scope = .units(["U3"], officer: "R0")
    let scopedQuery = try median { page = try catalog.items(matching: scoped).count }
    let request = ControlRequest.list(ItemQuery(limit: 1000))
    func listed(_ caller: Caller) throws -> Double {
        try median {
            let response = operations.perform(request, by: caller)
            try expectOK(response)
            page = response.items?.count ?? 0
        }
    }
    let asAdmin = try listed(root)
    let asReviewer = try listed(reviewer)
    let reviewerPage = page
    let asOfficer = try listed(officer)
    let resolver = PrincipalResolver(systemUIDs: [0], administratorGroups: ["bench-admin": adminGroup])
    let decision = try median {
        let principal = try resolver.resolve(reviewer, in: catalog, at: Date())
        _ = AccessPolicy.decide(principal, .listItems)
        _ = AccessPolicy.itemScope(for: principal)
    }
    print("policy-list, 1,000-item pages, \(runs) runs, medians (ms):")
    print("  bare query, no scope:             \(format(bare))")
    print("  bare query, reviewer's scope:     \(format(scopedQuery))  (\(reviewerPage) items)")
    print("  resolve caller + decide + scope:  \(format(decision))")
    print("  list as administrator (all):      \(format(asAdmin))  (includes the audit entry and the views)")
    print("  list as reviewer (1 unit of 10):  \(format(asReviewer))")
    print("  list as officer (own):            \(format(asOfficer))  (\(page) items)")
    print(
        "RESULT bare_ms=\(format(bare)) scoped_ms=\(format(scopedQuery)) decide_ms=\(format(decision)) admin_ms=\(format(asAdmin)) reviewer_ms=\(format(asReviewer)) officer_ms=\(format(asOfficer))"
    )
}

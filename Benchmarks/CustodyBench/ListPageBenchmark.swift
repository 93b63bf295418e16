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

/// The supervision report over every item of a `policy-list` catalog (issue 14's target: under 2 s),
/// as an administrator and as a reviewer, through `Operations`.
func reportBenchmark(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("report takes STATE_DIR RUNS") }
    let path = arguments[0] + "/catalog.sqlite"
    let runs = positiveInt(arguments[1], "RUNS")
    let catalog = try EvidenceCatalog(path: path, actor: AuditActor(uid: 0, name: "root"))
    guard (try? catalog.person("R0")) != nil else { usage("report runs on a catalog that policy-list prepared") }
    let operations = Operations(
        catalog: catalog, resolver: PrincipalResolver(systemUIDs: [0], administratorGroups: [:]))
    let root = Caller(uid: 0, gid: 0, pid: getpid(), groups: [], name: "root")
    let reviewer = Caller(uid: 4001, gid: 100, pid: getpid(), groups: [], name: "bench-reviewer")
    let clock = ContinuousClock()
    let everything = ControlArguments(from: "2000-01-01", until: Timestamps.rfc3339(Date().addingTimeInterval(86_400)))
    var items = 0
    func median(_ caller: Caller) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<runs {
            samples.append(
                try clock.measure {
                    let response = operations.perform(.operation(.report, everything), by: caller)
                    if let error = response.error { throw error }
                    items = response.report?.items ?? 0
                }.milliseconds)
        }
        return quantile(samples.sorted(), 0.5)
    }
    let admin = try median(root)
    let adminItems = items
    let scoped = try median(reviewer)
    print("report, \(runs) runs, medians (ms):")
    print("  every item, administrator:  \(format(admin))  (\(adminItems) items)")
    print("  reviewer's scope:           \(format(scoped))  (\(items) items)")
    print("RESULT report_admin_ms=\(format(admin)) report_reviewer_ms=\(format(scoped)) items=\(adminItems)")
}

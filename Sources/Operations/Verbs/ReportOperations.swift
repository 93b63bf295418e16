import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `report`: the supervision figures over a period and the caller's scope (DESIGN §14).
extension Operations {
    /// The default period: the last 30 days.
    static let reportDays = 30

    func report(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        // `--unit`: that unit and the units below it, when they lie within the caller's scope.
        let unit = try arguments.unit.map { id -> (id: String, units: Set<String>) in
            let id = id.uppercased()
            _ = try catalog.unit(id)
            return (id, try catalog.unitsWithSubunits([id]))
        }
        let allowance = try context.authorize(
            .viewReport, unit.map { .unit(id: $0.id, withSubunits: $0.units) } ?? .none)
        let to = try Self.instant(arguments.until, "until") ?? context.now
        let from = try Self.instant(arguments.from, "from") ?? to.addingTimeInterval(-Double(Self.reportDays) * 86_400)
        guard from < to else {
            throw ControlError(code: .badRequest, message: "the report's period is empty: from must be before until")
        }
        var filter = ItemFilter(ingestedFrom: from, ingestedBefore: to, officerID: arguments.officer)
        // Auditors read every item's figures (never the evidence); reviewers their units' and their own.
        let principal = context.principal
        filter.scope = principal.has(.auditor) ? .all : AccessPolicy.itemScope(for: principal)
        // The policy allowed the unit, so its items are within the caller's scope: the scope narrows to them.
        if let unit { filter.scope = .units(unit.units, officer: nil) }
        // The sections beside the period's item facts, read meanwhile on another thread (each
        // section was always its own read, so none loses a consistency it had).
        let now = context.now
        let sections = BackgroundRead { [catalog, filter] in
            (
                retention: try catalog.supervisionRetentionFacts(matching: filter),
                devices: try catalog.supervisionDeviceFacts(from: from, to: to, matching: filter),
                access: try catalog.supervisionAccessFacts(from: from, to: to, matching: filter),
                storage: try catalog.supervisionStorageFacts(
                    at: now, weeks: SupervisionFigures.storageWeeks, matching: filter)
            )
        }
        let facts = try catalog.supervisionFacts(matching: filter)
        let failures = try catalog.supervisionFixityFailures(matching: filter)
        let head = try catalog.auditHead()
        // The counts come from `failures`; this carries what is not counted.
        let integrity = SupervisionReportView.Integrity(
            fixityFailures: failures.count,
            lastFixityPass: try catalog.lastAudited(.fixityPass).map(Timestamps.rfc3339),
            auditHeadSeq: head?.sequence, auditHeadHash: head.map { Hex.encode($0.hash) })
        var report = SupervisionFigures.report(
            facts, from: from, to: to, now: now, scope: filter.scope.auditText, fixityFailures: failures,
            integrity: integrity)
        let read = try sections.value()
        report.retention = SupervisionFigures.retention(read.retention, now: now)
        report.devices = SupervisionFigures.devices(read.devices, from: from, to: to, now: now)
        report.access = SupervisionFigures.access(read.access, now: now)
        report.storage = SupervisionFigures.storage(read.storage, now: now)
        try allowance.record(
            .reportViewed,
            [
                "from": report.from, "to": report.to, "scope": report.scope, "items": "\(report.items)",
            ])
        return .answer(id: context.request.id) { $0.report = report }
    }
}

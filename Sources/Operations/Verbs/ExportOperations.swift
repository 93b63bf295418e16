import Catalog
import ControlProtocol
import CustodyCore
import ExportBag
import Foundation

/// `export request/approve/reject/list/open/finish` (DESIGN §14): evidence leaves the store only to
/// a named recipient for a stated purpose, after an administrator other than the requester approved,
/// once, within the approval's window. The bag itself is written by the client (`custody export
/// write`) from content views the opening grants, but the daemon decides what it must hold (DESIGN
/// §15): the payload files and their `item.stored` hashes, the manifest's hash, how far the audit
/// excerpts run. It records a bag only with that manifest.
extension Operations {
    /// How long an approval lasts unless the approver says otherwise.
    static let exportWindow: TimeInterval = 7 * 86_400

    func requestExport(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        guard let names = arguments.items, !names.isEmpty else {
            throw ControlError(code: .badRequest, message: "export request needs the items to export")
        }
        let recipient = try Self.required(arguments.recipient, "recipient", of: "export request")
        let purpose = try Self.required(arguments.purpose, "purpose", of: "export request")
        let allowance = try context.authorize(.requestExport)
        var records: [ItemRecord] = []
        for name in names {
            let record = try catalog.item(matching: name)
            // The requester must be allowed to see each item: an export never widens access.
            _ = try context.authorize(
                .viewContent, try resource(record), item: record.id)
            guard record.state == .verified else {
                throw ControlError(code: .badRequest, message: "item \(record.id) is not verified; only verified items are exported")
            }
            try requireNotTrashed(record.id)
            guard !records.contains(where: { $0.id == record.id }) else { continue }
            records.append(record)
        }
        let export = try catalog.requestExport(
            items: records.map(\.id), recipient: recipient, purpose: purpose, requestedBy: context.principal.key,
            at: context.now,
            events: { [allowance.event(.exportRequested, ["export": "\($0)", "items": "\(records.count)"])] },
            by: allowance.actor)
        return .answer(id: context.request.id) { $0.export = Self.exportView(export, at: context.now) }
    }

    func approveExport(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let export = try catalog.export(try Self.exportNumber(arguments, of: "export approve"))
        let until = try arguments.until.map { try Self.date($0, "until") } ?? context.now.addingTimeInterval(Self.exportWindow)
        guard until > context.now else { throw ControlError(code: .badRequest, message: "--until must be in the future") }
        let allowance = try context.authorize(.decideExport, .export(requestedBy: export.requestedBy))
        let approved = try catalog.takeExportStep(
            export.id, .approval(until: until), by: context.principal.key, at: context.now,
            events: [allowance.event(.exportApproved, ["export": "\(export.id)", "valid_until": Timestamps.rfc3339(until)])],
            actor: allowance.actor)
        return .answer(id: context.request.id) { $0.export = Self.exportView(approved, at: context.now) }
    }

    func rejectExport(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let export = try catalog.export(try Self.exportNumber(arguments, of: "export reject"))
        let reason = try Self.required(arguments.reason, "reason", of: "export reject")
        let allowance = try context.authorize(.decideExport, .export(requestedBy: export.requestedBy))
        let rejected = try catalog.takeExportStep(
            export.id, .rejection(reason: reason), by: context.principal.key, at: context.now,
            events: [allowance.event(.exportRejected, ["export": "\(export.id)"])], actor: allowance.actor)
        return .answer(id: context.request.id) { $0.export = Self.exportView(rejected, at: context.now) }
    }

    func listExports(_ context: OperationContext) throws -> ControlResponse {
        let allowance = try context.authorize(.listExports)
        let exports = try catalog.exports().filter { export in
            context.principal.has(.administrator) || context.principal.has(.auditor) || export.requestedBy == context.principal.key
        }
        try allowance.record(.exportsViewed, ["results": "\(exports.count)"])
        return .answer(id: context.request.id) { $0.exports = exports.map { Self.exportView($0, at: context.now) } }
    }

    /// Opens an approved export, once: the payload files the bag must hold, one content view per
    /// item, each item's detail and audit trail with its chain hashes up to the excerpt's end, and the
    /// chain's entry there.
    func openExport(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let export = try catalog.export(try Self.exportNumber(arguments, of: "export open"))
        _ = try requireContent()
        let allowance = try context.authorize(.writeExport, .export(requestedBy: export.requestedBy))
        // Each item decided now, as `show` would: the approval is not a ticket (DESIGN §15).
        for id in export.items { try authorizeExportItem(id, of: export.id, context) }
        let payload = try exportPayload(export)
        let head = try catalog.auditHead()
        let opened = try catalog.takeExportStep(
            export.id, .opening(expectedManifestSHA256: BagPlan.manifestSHA256(payload)), by: context.principal.key,
            at: context.now,
            events: [
                allowance.event(
                    .exportOpened, ["export": "\(export.id)", "chain_head_seq": head.map { "\($0.sequence)" } ?? "0"])
            ], actor: allowance.actor)
        var view = Self.exportView(opened, at: context.now)
        // Each item's excerpt ends where the chain stood when this opening was recorded, so the
        // custodian can tell a complete excerpt from one with lines dropped.
        let excerpt = opened.excerptSeq ?? 0
        var contentViews: [ContentView] = []
        var details: [ItemDetailView] = []
        for id in opened.items {
            let record = try catalog.item(matching: id.description)
            try requireNotTrashed(record.id)
            let open = try views.open(
                record, uid: context.principal.caller.uid, principal: context.principal.key, mode: "export",
                export: export.id, at: context.now)
            try allowance.record(.viewStarted, item: record.id, ["view": open.number, "mode": "export", "export": "\(export.id)"])
            contentViews.append(Self.contentView(open))
            details.append(
                ItemDetailView(
                    item: ItemView(record), metadata: try catalog.mediaMetadata(for: record.id),
                    audit: try catalog.auditEntries(for: record.id).filter { $0.sequence <= excerpt }
                        .map(AuditEntryView.init)))
        }
        view.views = contentViews
        view.details = details
        view.payload = payload
        view.chainHead = try catalog.auditEntry(excerpt).map(AuditEntryView.init)
        return .answer(id: context.request.id) { $0.export = view }
    }

    /// Records that the bag was written, with the SHA-256 of its `manifest-sha256.txt`, which must be
    /// the one the daemon expected when it opened the export; ends the export's views.
    /// - Throws: `ControlError.badRequest` for any other manifest: nothing is recorded as written and
    ///   the refusal is audited (`request.failed`, with the manifest sent).
    func finishExport(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let export = try catalog.export(try Self.exportNumber(arguments, of: "export finish"))
        let manifest = try Self.required(arguments.manifest, "manifest", of: "export finish").lowercased()
        guard manifest.count == 64, manifest.allSatisfy(\.isHexDigit) else {
            throw ControlError(code: .badRequest, message: "--manifest must be the 64 hex digits of a SHA-256")
        }
        let allowance = try context.authorize(.writeExport, .export(requestedBy: export.requestedBy))
        guard let expected = export.expectedManifestSHA256 else {
            throw ControlError(
                code: .badRequest, message: "export \(export.id) is not opened; `custody export write` opens it first")
        }
        guard manifest == expected else {
            throw ControlError(
                code: .badRequest,
                message: "export \(export.id): the bag's manifest-sha256.txt hashes to \(manifest), not the \(expected) "
                    + "custodyd decided; the bag is not recorded as written (write it with `custody export write`)")
        }
        let ended = views.close(export: export.id)
        let written = try catalog.takeExportStep(
            export.id, .writing(manifestSHA256: manifest), by: context.principal.key, at: context.now,
            events: [
                allowance.event(
                    .exportWritten,
                    [
                        "export": "\(export.id)", "manifest_sha256": manifest, "items": "\(export.items.count)",
                        "bytes": "\(ended.reduce(0) { $0 + $1.bytes })",
                    ])
            ], actor: allowance.actor)
        for view in ended { try audit(ended: view, outcome: "closed", error: nil, context) }
        return .answer(id: context.request.id) { $0.export = Self.exportView(written, at: context.now) }
    }

    static func exportNumber(_ arguments: ControlArguments, of request: String) throws -> Int64 {
        guard let number = arguments.export, number > 0 else {
            throw ControlError(code: .badRequest, message: "\(request) needs the export's number (see `custody export list`)")
        }
        return number
    }

    static func exportView(_ export: ExportRecord, at now: Date) -> ExportView {
        var view = ExportView(
            id: export.id, items: export.items.map(\.description), recipient: export.recipient, purpose: export.purpose,
            state: export.state(at: now), requestedBy: export.requestedBy, requestedAt: Timestamps.rfc3339(export.requestedAt))
        view.approvedBy = export.approvedBy
        view.approvedAt = export.approvedAt.map(Timestamps.rfc3339)
        view.validUntil = export.validUntil.map(Timestamps.rfc3339)
        view.rejectedBy = export.rejectedBy
        view.rejectReason = export.rejectReason
        view.writtenBy = export.writtenAt == nil ? nil : export.openedBy
        view.writtenAt = export.writtenAt.map(Timestamps.rfc3339)
        view.manifestSHA256 = export.manifestSHA256
        view.expectedManifestSHA256 = export.expectedManifestSHA256
        view.excerptSeq = export.excerptSeq
        return view
    }
}

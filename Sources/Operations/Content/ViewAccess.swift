import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// Access decided at every chunk a view serves (DESIGN §15): the decision that opened a view is not a
/// ticket. Before each `view.read` the `AccessPolicy` is asked again, for the principal resolved for
/// that read, about the item as the catalog has it at that instant.
///
/// Per read rather than every few seconds: a read is at most `largestRead` (4 MiB), and the check is a
/// few indexed catalog lookups beside the decryption of that much (see docs/playback-and-export.md for
/// what it costs), so there is no window to reason about in which a revoked reader still gets bytes.
extension Operations {
    /// Why a view may no longer serve: what the audit log records, and what the caller is told.
    struct AccessEnd: Error {
        /// The policy's reason (or the trash's), for `view.ended`'s `reason`.
        var reason: String
        /// The same for the caller, naming no owner or unit they may no longer see.
        var message: String
    }

    /// The item of `view` as the catalog has it now, if `principal` may still be served it; else why not.
    ///
    /// `principal` must be resolved at this instant: `OperationContext` resolves it for every request,
    /// with the resolver and the operations' clock, so a grant past its `until`, a revoked grant or a
    /// person who left is already absent from it. This asks, in order: is the item in the trash; for an
    /// export's view, may the principal still write that export (`.writeExport`); may they still see the
    /// item (`.viewContent` on its current resource, so a move into a restricted category counts).
    /// Nothing is audited here: the caller ends the view and audits that, once.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    func currentRecord(of view: ContentViews.View, for principal: Principal) throws -> Result<ItemRecord, AccessEnd> {
        let id = view.record.id
        if try catalog.isTrashed(id) {
            let reason = "item \(id) was moved to the trash"
            return .failure(
                AccessEnd(
                    reason: reason,
                    message:
                        "\(reason) (an administrator may `custody deletion restore` it during the grace period); the view has ended"
                ))
        }
        if let number = view.export {
            let export = try catalog.export(number)
            if let denial = AccessPolicy.decide(principal, .writeExport, .export(requestedBy: export.requestedBy)).denial {
                return .failure(
                    AccessEnd(
                        reason: denial.reason,
                        message: "export \(number) may no longer be written by \(principal.key): \(denial.message)"))
            }
        }
        let record = try catalog.item(matching: id.description)
        let resource = try resource(record)
        if let denial = AccessPolicy.decide(principal, .viewContent, resource).denial {
            return .failure(
                AccessEnd(reason: denial.reason, message: Self.endedMessage(id, for: principal, resource, denial.message)))
        }
        return .success(record)
    }

    /// What the caller is told: the policy's reason, except where it would name the item's officer and
    /// unit to someone no longer allowed to see them.
    private static func endedMessage(
        _ id: EvidenceID, for principal: Principal, _ resource: OperationResource, _ reason: String
    ) -> String {
        let why: String
        if case .item = resource, principal.unregisteredReason == nil, !principal.roles.isEmpty {
            why =
                "no role \(principal.key) holds now covers it (the grant that covered it expired or was revoked); `custody whoami` shows the roles in force"
        } else {
            why = reason
        }
        return "access to item \(id) ended: \(why); the view has ended"
    }
}

extension Operations {
    /// Refuses to open export `export` unless its writer may see item `id` now, as `show` would decide
    /// (`.viewContent` on the item's current resource), and the item is out of the trash. A refusal
    /// names the item, never its officer or unit; the policy's full reason is in `access.denied`.
    /// - Throws: `ControlError` `forbidden` naming the item; `badRequest` for a trashed one.
    func authorizeExportItem(_ id: EvidenceID, of export: Int64, _ context: OperationContext) throws {
        let record = try catalog.item(matching: id.description)
        let resource = try resource(record)
        do {
            _ = try context.authorize(.viewContent, resource, item: record.id)
        } catch let refusal as ControlError where refusal.code == .forbidden {
            var why = "it is no longer an item \(context.principal.key) may see"
            if case .restrictedItem = resource { why = refusal.message }
            throw ControlError(
                code: .forbidden,
                message:
                    "export \(export) cannot be opened: item \(record.id) is refused (\(why)); ask for a new export without it"
            )
        }
        try requireNotTrashed(record.id)
    }
}

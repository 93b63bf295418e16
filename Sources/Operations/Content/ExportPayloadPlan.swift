import Catalog
import ControlProtocol
import CustodyCore
import ExportBag
import Foundation

extension Operations {
    /// The payload files export `export`'s bag must hold (DESIGN §15), each with the SHA-256 of its
    /// item's `item.stored` audit entry: the daemon decides the bag, so a writer that writes anything
    /// else cannot have it recorded.
    /// - Throws: `ControlError.internal` when an item's `item.stored` entry is missing or disagrees
    ///   with the catalog (the chain and the catalog need `custodyd audit verify` first).
    func exportPayload(_ export: ExportRecord) throws -> [ExportPayloadFile] {
        var items: [BagPlan.Item] = []
        for id in export.items {
            let record = try catalog.item(matching: id.description)
            let stored = try catalog.auditEntries(for: record.id).first { $0.action == AuditAction.itemStored.rawValue }
            let facts = stored.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.detail.utf8)) }
            guard let sha256 = facts?["sha256"], sha256 == record.sha256.hex else {
                throw ControlError(
                    code: .internal,
                    message: "item \(record.id)'s item.stored audit entry does not record the catalog's SHA-256; "
                        + "run `custodyd audit verify` before exporting it")
            }
            let name =
                record.source.path.displayString.split(separator: "/").last.map(String.init) ?? record.id.description
            items.append(BagPlan.Item(id: record.id.description, name: name, sha256: sha256, size: record.size))
        }
        return BagPlan.payload(for: items)
    }
}

import Catalog
import Devices
import Foundation
import Logging

/// The configuration's `[devices.registry."SERIAL"]` tables, imported into the catalog's device
/// registry at start (DESIGN §11): the catalog is where devices live now, with their history; the
/// configuration only seeds it. A serial already registered is left as the registry has it.
enum RegistryImport {
    /// Adds each configured device the registry does not know, assigned to its officer when that
    /// officer is a registered active person. Audited per device.
    static func importConfigured(
        _ registry: [String: RegisteredDevice], into catalog: EvidenceCatalog, logger: Logger, at date: Date = Date()
    ) throws {
        for (serial, entry) in registry.sorted(by: { $0.key < $1.key }) {
            guard try catalog.registeredDevice(serial) == nil else { continue }
            var detail = ["serial": serial, "source": "custodyd.toml [devices.registry]"]
            detail["officer"] = entry.officerID
            let officer = entry.officerID.flatMap { try? catalog.person($0) }
            if entry.officerID != nil && (officer == nil || officer?.isActive == false) {
                detail["assignment"] = "skipped: \(entry.officerID ?? "") is not an active registered person"
                logger.warning(
                    "configured device's officer is not registered; the device is imported unassigned",
                    metadata: ["device.serial": "\(serial)", "officer.id": "\(entry.officerID ?? "")"])
            }
            try catalog.addDevice(
                serial: serial, model: nil, family: "other", at: date,
                events: [AuditEvent(action: .deviceImported, detail: detail)], by: catalog.actor)
            if let officer, officer.isActive {
                try catalog.assignDevice(
                    serial, to: officer.id, at: date,
                    events: [AuditEvent(action: .deviceAssigned, detail: ["serial": serial, "person": officer.id])],
                    by: catalog.actor)
            }
        }
    }
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation

extension ItemView {
    /// The view of `record`.
    public init(_ record: ItemRecord) {
        self.init(
            id: record.id.description, state: record.lifecycle.state.rawValue, sha256: record.sha256.hex,
            ciphertextSHA256: record.ciphertextSHA256.hex, size: record.size, ciphertextSize: record.ciphertextSize,
            source: Source(record.source),
            ingestedAt: Timestamps.rfc3339(record.ingestedAt), verifiedAt: record.verifiedAt.map(Timestamps.rfc3339),
            media: record.media.map { summary in
                Media(
                    kind: summary.kind.rawValue, recordedAt: summary.recordedAt.map(Timestamps.rfc3339),
                    recordedAtSource: summary.recordedAtSource,
                    durationSeconds: summary.durationMilliseconds.map { Double($0) / 1000 }, officer: summary.officerID,
                    hasLocation: summary.hasLocation, damaged: summary.damage, unreadable: summary.unreadable)
            },
            attribution: Self.attribution(record))
        flags = (record.media?.flags ?? []) + (record.attribution?.flags.isEmpty == false ? ["attribution"] : [])
        if !record.sightings.isEmpty {
            seen = record.sightings.map {
                Sighting(
                    at: Timestamps.rfc3339($0.seenAt), source: Source($0.source), session: $0.dockSession?.description)
            }
        }
        dock = record.dock.map {
            Dock(
                session: $0.sessionID.description, clockOffsetSeconds: $0.clockOffset?.seconds,
                clockOffsetMethod: $0.clockOffset?.method.rawValue)
        }
        let lifecycle = record.lifecycle
        shredAfter = lifecycle.shredAfter.map(Timestamps.rfc3339)
        shreddedAt = lifecycle.shreddedAt.map(Timestamps.rfc3339)
        retentionCategory = record.review.category
        fixityFailedAt = record.review.fixityFailedAt.map(Timestamps.rfc3339)
        // A tombstone is pending no review and due for nothing: it is deleted.
        guard lifecycle.state != .shredded else { return }
        reviewState = record.review.state
        dueAt = record.review.dueAt.map(Timestamps.rfc3339)
    }

    private static func attribution(_ record: ItemRecord) -> Attribution? {
        guard record.media != nil || record.dock != nil else { return nil }
        return Attribution(
            officer: record.media?.officerID, source: record.attribution?.source?.rawValue,
            unit: record.attribution?.unitID, identityOfficer: record.dock?.identityOfficer,
            dockedAt: record.dock?.dockedAt.map(Timestamps.rfc3339),
            fileNameDevice: record.attribution?.fileNameDevice, flags: record.attribution?.flags ?? [])
    }
}

extension AuditEntryView {
    /// The view of a stored audit entry.
    public init(_ entry: AuditEntry) {
        self.init(
            seq: entry.sequence, at: Timestamps.rfc3339(entry.at), actor: entry.actor, action: entry.action,
            detail: entry.detail, item: entry.itemID, atMilliseconds: entry.at.catalogMilliseconds,
            prevHash: Hex.encode(entry.previousHash), hash: Hex.encode(entry.hash))
    }
}

extension PersonView {
    /// The view of a person record.
    init(_ person: PersonRecord, grants: [GrantView]? = nil, devices: [String]? = nil) {
        self.init(
            id: person.id, name: person.name, unit: person.unitID, account: person.account, status: person.status,
            leftAt: person.leftAt.map(Timestamps.rfc3339), leftReason: person.leftReason, grants: grants,
            devices: devices)
    }
}

extension UnitView {
    init(_ unit: UnitRecord) {
        self.init(id: unit.id, name: unit.name, parent: unit.parentID, head: unit.head)
    }
}

extension GrantView {
    /// The view of a grant as it stands at `now`.
    init(_ grant: GrantRecord, at now: Date) {
        self.init(
            id: grant.id, person: grant.personID, role: grant.role.rawValue, scope: grant.scopeUnitID,
            reason: grant.reason, validFrom: Timestamps.rfc3339(grant.validFrom),
            validUntil: Timestamps.rfc3339(grant.validUntil), state: grant.state(at: now).rawValue,
            requestedBy: grant.requestedBy, requestedAt: Timestamps.rfc3339(grant.requestedAt))
        firstApprovedBy = grant.firstApprovedBy
        firstApprovedAt = grant.firstApprovedAt.map(Timestamps.rfc3339)
        secondApprovedBy = grant.secondApprovedBy
        secondApprovedAt = grant.secondApprovedAt.map(Timestamps.rfc3339)
        rejectedBy = grant.rejectedBy
        rejectReason = grant.rejectReason
        revokedBy = grant.revokedBy
        revokedAt = grant.revokedAt.map(Timestamps.rfc3339)
        revokeReason = grant.revokeReason
        lastUsedAt = grant.lastUsedAt.map(Timestamps.rfc3339)
    }
}

extension DeviceView {
    init(
        _ device: DeviceRecord, holder: String?, assignments: [AssignmentRecord]? = nil,
        maintenance: [MaintenanceRecord]? = nil
    ) {
        self.init(
            serial: device.serial, model: device.model, family: device.family, status: device.status, holder: holder,
            retiredAt: device.retiredAt.map(Timestamps.rfc3339), retireReason: device.retireReason,
            assignments: assignments?.map {
                Assignment(
                    person: $0.personID, from: Timestamps.rfc3339($0.from), until: $0.until.map(Timestamps.rfc3339),
                    assignedBy: $0.assignedBy)
            },
            maintenance: maintenance?.map {
                Maintenance(at: Timestamps.rfc3339($0.at), what: $0.what, result: $0.result, by: $0.recordedBy)
            })
    }
}

extension ItemView.Source {
    /// The view of where an item, or a sighting of it, came from.
    init(_ source: SourceReference) {
        self.init(
            device: source.deviceID, root: source.root, path: source.path.displayString,
            pathHex: Hex.encode(source.path.bytes), size: source.size,
            modified: Timestamps.rfc3339(nanoseconds: source.modificationTimeNanoseconds),
            modifiedRaw: source.modificationTimeRaw, modifiedZone: source.modificationTimeZone)
    }
}

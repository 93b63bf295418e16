import Catalog
import ControlProtocol
import CustodyCore
import Foundation

extension ItemView {
    /// The view of `record`.
    public init(_ record: ItemRecord) {
        self.init(
            id: record.id.description, state: record.state.rawValue, sha256: record.sha256.hex,
            ciphertextSHA256: record.ciphertextSHA256.hex, size: record.size, ciphertextSize: record.ciphertextSize,
            source: Source(record.source),
            ingestedAt: Timestamps.rfc3339(record.ingestedAt), verifiedAt: record.verifiedAt.map(Timestamps.rfc3339),
            media: record.media.map { summary in
                Media(
                    kind: summary.kind.rawValue, recordedAt: summary.recordedAt.map(Timestamps.rfc3339),
                    recordedAtSource: summary.recordedAtSource,
                    durationSeconds: summary.durationMilliseconds.map { Double($0) / 1000 }, officer: summary.officerID,
                    hasLocation: summary.hasLocation, damaged: summary.damage)
            })
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
    }
}

extension AuditEntryView {
    /// The view of a stored audit entry.
    public init(_ entry: AuditEntry) {
        self.init(
            seq: entry.sequence, at: Timestamps.rfc3339(entry.at), actor: entry.actor, action: entry.action,
            detail: entry.detail)
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

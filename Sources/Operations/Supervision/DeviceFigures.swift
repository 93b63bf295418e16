import Catalog
import ControlProtocol
import Foundation

extension SupervisionFigures {
    /// An in-service device not docked for this many days is listed.
    static let idleDays = 7
    /// GA/T 947: a recorder's clock may drift 3 s a day; a reading is allowed one more second (as the
    /// dock judges it, `ClockCheck`).
    static let driftPerDay = 3.0

    /// The devices section over `[from, to)`, judged at `now`.
    static func devices(_ facts: SupervisionDeviceFacts, from: Date, to: Date, now: Date)
        -> SupervisionReportView.Devices
    {
        let day: TimeInterval = 86_400
        let idle = facts.devices
            .filter { $0.status == "in_service" }
            .filter { device in device.lastDockedAt.map { now.timeIntervalSince($0) >= Double(idleDays) * day } ?? true
            }
            .sorted { ($0.lastDockedAt ?? .distantPast, $0.serial) < ($1.lastDockedAt ?? .distantPast, $1.serial) }
            .map { device in
                SupervisionReportView.Devices.Idle(
                    serial: device.serial, lastDockedAt: device.lastDockedAt.map(Timestamps.rfc3339),
                    days: device.lastDockedAt.map { now.timeIntervalSince($0) / day })
            }
        let inPeriod = { (date: Date?) in date.map { $0 >= from && $0 < to } ?? false }
        let drift = facts.docks.filter { inPeriod($0.startedAt) }.compactMap {
            dock -> SupervisionReportView.Devices.Drift? in
            guard let serial = dock.serial, let startedAt = dock.startedAt, let offset = dock.offsetSeconds else {
                return nil
            }
            // Whole days since the last set, at least one (one when it was never set), as the dock counts them.
            let days = max(1, (dock.lastSetAt.map { max(0, startedAt.timeIntervalSince($0)) / day } ?? 1).rounded(.up))
            guard abs(offset) > driftPerDay * days + 1 else { return nil }
            return .init(
                serial: serial, session: dock.session, dockedAt: Timestamps.rfc3339(startedAt), offsetSeconds: offset,
                days: days, secondsPerDay: abs(offset) / days)
        }
        .sorted { ($1.secondsPerDay, $0.session) < ($0.secondsPerDay, $1.session) }
        let ended = facts.docks.filter { inPeriod($0.finishedAt) }
        let failed = ended.filter { $0.outcome == "failed" }
        let partial = ended.filter { dock in
            dock.outcome == "undocked" || dock.outcome == "interrupted"
                || (dock.outcome == "done" && (dock.failed ?? 0) > 0)
        }
        let sessions = (failed + partial).sorted {
            ($1.finishedAt ?? .distantPast, $1.session) < ($0.finishedAt ?? .distantPast, $0.session)
        }
        return .init(
            idleDays: idleDays, notDocked: idle, clockDrift: drift,
            inMaintenance: facts.devices.filter { $0.status == "in_maintenance" }.map(\.serial).sorted(),
            failedSessions: failed.count, partialSessions: partial.count,
            sessions: sessions.prefix(100).map { dock in
                .init(
                    session: dock.session, serial: dock.serial, bay: dock.bay,
                    finishedAt: dock.finishedAt.map(Timestamps.rfc3339) ?? "", outcome: dock.outcome ?? "",
                    verified: dock.verified, failed: dock.failed)
            })
    }
}

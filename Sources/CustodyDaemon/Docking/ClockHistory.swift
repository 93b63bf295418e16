import Catalog
import CustodyCore
import Devices
import Foundation

/// A device's clock history in the catalog: when a dock last set it, so drift is judged against the
/// days since then (3 s per day, GA/T 947) instead of assuming one day.
///
/// `DockPreparation` measures before it knows whose history to look up (the serial comes from the same
/// exchange), so the allowance is recomputed here from the same reading once the identity is known.
struct ClockHistory {
    let catalog: EvidenceCatalog

    /// `prepared` with its clock check and drift flag judged against the device's last recorded set.
    /// - Throws: `CatalogError` when the history cannot be read.
    func reassess(_ prepared: PreparedDevice, utcOffsetSeconds: Int) throws -> PreparedDevice {
        guard let clock = prepared.clock else { return prepared }
        let lastSet = try catalog.lastClockSet(device: prepared.identity.serial)
        let days = lastSet.map { (Double(clock.systemSeconds) - $0.timeIntervalSince1970) / 86_400 }
        let check = ClockCheck(
            deviceTime: clock.deviceTime, utcOffsetSeconds: utcOffsetSeconds, systemSeconds: clock.systemSeconds,
            daysSinceLastSet: days.map { max(0, $0) })
        var result = prepared
        result.clock = check
        // The drift flag DockPreparation wrote assumed one day; it is replaced by the one for the history.
        result.flags.removeAll { $0.hasPrefix(Self.driftFlagPrefix) }
        if check.exceedsTolerance {
            let since = lastSet.map { "since it was last set \(RFC3339.string($0))" } ?? "with no recorded set (one day assumed)"
            result.flags.append(
                "\(Self.driftFlagPrefix)\(check.offsetSeconds) s off \(since), more than the \(check.allowedSeconds) s GA/T 947 allows"
            )
        }
        return result
    }

    /// Records that the session set the clock of a device whose family has a clock to set, unless
    /// preparation reported that setting it failed.
    /// - Throws: `CatalogError` when the catalog cannot be written.
    func recordSet(_ prepared: PreparedDevice, session: EvidenceID, at: Date) throws {
        guard !prepared.flags.contains(where: { $0.hasPrefix(Self.notSetFlagPrefix) }) else { return }
        try catalog.recordClockSet(device: prepared.identity.serial, at: at, session: session)
    }

    /// How DockPreparation's flags begin (Sources/Devices/DockPreparation.swift).
    static let driftFlagPrefix = "device clock was "
    static let notSetFlagPrefix = "device clock could not be set"
}

extension DeviceFamily {
    /// Whether docking reads and sets the device's clock (recorders with a vendor protocol).
    var setsClock: Bool { self == .ambarella || self == .jieli || self == .hengan }
}

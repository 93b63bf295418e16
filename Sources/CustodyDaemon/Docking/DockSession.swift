import CameraVolumes
import Catalog
import ControlProtocol
import CustodyCore
import Devices
import Foundation
import Ingest
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// One docked device, from arrival to release (DESIGN §1, §2): identify → clock check and set →
/// unlock → open the volume read-only → ingest every media file (hash, encrypt, store, read back,
/// verify, probe) → wipe, if the profile says so, only after every file of the session verified.
///
/// Runs on a thread of its own; blocking device and disk I/O stays off the cooperative pool. Nothing
/// here needs to survive a crash: every item's state is in the catalog, so a session that restarts
/// (after a crash, a SIGKILL, a pulled cable, a re-dock) hashes what is already verified as a
/// duplicate, ingests the rest, and wipes only what verified.
final class DockSession: Sendable {
    /// How a session ended.
    enum Outcome: Sendable, Equatable {
        case done
        case failed(String)
        case undocked
        case stopped
    }

    let bay: String
    private let event: USBEvent
    private let profile: DeviceProfile
    private let profiles: DeviceProfiles
    private let context: IngestContext
    private let usb: LibUSBContext
    private let credentialsDirectory: String?
    private let blockDeviceTimeoutMilliseconds: Int32
    private let stop: StopSignal
    /// Raised by the monitor when the device leaves the bus.
    let departed = StopSignal()
    /// How transient device-layer failures are retried before the bay is marked failed.
    private let retry: TransientRetry
    /// When the monitor saw the device arrive (before any wait for a free session): a clock file is
    /// measured against it.
    private let dockedAt = Date()
    private let logger: Logger

    init(
        event: USBEvent, profile: DeviceProfile, profiles: DeviceProfiles, context: IngestContext,
        usb: LibUSBContext, credentialsDirectory: String?, blockDeviceTimeoutMilliseconds: Int32, stop: StopSignal
    ) {
        bay = "usb:\(event.device.portPath)"
        self.event = event
        self.profile = profile
        self.profiles = profiles
        self.context = context
        self.usb = usb
        self.credentialsDirectory = credentialsDirectory
        self.blockDeviceTimeoutMilliseconds = blockDeviceTimeoutMilliseconds
        self.stop = stop
        retry = TransientRetry(wait: TransientRetry.waiting(until: stop))
        var logger = context.logger
        logger[metadataKey: "bay"] = "\(bay)"
        logger[metadataKey: "usb.id"] = "\(event.device.id)"
        self.logger = logger
    }

    private var board: BayBoard { context.board }

    /// Runs the session to its end; never throws: the outcome is on the board and in the audit log.
    func run() -> Outcome {
        let session = EvidenceID()
        let sessionID = session.description
        board.update(bay, kind: .device) { status in
            status = BayStatus(id: bay, kind: .device, phase: .preparing)
            status.sessionID = sessionID
            status.profile = profile.name
            status.device = event.serial
            status.startedAt = Timestamps.rfc3339(Date())
        }
        let outcome: Outcome
        var summary: ImportSummary?
        do {
            let result = try ingest(session: session)
            summary = result
            outcome = result.failures.isEmpty ? .done : .failed(Self.failureLine(result))
        } catch {
            if departed.isRaised || Self.isDisconnect(error) {
                outcome = .undocked
            } else if stop.isRaised || (error as? IngestError)?.code == .stopped {
                outcome = .stopped
            } else {
                outcome = .failed("\(error)")
            }
        }
        finish(sessionID: sessionID, outcome: outcome, summary: summary)
        return outcome
    }

    private func ingest(session: EvidenceID) throws -> ImportSummary {
        let sessionID = session.description
        let history = ClockHistory(catalog: context.catalog)
        let prepared = try history.reassess(
            try prepare(checkingAgainst: try registeredProfiles(at: dockedAt)),
            utcOffsetSeconds: profile.clockUTCOffsetSeconds)
        if profile.family.setsClock { try history.recordSet(prepared, session: session, at: Date()) }
        let serial = prepared.identity.serial
        var detail: [String: String] = [
            "session": sessionID, "bay": bay, "usb_id": event.device.id.description, "profile": profile.name,
            "device": serial,
        ]
        detail["officer"] = prepared.identity.officerID
        detail["unit"] = prepared.identity.unitNumber
        if let clock = prepared.clock { detail["clock_offset_seconds"] = "\(clock.offsetSeconds)" }
        if !prepared.flags.isEmpty { detail["flags"] = prepared.flags.joined(separator: "; ") }
        try context.catalog.audit([AuditEvent(action: .dockStarted, detail: detail)])
        board.update(bay, kind: .device) { status in
            status.phase = .opening
            status.device = serial
            status.officer = prepared.identity.officerID
            status.flags = prepared.flags
        }
        let zone = TimeZone(secondsFromGMT: profile.clockUTCOffsetSeconds) ?? .gmt
        let opened = try openVolume(prepared, zone: zone)
        var offset = prepared.clock.map { ClockOffset(seconds: Double($0.offsetSeconds), method: .deviceProtocol) }
        if offset == nil, profile.family == .massStorage, let clockFile = profile.clockFile {
            offset = try ClockFile.offset(on: opened, path: clockFile, dockedAt: dockedAt)
            logger.info(
                offset == nil ? "no clock file on the volume" : "clock offset read from the clock file",
                metadata: ["clock.file": "\(clockFile)", "clock.offset_seconds": "\(offset?.seconds ?? 0)"])
        }
        let volume = FilteredVolume.mediaFolders(opened, profile.mediaFolders)
        let progress = BayProgress(board: board, bay: bay, kind: .device, metrics: context.metrics)
        let (files, bytes) = try progress.start(counting: volume)
        logger.info(
            "ingesting",
            metadata: ["bay": "\(bay)", "device.serial": "\(serial)", "files": "\(files)", "bytes": "\(bytes)"])
        let stop = self.stop
        let departed = self.departed
        let wipe = profile.wipeAfterVerify
        var sessionLogger = logger
        sessionLogger[metadataKey: "device.serial"] = "\(serial)"
        let summary = try context.importer(assumedZone: zone, logger: sessionLogger).importVolume(
            volume, deviceID: serial, wipe: wipe, events: { progress.record($0) },
            shouldStop: { stop.isRaised || departed.isRaised },
            dock: DockFacts(
                sessionID: session, clockOffset: offset, dockedAt: dockedAt, identityOfficer: prepared.identity.officerID))
        progress.allRead()
        return summary
    }

    /// The profiles with the catalog's device registry as it stands at `date`: who holds each device.
    private func registeredProfiles(at date: Date) throws -> DeviceProfiles {
        var registry: [String: RegisteredDevice] = [:]
        for (serial, holder) in try context.catalog.deviceHolders(at: date) {
            registry[serial] = RegisteredDevice(officerID: holder)
        }
        return DeviceProfiles(profiles: profiles.profiles, registry: registry)
    }

    /// Identifies, checks the clock of and unlocks the device its family needs it for.
    private func prepare(checkingAgainst profiles: DeviceProfiles) throws -> PreparedDevice {
        switch profile.family {
        case .massStorage:
            let serial = event.serial ?? "usb-\(event.device.id)-\(event.device.portPath)"
            let check = profiles.check(DeviceIdentity(serial: serial))
            return PreparedDevice(
                identity: DeviceIdentity(serial: serial), identityCheck: check,
                clock: nil,
                flags: [
                    profile.clockFile.map { "a mass-storage device: its clock is measured from \($0) on its card, never set" }
                        ?? "a mass-storage device: its clock was neither read nor set"
                ] + check.flags(serial),
                handover: .massStorage(volumeLabel: nil))
        case .mtp:
            let serial = event.serial ?? "usb-\(event.device.id)-\(event.device.portPath)"
            let check = profiles.check(DeviceIdentity(serial: serial))
            return PreparedDevice(
                identity: DeviceIdentity(serial: serial), identityCheck: check, clock: nil, flags: check.flags(serial),
                handover: .mtp)
        case .ambarella, .ambarellaA9, .hengan, .jieli:
            let password = try profile.readUnlockPassword(credentialsDirectory: credentialsDirectory ?? "") ?? ""
            let serial = event.serial ?? "usb-\(event.device.id)-\(event.device.portPath)"
            let driver: (any RecorderDriver)? =
                profile.family.speaksSCSI
                ? try JieLiLUN.openDriver(
                    under: event.device.portPath, profile: profile, password: password,
                    timeoutMilliseconds: blockDeviceTimeoutMilliseconds)
                : profile.makeDriver(
                    transport: try retrying { try LibUSBDevice(context: usb, at: event.device) }, password: password,
                    fallbackSerial: serial)
            guard let driver else {
                throw DeviceError(code: .unsupported, message: "profile \(profile.name) has no driver")
            }
            return try DockPreparation.prepare(
                driver, profile: profile, profiles: profiles, password: password, daysSinceLastSet: nil,
                now: { Int64(time(nil)) })
        }
    }

    /// Opens the device's storage: the disk that appears under it, or its MTP responder.
    private func openVolume(_ prepared: PreparedDevice, zone: TimeZone) throws -> any CameraVolume {
        switch prepared.handover {
        case .massStorage(let label):
            // A SCSI-speaking recorder's own LUN is there before unlock; its evidence is the volume after.
            let scsi = profile.family.speaksSCSI
            let found = try retrying {
                try BlockDeviceResolver(udev: try UDevContext()).waitForBlockDevices(
                    under: event.device.portPath, timeoutMilliseconds: blockDeviceTimeoutMilliseconds
                ) { !scsi || $0.filesystem != nil }
            }
            guard let chosen = BlockPartition.evidenceVolume(among: found, label: label) else {
                throw DeviceError(
                    code: .unsupported,
                    message:
                        "no FAT or exFAT volume under USB device \(event.device.portPath) (found \(found.map { "\($0.devnode) \($0.filesystem ?? "?")" }.joined(separator: ", "))); Custody reads FAT12/16/32 and exFAT only"
                )
            }
            logger.info("volume found", metadata: ["devnode": "\(chosen.devnode)"])
            return try VolumeOpener.open(
                chosen.devnode, timeZone: zone,
                wipe: WipeOptions(journal: context.wipeJournal, overwrite: profile.wipeOverwrites))
        case .mtp:
            let session = PTPSession(transport: try LibUSBDevice(context: usb, at: event.device))
            try session.open()
            let info = try session.deviceInfo()
            return MTPVolume(
                session: session, serial: info.serialNumber, utcOffsetSeconds: profile.clockUTCOffsetSeconds)
        }
    }

    private func finish(sessionID: String, outcome: Outcome, summary: ImportSummary?) {
        let phase: BayStatus.Phase
        var error: String?
        switch outcome {
        case .done: phase = .done
        case .failed(let message):
            phase = .failed
            error = message
        case .undocked: phase = .undocked
        case .stopped: phase = .interrupted
        }
        board.update(bay, kind: .device) { status in
            status.phase = phase
            status.currentFile = nil
            status.etaSeconds = nil
            if let error { status.lastError = error }
            status.finishedAt = Timestamps.rfc3339(Date())
        }
        var detail = ["session": sessionID, "bay": bay, "outcome": "\(phase.rawValue)"]
        if let summary {
            detail["verified"] = "\(summary.verified)"
            detail["duplicates"] = "\(summary.duplicates)"
            detail["failed"] = "\(summary.failures.count)"
            detail["wiped"] = "\(summary.wiped)"
        }
        if let error { detail["error"] = error }
        do {
            try context.catalog.audit([AuditEvent(action: .dockFinished, detail: detail)])
        } catch {
            logger.error("could not audit the end of a dock session", metadata: ["error": "\(error)"])
        }
        switch outcome {
        case .done: logger.notice("dock session done", metadata: ["session": "\(sessionID)"])
        case .failed(let message): logger.error("dock session failed", metadata: ["error": "\(message)"])
        case .undocked: logger.warning("device left before its session finished; it resumes when docked again")
        case .stopped: logger.notice("dock session stopped; it resumes at the next start or dock")
        }
    }

    /// Runs a device-layer step, retrying transient failures with backoff (shown on the bay, logged).
    private func retrying<T>(_ step: () throws -> T) throws -> T {
        try retry.run(
            { attempt, delay, error in
                board.update(bay, kind: .device) { $0.retries = ($0.retries ?? 0) + 1 }
                logger.warning(
                    "transient device failure; retrying",
                    metadata: ["attempt": "\(attempt)", "delay": "\(delay)", "error": "\(error)"])
            }, step)
    }

    private static func failureLine(_ summary: ImportSummary) -> String {
        let first = summary.failures.first.map { "\($0.path): \($0.reason)" } ?? ""
        return
            "\(summary.failures.count) files were not ingested and stay on the device (first: \(first)); they are retried at the next dock"
    }

    private static func isDisconnect(_ error: any Error) -> Bool {
        if let error = error as? DeviceError { return error.code == .disconnected }
        if let error = error as? IngestError { return error.code == .sourceUnavailable }
        return false
    }
}

import ControlProtocol
import Devices
import Logging
import ServiceLifecycle
import Synchronization

/// Watches USB for docked devices and runs one `DockSession` per device that a profile matches, each
/// on its own thread, at most `maxSessions` at once; the others wait in docking order (`SessionGate`).
///
/// On a graceful shutdown it takes no new device, asks every session to stop at a clean point (the
/// file being read is discarded, sealed files are committed and verified, nothing is wiped), and
/// returns when all have stopped.
struct DeviceMonitor: Service {
    let configuration: DaemonConfiguration.Devices
    let credentialsDirectory: String?
    let context: IngestContext
    let logger: Logger

    func run() async throws {
        let usb = try LibUSBContext()
        let events = try USBHotplugEvents(context: usb)
        let stop = StopSignal()
        let sessions = RunningSessions()
        let board = context.board
        let gate = SessionGate(limit: configuration.maxSessions) { queued in
            for (index, bay) in queued.enumerated() {
                board.update(bay, kind: .device) { status in
                    status.phase = .queued
                    status.queuePosition = index + 1
                }
            }
        }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    do {
                        for try await event in events.cancelOnGracefulShutdown() {
                            guard let (bay, session) = handle(event, sessions: sessions, usb: usb, stop: stop) else {
                                continue
                            }
                            // The ticket is taken here, in event order, so the device docked first runs first.
                            var ticket = gate.enqueue(bay)
                            group.addTask {
                                var next: DockSession? = session
                                while let current = next {
                                    guard await gate.wait(ticket) else {
                                        board.update(bay, kind: .device) { status in
                                            status.phase = .interrupted
                                            status.queuePosition = nil
                                        }
                                        return
                                    }
                                    _ = await onOwnThread(name: "custody-dock") { current.run() }
                                    gate.leave()
                                    next = stop.isRaised ? nil : sessions.finish(bay)
                                    // A device re-docked meanwhile goes to the back of the line.
                                    if next != nil { ticket = gate.enqueue(bay) }
                                }
                            }
                        }
                    } catch {
                        logger.error("USB hotplug stopped", metadata: ["error": "\(error)"])
                    }
                    // No new devices from here: let the running sessions come to their clean stop.
                    stop.raise()
                    gate.close()
                }
            } onCancel: {
                stop.raise()
                gate.close()
            }
        } onGracefulShutdown: {
            stop.raise()
            gate.close()
        }
    }

    /// Acts on one hotplug event; returns the session to start now, with its bay, if there is one.
    private func handle(
        _ event: USBEvent, sessions: RunningSessions, usb: LibUSBContext, stop: StopSignal
    ) -> (String, DockSession)? {
        let bay = "usb:\(event.device.portPath)"
        logger.debug(
            "USB event", metadata: ["kind": "\(event.kind)", "bay": "\(bay)", "usb.id": "\(event.device.id)"])
        guard event.kind == .arrived else {
            // A device taken out after its session ended leaves the bay showing how that session ended.
            sessions.session(on: bay)?.departed.raise()
            return nil
        }
        guard
            let profile = configuration.profiles.profile(
                for: event.device.id, interfaceClasses: event.device.interfaceClasses)
        else {
            logger.info(
                "USB device with no profile left alone",
                metadata: [
                    "usb.id": "\(event.device.id)", "port": "\(event.device.portPath)",
                    "product": "\(event.product ?? "")",
                ])
            return nil
        }
        let session = DockSession(
            event: event, profile: profile, profiles: configuration.profiles, context: context, usb: usb,
            credentialsDirectory: credentialsDirectory,
            blockDeviceTimeoutMilliseconds: configuration.blockDeviceTimeoutMilliseconds, stop: stop)
        // A device re-docked while its previous session is still winding down (a pulled cable is
        // noticed at the next file): its session waits for that one and then runs, so each bay has at
        // most one session at a time.
        guard sessions.claim(bay, for: session) else {
            logger.info("re-docked; resumes when the previous session ends", metadata: ["bay": "\(bay)"])
            return nil
        }
        return (bay, session)
    }
}

/// The sessions running now, by bay — at most one per bay — and a session waiting for each.
private final class RunningSessions: Sendable {
    private struct Bay {
        var running: DockSession
        var waiting: DockSession?
    }

    private let bays = Mutex<[String: Bay]>([:])

    /// The session running on `bay`, or the one waiting there (the device as it is docked now).
    func session(on bay: String) -> DockSession? { bays.withLock { $0[bay].map { $0.waiting ?? $0.running } } }

    /// Records `session` on `bay`: true if it should run now; false if one runs there, in which case it
    /// is the next to run (replacing any that was already waiting: the device left and came back).
    func claim(_ bay: String, for session: DockSession) -> Bool {
        bays.withLock { bays in
            guard bays[bay] != nil else {
                bays[bay] = Bay(running: session)
                return true
            }
            bays[bay]?.waiting = session
            return false
        }
    }

    /// The running session of `bay` ended: returns the waiting one, now running, or nil (the bay is free).
    func finish(_ bay: String) -> DockSession? {
        bays.withLock { bays in
            guard let next = bays[bay]?.waiting else {
                bays[bay] = nil
                return nil
            }
            bays[bay] = Bay(running: next)
            return next
        }
    }
}

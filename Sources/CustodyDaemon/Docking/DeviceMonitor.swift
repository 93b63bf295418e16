import ControlProtocol
import Devices
import Logging
import ServiceLifecycle
import Synchronization

/// Watches USB for docked devices and runs one `DockSession` per device that a profile matches, each
/// on its own thread, as many at once as are docked.
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
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    for try await event in events.cancelOnGracefulShutdown() {
                        let bay = "usb:\(event.device.portPath)"
                        logger.debug(
                            "USB event",
                            metadata: ["kind": "\(event.kind)", "bay": "\(bay)", "usb.id": "\(event.device.id)"])
                        switch event.kind {
                        case .departed:
                            if let session = sessions.session(on: bay) {
                                session.departed.raise()
                            } else if context.board.bay(bay) != nil {
                                context.board.update(bay, kind: .device) { $0.phase = .undocked }
                            }
                        case .arrived:
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
                                continue
                            }
                            let session = DockSession(
                                event: event, profile: profile, profiles: configuration.profiles, context: context,
                                usb: usb, credentialsDirectory: credentialsDirectory,
                                blockDeviceTimeoutMilliseconds: configuration.blockDeviceTimeoutMilliseconds,
                                stop: stop)
                            guard sessions.claim(bay, for: session) else {
                                logger.warning(
                                    "a device arrived on a bay whose session still runs", metadata: ["bay": "\(bay)"])
                                continue
                            }
                            group.addTask {
                                _ = await onOwnThread(name: "custody-dock") { session.run() }
                                sessions.release(bay)
                            }
                        }
                    }
                } catch {
                    logger.error("USB hotplug stopped", metadata: ["error": "\(error)"])
                }
                // No new devices from here: let the running sessions come to their clean stop.
                stop.raise()
            }
        } onGracefulShutdown: {
            stop.raise()
        }
    }
}

/// The sessions running now, by bay: at most one per bay.
private final class RunningSessions: Sendable {
    private let sessions = Mutex<[String: DockSession]>([:])

    func session(on bay: String) -> DockSession? { sessions.withLock { $0[bay] } }

    /// Records `session` on `bay`; false if one already runs there.
    func claim(_ bay: String, for session: DockSession) -> Bool {
        sessions.withLock { running in
            guard running[bay] == nil else { return false }
            running[bay] = session
            return true
        }
    }

    func release(_ bay: String) { _ = sessions.withLock { $0.removeValue(forKey: bay) } }
}

/// ServiceLifecycle logs each service by its description: a name, not its whole configuration.
extension DeviceMonitor: CustomStringConvertible {
    var description: String { "device monitor" }
}

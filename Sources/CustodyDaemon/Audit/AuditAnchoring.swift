import Catalog
import Foundation
import Logging
import ServiceLifecycle

/// Publishes the audit chain's head outside the state directory: to the journal and to the
/// configured anchor file (docs/audit-log.md, "Anchors"). The daemon anchors after `daemon.started`,
/// every interval while it runs (`AuditAnchorService`), and after `daemon.stopped`.
public struct AuditAnchoring: Sendable {
    let configuration: DaemonConfiguration.Audit
    let catalog: EvidenceCatalog
    let logger: Logger
    /// journald's socket; a test gives its own.
    let journalSocket: String

    /// Creates the publisher.
    public init(
        configuration: DaemonConfiguration.Audit, catalog: EvidenceCatalog, logger: Logger,
        journalSocket: String = JournalAnchors.socketPath
    ) {
        self.configuration = configuration
        self.catalog = catalog
        self.logger = logger
        self.journalSocket = journalSocket
    }

    /// Takes the head and publishes it everywhere configured. Returns the anchor, or nil when the log
    /// is empty. A failure is logged, never thrown: losing one anchor must not stop ingest, and the
    /// next one covers everything before it.
    @discardableResult
    public func publish() -> AuditAnchor? {
        let anchor: AuditAnchor?
        do {
            anchor = try catalog.auditAnchor()
        } catch {
            logger.error("cannot read the audit chain head to anchor it", metadata: ["error": "\(error)"])
            return nil
        }
        guard let anchor else { return nil }
        // Also in the daemon's own log (stderr, so the journal under systemd): a plain-text copy.
        logger.notice(
            "audit chain head", metadata: ["audit.seq": "\(anchor.sequence)", "audit.hash": "\(anchor.hash)"])
        if configuration.journal { JournalAnchors.publish(anchor, socketPath: journalSocket) }
        if let file = configuration.anchorFile {
            do {
                try AnchorFile.append(anchor, to: file)
            } catch {
                logger.error(
                    "cannot append the audit anchor", metadata: ["anchor.file": "\(file)", "error": "\(error)"])
            }
        }
        return anchor
    }
}

/// Anchors the audit chain every `anchorIntervalSeconds` until the daemon stops.
struct AuditAnchorService: Service, CustomStringConvertible {
    let anchoring: AuditAnchoring

    var description: String { "audit anchoring" }

    func run() async throws {
        let interval = Duration.milliseconds(Int64(anchoring.configuration.anchorIntervalSeconds * 1000))
        let anchoring = self.anchoring
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                anchoring.publish()
            }
        }
    }
}

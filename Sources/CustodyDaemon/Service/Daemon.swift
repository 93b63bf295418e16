import Catalog
import ControlProtocol
import CustodyCore
import EvidenceStore
import Foundation
import Ingest
import Logging
import Operations
import ServiceLifecycle
import SystemPackage

/// `custodyd run`: the daemon's whole life. Opens the state directory with its key, takes the store
/// lock for the life of the process, runs recovery (finishing or discarding what a crash left), then
/// runs one `ServiceGroup` — control server, fixity scrubber, watched folders, device monitor, and
/// the systemd notifier last, which says `READY=1` once the control socket listens.
///
/// SIGTERM and SIGINT shut the group down gracefully, in reverse order: the notifier says
/// `STOPPING=1`; the dock sessions and folders bring their current file to a clean stop (discarded,
/// retried next time) after committing and verifying what was sealed, and wipe nothing; then the
/// scrubber stops, and the control socket closes last.
public struct Daemon: Sendable {
    /// The daemon's version, reported by `status`.
    public static let version = CustodyRelease.version

    let configuration: DaemonConfiguration
    let environment: [String: String]
    let logger: Logger
    /// Builds the control server once the board and catalog exist (nil: no control socket).
    let makeControlServer: (@Sendable (IngestContext) throws -> any ControlSocketService)?

    /// Creates the daemon.
    public init(
        configuration: DaemonConfiguration, environment: [String: String], logger: Logger,
        makeControlServer: (@Sendable (IngestContext) throws -> any ControlSocketService)?
    ) {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.makeControlServer = makeControlServer
    }

    /// Runs until SIGTERM or SIGINT.
    /// - Throws: when the state directory, key or lock cannot be had, recovery fails, or a service fails.
    public func run() async throws {
        try ProcessHardening.disableCoreDumps()
        // Before the lock and before anything is written: a group or folder that is not there.
        try configuration.checkOnThisMachine(path: nil)
        let keyPath = KeyFile.location(
            explicit: configuration.keyFile?.string, stateDirectory: configuration.stateDirectory,
            environment: environment)
        let state = try StateDirectory.open(
            at: configuration.stateDirectory, keyPath: keyPath, actor: .currentProcess)
        let key = try state.requireKey()
        let lock = try StoreLock(store: state.store)
        defer { withExtendedLifetime(lock) {} }
        let report = try Recovery(store: state.store, catalog: state.catalog, keyEncryptionKey: key, logger: logger)
            .run()
        try state.catalog.audit([
            AuditEvent(
                action: .daemonStarted,
                detail: [
                    "version": Self.version, "pid": "\(getpid())",
                    "recovered_verified": "\(report.itemsVerified)",
                    "recovered_discarded": "\(report.itemsDiscarded + report.intentsDiscarded)",
                    "temporary_removed": "\(report.temporaryObjectsRemoved)",
                ])
        ])
        let anchoring = AuditAnchoring(configuration: configuration.audit, catalog: state.catalog, logger: logger)
        anchoring.publish()
        logger.notice(
            "recovery done",
            metadata: [
                "verified": "\(report.itemsVerified)",
                "discarded": "\(report.itemsDiscarded + report.intentsDiscarded)",
            ])

        try RegistryImport.importConfigured(configuration.devices.profiles.registry, into: state.catalog, logger: logger)

        let board = BayBoard(version: Self.version)
        let metrics = configuration.metrics == nil ? DaemonMetrics.off : DaemonMetrics()
        let context = IngestContext(
            store: state.store, catalog: state.catalog, keyEncryptionKey: key, board: board, logger: logger,
            metrics: metrics)
        // Started in this order, and shut down in the reverse: on SIGTERM the notifier says STOPPING=1,
        // then ingest stops at once (devices, then folders), the scrubber next, and the control socket
        // last, so `custody status` can follow the stop.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let control = try makeControlServer?(context)
        if let control { services.append(.init(service: control)) }
        // Right after the control socket, so it stops after ingest and scrubbing and its last write
        // on shutdown holds everything this run counted.
        if let metricsConfiguration = configuration.metrics {
            services.append(
                .init(
                    service: MetricsService(
                        configuration: metricsConfiguration, metrics: metrics, board: board, catalog: state.catalog,
                        control: { control?.observation() }, logger: logger)))
        }
        if configuration.fixity.enabled {
            services.append(
                .init(service: FixityScrubber(configuration: configuration.fixity, context: context, logger: logger)))
        }
        if configuration.deletion.servicesEnabled {
            services.append(
                .init(service: RetentionService(configuration: configuration.deletion, catalog: context.catalog, logger: logger)))
            services.append(
                .init(
                    service: ShredService(
                        configuration: configuration.deletion, catalog: context.catalog, store: context.store,
                        logger: logger)))
        }
        if let directory = configuration.backup.directory {
            services.append(
                .init(
                    service: BackupService(
                        configuration: configuration.backup, directory: directory, catalog: context.catalog,
                        store: context.store, logger: logger)))
        }
        services.append(.init(service: AuditAnchorService(anchoring: anchoring)))
        for folder in configuration.watchedFolders {
            services.append(
                .init(
                    service: WatchedFolderService(
                        folder: folder, context: context, timeZone: configuration.timeZone, logger: logger)))
        }
        if configuration.devices.enabled {
            services.append(
                .init(
                    service: DeviceMonitor(
                        configuration: configuration.devices,
                        credentialsDirectory: configuration.credentialsDirectory, context: context, logger: logger),
                    successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(
            .init(
                service: SystemdService(
                    notifier: SystemdNotifier(environment: environment), board: board, logger: logger,
                    ready: { try await control?.listening() })))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? state.catalog.audit([AuditEvent(action: .daemonStopped, detail: ["error": "\(error)"])])
            anchoring.publish()
            throw error
        }
        try state.catalog.audit([AuditEvent(action: .daemonStopped, detail: [:])])
        anchoring.publish()
        logger.notice("custodyd stopped")
    }
}

/// The control server as the daemon runs it: a service that can say when its socket is listening, so
/// `READY=1` is sent only once clients can connect.
public protocol ControlSocketService: Service {
    /// Returns once the socket is bound and listening.
    /// - Throws: when the server failed to start.
    func listening() async throws

    /// Its open connections and refusals counted, for the metrics; nil when it keeps none.
    func observation() -> ControlObservation?
}

extension ControlSocketService {
    public func observation() -> ControlObservation? { nil }
}

extension ControlServer: ControlSocketService {
    public func listening() async throws { try await waitUntilListening() }
    public func observation() -> ControlObservation? { currentObservation() }
}

extension Daemon {
    /// The daemon with its control socket: `status` from the live board, `list` and `show` from the
    /// catalog, each request audited for the kernel-identified caller.
    public init(configuration: DaemonConfiguration, environment: [String: String], logger: Logger) {
        let control = configuration.control
        let reviewLease = configuration.reviewLeaseSeconds
        let deletionGrace = configuration.deletion.graceSeconds
        let noteLimits = configuration.notes
        self.init(
            configuration: configuration, environment: environment, logger: logger,
            makeControlServer: { context in
                // One resolver: the server keeps slots for the administrators the policy knows.
                let resolver = PrincipalResolver.daemonDefault
                return ControlServer(
                    configuration: control,
                    handler: CatalogControlHandler(
                        catalog: context.catalog, resolver: resolver, status: { context.board.snapshot() },
                        statusChanges: { context.board.changes() },
                        content: EvidenceContent(store: context.store, keyEncryptionKey: context.keyEncryptionKey),
                        reviewLease: reviewLease, deletionGrace: deletionGrace, noteLimits: noteLimits),
                    logger: logger, trustedUIDs: resolver.systemUIDs,
                    administratorGroups: Set(resolver.administratorGroups.values))
            })
    }
}

import ControlProtocol
import Dispatch
import Foundation
import Logging
import Operations
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The control socket (DESIGN §2, §8; docs/control-protocol.md): a Unix stream socket where the
/// `custody` CLI asks for status, lists and shows items. Each caller is identified by the kernel
/// (`SO_PEERCRED`, `SO_PEERGROUPS`), authorised by uid and group, and every request is audited on its
/// behalf before it is answered.
///
/// Connections are served on dedicated threads with non-blocking sockets and `poll(2)` deadlines, so
/// neither a slow peer nor a catalog query ever blocks the Swift concurrency pool. Nobody can starve
/// the others (DESIGN §15): each uid holds at most `maxConnectionsPerCaller` connections, some are kept
/// for administrators (`ConnectionTable`), a request line must arrive whole within
/// `requestTimeoutSeconds` however it trickles in, a connection that starts no request is dropped
/// after `idleTimeoutSeconds`, and one that does not read its answer after `peerTimeoutSeconds`.
///
/// A `Service`: `run()` binds the socket and serves until graceful shutdown or cancellation, then
/// closes every connection and removes the socket file.
public final class ControlServer: Service, Sendable {
    /// The shortest time between two lines of one watch subscription: changes in between are
    /// coalesced into the latest status.
    public static let watchInterval: Duration = .milliseconds(250)

    private let configuration: DaemonConfiguration.Control
    private let handler: any ControlHandler
    private let logger: Logger
    private let trustedUIDs: Set<UInt32>
    private let administratorGroups: Set<UInt32>
    private let state: Mutex<State>
    private let hub = StatusHub()

    private struct State {
        var stopping = false
        var stopPipe: WakePipe?
        var listening = false
        var failure: (any Error)?
        var readyWaiters: [CheckedContinuation<Void, any Error>] = []
        /// Live connections by number, with their descriptors (so stopping can shut them down) and uids.
        var table: ConnectionTable
    }

    /// Creates a server; nothing is bound until `run()`.
    /// - Parameters:
    ///   - configuration: the socket path, its group, the allowed groups, the limits.
    ///   - handler: what the server serves.
    ///   - logger: where connection failures and refusals are logged.
    ///   - trustedUIDs: uids served whatever their groups, and administrators; nil means root and the
    ///     daemon's own effective uid (DESIGN §8). Tests pass an empty set to see a refusal while
    ///     running as root.
    ///   - administratorGroups: members of these gids are administrators too, for the connections kept
    ///     for them; nil means the group `custody-admin`, if it exists (`PrincipalResolver.daemonDefault`).
    public init(
        configuration: DaemonConfiguration.Control, handler: some ControlHandler, logger: Logger,
        trustedUIDs: Set<UInt32>? = nil, administratorGroups: Set<UInt32>? = nil
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.trustedUIDs = trustedUIDs ?? [0, geteuid()]
        self.administratorGroups =
            administratorGroups
            ?? Set(UserDatabase.groupID(named: PrincipalResolver.administratorGroup).map { [$0] } ?? [])
        state = Mutex(State(table: ConnectionTable(limits: ConnectionTable.Limits(configuration))))
    }

    /// Its open connections and the refusals its handler counted, for the metrics.
    public func currentObservation() -> ControlObservation {
        ControlObservation(
            connections: state.withLock { $0.table.connections.count }, refusals: handler.refusalTotals())
    }

    /// Binds the socket and serves until graceful shutdown or cancellation.
    /// - Throws: `ControlServerError` when the socket cannot be set up: the path is not a socket or a
    ///   live daemon's, a configured group does not exist, a socket call fails.
    public func run() async throws {
        let listener: ListeningSocket
        let allowedGroups: Set<UInt32>
        do {
            allowedGroups = try Set(configuration.allowedGroups.map { try Self.groupID($0, key: "allowed_groups") })
            let group = try configuration.socketGroup.map { try Self.groupID($0, key: "socket_group") }
            listener = try ListeningSocket(
                path: configuration.socketPath.string, group: group,
                // Deep, so a flood's connects wait for the accept thread, which refuses them at once,
                // rather than fail for callers who would be served.
                backlog: 1024)
        } catch {
            finishReadiness(with: error)
            throw error
        }
        guard let stopPipe = WakePipe() else {
            listener.close()
            let error = ControlServerError(code: .socket, message: "cannot create a pipe for the control server")
            finishReadiness(with: error)
            throw error
        }
        let stopEarly = state.withLock { state in
            state.stopPipe = stopPipe
            return state.stopping
        }
        defer { listener.close() }
        if stopEarly {
            finishReadiness(with: CancellationError())
            return
        }
        logger.info(
            "Control socket listening",
            metadata: [
                "control.socket": "\(listener.path)", "control.max_connections": "\(configuration.maxConnections)",
                "control.max_connections_per_caller": "\(configuration.maxConnectionsPerCaller)",
            ])
        finishReadiness(with: nil)

        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { [handler, hub] in
                        for await status in handler.statusChanges() { hub.publish(status) }
                    }
                    await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                        let thread = Thread { [self] in
                            acceptConnections(listener, stopPipe: stopPipe, allowedGroups: allowedGroups)
                            finished.resume()
                        }
                        thread.name = "custody-control-accept"
                        thread.start()
                    }
                    group.cancelAll()
                }
            } onCancel: {
                stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        do {
            try handler.recordOwedRefusals(dueOnly: false)
        } catch {
            logger.error("Refusals counted could not be audited", metadata: ["error": "\(error)"])
        }
        logger.info("Control socket closed", metadata: ["control.socket": "\(listener.path)"])
    }

    /// Returns once the socket listens, so a caller (the daemon's readiness notification, a test) may
    /// rely on connections succeeding.
    /// - Throws: the error `run()` failed with, or `CancellationError` when it stopped before listening.
    public func waitUntilListening() async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { state in
                if state.listening { return .success(()) }
                if let failure = state.failure { return .failure(failure) }
                state.readyWaiters.append(waiter)
                return nil
            }
            if let outcome { waiter.resume(with: outcome) }
        }
    }

    private func finishReadiness(with error: (any Error)?) {
        let waiters = state.withLock { state in
            if let error { state.failure = error } else { state.listening = true }
            defer { state.readyWaiters = [] }
            return state.readyWaiters
        }
        for waiter in waiters {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }

    /// Stops accepting and shuts every connection down; their threads then end on their own.
    private func stop() {
        let pipe = state.withLock { state in
            state.stopping = true
            for connection in state.table.connections.values { shutdown(connection.descriptor, Int32(SHUT_RDWR)) }
            return state.stopPipe
        }
        pipe?.signal()
    }

    private static func groupID(_ name: String, key: String) throws -> UInt32 {
        guard let gid = UserDatabase.groupID(named: name) else {
            throw ControlServerError(
                code: .group,
                message:
                    "group '\(name)' (control.\(key)) does not exist; create it (the package's sysusers.d entry does) or change control.\(key)"
            )
        }
        return gid
    }

    // MARK: - Accepting

    /// The accept thread: takes connections until stopped, then waits for every connection thread.
    private func acceptConnections(_ listener: ListeningSocket, stopPipe: WakePipe, allowedGroups: Set<UInt32>) {
        let running = DispatchGroup()
        running.enter()
        let flusher = Thread { [self] in
            writeOwedRefusals(until: stopPipe)
            running.leave()
        }
        flusher.name = "custody-control-refusals"
        flusher.start()
        var descriptors = [
            pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stopPipe.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        while !state.withLock({ $0.stopping }) {
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                logger.error("Control socket poll failed", metadata: ["error.errno": "\(errno)"])
                break
            }
            guard descriptors[0].revents != 0 else { continue }
            let descriptor = accept(listener.descriptor, nil, nil)
            if descriptor < 0 {
                // EAGAIN: the peer left before we took it. EMFILE and friends: logged, and the next
                // poll retries once a connection ended.
                if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED {
                    logger.warning("Control socket accept failed", metadata: ["error.errno": "\(errno)"])
                }
                continue
            }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = setNonBlocking(descriptor)
            let peer = PeerSocket(descriptor: descriptor)
            // The kernel's identity only: cheap, so a flood is turned away as fast as it connects.
            guard let caller = peer.kernelIdentity() else {
                logger.warning("Control connection without peer credentials", metadata: ["error.errno": "\(errno)"])
                close(descriptor)
                continue
            }
            guard isAuthorised(caller, allowedGroups: allowedGroups) else {
                refuseOutsider(peer, caller: caller, running: running)
                continue
            }
            let administrator = isAdministrator(caller)
            let admission: ConnectionTable.Admission = state.withLock { state in
                if state.stopping { return .stopping }
                return state.table.admit(descriptor, uid: caller.uid, administrator: administrator)
            }
            guard case .admitted(let number) = admission else {
                turnAway(peer, caller: caller, admission: admission, running: running)
                continue
            }
            running.enter()
            let thread = Thread { [self] in
                serve(peer, caller: caller, number: number)
                running.leave()
            }
            thread.name = "custody-control-\(number)"
            thread.start()
        }
        stop()
        running.wait()
    }

    /// Every minute until the server stops, writes the refusals counted whose minute is over, so a
    /// count reaches the audit log at most a minute late even when its flood stopped; on a thread of
    /// its own, since the catalog may keep it waiting.
    private func writeOwedRefusals(until stopPipe: WakePipe) {
        var descriptors = [pollfd(fd: stopPipe.readEnd, events: Int16(POLLIN), revents: 0)]
        while !state.withLock({ $0.stopping }) {
            let ready = poll(&descriptors, 1, 60_000)
            if ready != 0 { continue }  // stopping, or EINTR: the loop's condition decides
            do {
                try handler.recordOwedRefusals(dueOnly: true)
            } catch {
                logger.error("Refusals counted could not be audited", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Answers a connection over a limit with one try at sending the reason, then closes it: the
    /// accept thread must not be held up by this peer. Counted; audited coalesced, off this thread.
    private func turnAway(
        _ peer: PeerSocket, caller: ControlCaller, admission: ConnectionTable.Admission, running: DispatchGroup
    ) {
        let error = state.withLock { $0.table.refusal(admission, caller: caller) }
        if let line = try? ControlResponse.failure(error, id: nil).encodedLine() {
            _ = line.withUnsafeBytes { send(peer.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        close(peer.descriptor)
        if admission == .stopping { return }
        let reason = ConnectionTable.reason(admission)
        guard case .record(let refusals, let since) = handler.countRefusedConnection(caller, reason: reason) else {
            return
        }
        running.enter()
        Thread { [self] in
            defer { running.leave() }
            var caller = caller
            caller.name = UserDatabase.userName(of: caller.uid)
            logger.warning(
                "Control connection refused: a connection limit",
                metadata: [
                    "control.peer.uid": "\(caller.uid)", "control.limit": "\(reason)",
                    "control.refusals": "\(refusals)",
                ])
            do {
                try handler.recordRefusedConnection(caller, reason: reason, refusals: refusals, since: since)
            } catch {
                logger.error("Control refusal could not be audited", metadata: ["error": "\(error)"])
            }
        }.start()
    }

    /// Refuses a caller in no allowed group. The first refusal of an identity in a minute is audited
    /// and answered, on a thread of its own (the user database and the catalog may be slow); the rest
    /// are only counted and closed unanswered (`RefusalLog`).
    private func refuseOutsider(_ peer: PeerSocket, caller: ControlCaller, running: DispatchGroup) {
        let reason = "not in an allowed group"
        guard case .record(let refusals, let since) = handler.countRefusedConnection(caller, reason: reason) else {
            close(peer.descriptor)
            return
        }
        running.enter()
        Thread { [self] in
            defer {
                close(peer.descriptor)
                running.leave()
            }
            var caller = caller
            caller.name = UserDatabase.userName(of: caller.uid)
            var logger = self.logger
            logger[metadataKey: "control.peer.uid"] = "\(caller.uid)"
            logger[metadataKey: "control.peer.pid"] = "\(caller.pid)"
            logger.notice("Control connection refused: caller not in an allowed group")
            do {
                try handler.recordRefusedConnection(caller, reason: reason, refusals: refusals, since: since)
            } catch {
                logger.error("Control refusal could not be audited", metadata: ["error": "\(error)"])
            }
            let groups = configuration.allowedGroups.joined(separator: ", ")
            respond(
                .failure(
                    ControlError(
                        code: .forbidden,
                        message:
                            "uid \(caller.uid)\(caller.name.map { " (\($0))" } ?? "") may not use the control socket; ask an administrator to add you to group \(configuration.allowedGroups.first ?? "custody")\(configuration.allowedGroups.count > 1 ? " (or one of: \(groups))" : "")"
                    ), id: nil), to: peer, logger: logger)
        }.start()
    }

    // MARK: - One connection

    /// A connection thread: answer requests until the peer leaves, times out, sends something
    /// unacceptable, or the server stops.
    private func serve(_ peer: PeerSocket, caller identity: ControlCaller, number: Int) {
        defer {
            // Out of the table first, so `stop` never shuts down a descriptor number reused after close.
            state.withLock { $0.table.remove(number) }
            close(peer.descriptor)
        }
        var caller = identity
        caller.name = UserDatabase.userName(of: caller.uid)
        var logger = self.logger
        logger[metadataKey: "control.peer.uid"] = "\(caller.uid)"
        logger[metadataKey: "control.peer.pid"] = "\(caller.pid)"

        var framer = LineFramer(maxLineLength: ControlLimits.maxRequestLineBytes)
        var frames: [LineFramer.Frame] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        // Until a request starts, the idle deadline; from its first byte, the line's own deadline,
        // whatever trickles in meanwhile (a peer sending a byte a second is dropped all the same).
        // Blank lines move neither.
        var idleDeadline = deadline(after: configuration.idleTimeoutSeconds)
        var lineDeadline: ContinuousClock.Instant?
        while true {
            while frames.isEmpty {
                do {
                    let count = try peer.read(into: buffer, until: lineDeadline ?? idleDeadline)
                    if lineDeadline == nil { lineDeadline = deadline(after: configuration.requestTimeoutSeconds) }
                    frames = framer.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                } catch .timedOut {
                    if lineDeadline == nil {
                        logger.info("Control connection dropped: idle for too long")
                    } else {
                        logger.info("Control connection dropped: the request line did not arrive whole in time")
                    }
                    return
                } catch {
                    if let last = framer.finish() { frames = [last] } else { return }
                }
            }
            switch frames.removeFirst() {
            case .tooLong:
                logger.notice("Control request too large; connection closed")
                recordUnreadable(
                    ControlError(code: .tooLarge, message: "request too large"), caller: caller, logger: logger)
                respond(
                    .failure(
                        ControlError(
                            code: .tooLarge,
                            message:
                                "the request line is longer than \(ControlLimits.maxRequestLineBytes) bytes; send one JSON object of at most that size per line"
                        ), id: nil), to: peer, logger: logger)
                return
            case .line(let line):
                let blank = line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                if !blank {
                    guard answer(line, caller: caller, peer: peer, logger: logger) else { return }
                    idleDeadline = deadline(after: configuration.idleTimeoutSeconds)
                }
                if framer.bufferedByteCount == 0 {
                    lineDeadline = nil  // Waiting for a request again, under the idle deadline.
                } else if !blank {
                    // Bytes of the next line, already read, started it about now.
                    lineDeadline = deadline(after: configuration.requestTimeoutSeconds)
                }
            }
        }
    }

    /// Answers one request line; false when the connection must end (a watch ended, a write failed).
    private func answer(_ line: [UInt8], caller: ControlCaller, peer: PeerSocket, logger: Logger) -> Bool {
        let request: ControlRequest
        do {
            request = try ControlRequest.decode(line: line)
        } catch {
            // Nothing is answered without its record (DESIGN §1, invariant 5).
            guard recordUnreadable(error.error, caller: caller, logger: logger) else { return false }
            return respond(.failure(error.error, id: error.requestID), to: peer, logger: logger)
        }
        let response = handler.perform(request, for: caller)
        if response.error?.code == .internal {
            logger.error(
                "Control request failed",
                metadata: ["control.request": "\(request.kind.rawValue)", "error": "\(response.error?.message ?? "")"])
        }
        if request.kind == .status, request.watch, response.ok {
            watch(request, first: response, peer: peer, logger: logger)
            return false
        }
        return respond(response, to: peer, logger: logger)
    }

    /// A watch subscription: the status now, then the latest status after each change, at most one
    /// line per `watchInterval`, until the peer closes, a write times out, or the server stops.
    private func watch(_ request: ControlRequest, first: ControlResponse, peer: PeerSocket, logger: Logger) {
        guard let wake = WakePipe() else { return }
        let watcher = hub.subscribe(wake)
        defer { hub.unsubscribe(watcher) }
        // Nothing counts as seen yet: a change published between the first answer and this line would
        // otherwise be taken as already sent, and a watcher could wait forever on a bay that finished.
        // The first pass compares the hub's latest with the first answer and sends it only if it differs.
        var seen: UInt64?
        var last = first.status ?? hub.latest ?? handler.status()
        guard respond(first, to: peer, logger: logger) else { return }
        var lastSent = ContinuousClock.now
        var descriptors = [
            pollfd(fd: peer.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            // Wait for a change, or, with one pending, for the end of the interval; either way keep
            // watching the socket, so a peer that left is noticed at once.
            let changed = hub.generation != seen
            let until: ContinuousClock.Instant? = changed ? lastSent + Self.watchInterval : nil
            if changed, ContinuousClock.now >= lastSent + Self.watchInterval {
                let (status, generation) = hub.snapshot()
                seen = generation
                if let status, status != last {
                    last = status
                    guard respond(.status(status, id: request.id), to: peer, logger: logger) else { return }
                    lastSent = .now
                }
                continue
            }
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, milliseconds(until: until))
            if ready < 0, errno != EINTR { return }
            if descriptors[1].revents != 0 { wake.drain() }
            if descriptors[0].revents != 0 {
                // The peer may not send more on a watch; read and drop, bounded, to see it close.
                let count = recv(peer.descriptor, &scratch, scratch.count, 0)
                if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { return }
            }
        }
    }

    /// Writes `response` within the peer timeout; false when the peer is gone or too slow.
    @discardableResult
    private func respond(_ response: ControlResponse, to peer: PeerSocket, logger: Logger) -> Bool {
        var line: [UInt8]
        do {
            line = try response.encodedLine()
        } catch {
            logger.error("Control response could not be encoded", metadata: ["error": "\(error)"])
            return false
        }
        if line.count - 1 > ControlLimits.maxResponseLineBytes {
            let tooLarge = ControlResponse.failure(
                ControlError(
                    code: .internal,
                    message:
                        "the answer is larger than \(ControlLimits.maxResponseLineBytes) bytes; narrow the request (a lower limit, more filters)"
                ), id: response.id)
            guard let replacement = try? tooLarge.encodedLine() else { return false }
            line = replacement
        }
        do {
            try peer.write(line, until: deadline(after: configuration.peerTimeoutSeconds))
            // Content (`view.read`) follows its line raw: `data_length` bytes, never JSON-escaped.
            if !response.payload.isEmpty {
                try peer.write(response.payload, until: deadline(after: configuration.peerTimeoutSeconds))
            }
            return true
        } catch .timedOut {
            logger.info("Control connection dropped: the peer did not read in time")
            return false
        } catch {
            return false
        }
    }

    /// Audits a line that could not be read; false when the audit log could not be written.
    @discardableResult
    private func recordUnreadable(_ error: ControlError, caller: ControlCaller, logger: Logger) -> Bool {
        do {
            try handler.recordUnreadable(error, by: caller)
            return true
        } catch {
            logger.error("Control request could not be audited", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Root, the daemon's own user, or a member (primary or supplementary group) of an allowed group.
    private func isAuthorised(_ caller: ControlCaller, allowedGroups: Set<UInt32>) -> Bool {
        if trustedUIDs.contains(caller.uid) { return true }
        return allowedGroups.contains(caller.gid) || caller.groups.contains(where: allowedGroups.contains)
    }

    /// Root, the daemon's own user, or a member of an administrators' group, as the kernel says: who
    /// may take the connections kept for administrators. The same identities `PrincipalResolver` makes
    /// administrators without a catalog query.
    private func isAdministrator(_ caller: ControlCaller) -> Bool {
        trustedUIDs.contains(caller.uid) || administratorGroups.contains(where: caller.isMember(of:))
    }
}

/// The latest published status and the watchers to wake when it changes.
final class StatusHub: Sendable {
    private struct State {
        var latest: DaemonStatus?
        var generation: UInt64 = 0
        var watchers: [Int: WakePipe] = [:]
        var nextWatcher = 0
    }
    private let state = Mutex(State())

    /// Records `status` and wakes every watcher.
    func publish(_ status: DaemonStatus) {
        state.withLock { state in
            state.latest = status
            state.generation &+= 1
            for watcher in state.watchers.values { watcher.signal() }
        }
    }

    var latest: DaemonStatus? { state.withLock { $0.latest } }
    var generation: UInt64 { state.withLock { $0.generation } }
    func snapshot() -> (DaemonStatus?, UInt64) { state.withLock { ($0.latest, $0.generation) } }

    func subscribe(_ pipe: WakePipe) -> Int {
        state.withLock { state in
            state.nextWatcher += 1
            state.watchers[state.nextWatcher] = pipe
            return state.nextWatcher
        }
    }

    func unsubscribe(_ watcher: Int) {
        _ = state.withLock { $0.watchers.removeValue(forKey: watcher) }
    }
}

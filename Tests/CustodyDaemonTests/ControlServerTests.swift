import Catalog
import ControlProtocol
import CustodyCore
import CustodyDaemon
import CustodyTesting
import Foundation
import GRDB
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control server against a real socket in a temporary directory, a real catalog, and a fake
/// daemon status. Every wait is on an event (a response, a hang-up); the only clock is the server's
/// configured peer timeout.
@Suite(.timeLimit(.minutes(2))) struct ControlServerTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let daemon = FakeDaemon()

    init() throws {
        directory = try TemporaryDirectory("ctl")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
    }

    var socketPath: String { directory.file("control.sock") }

    /// A configuration the test machine satisfies: groups that exist, a short peer timeout.
    func configuration(timeout: Double = 10, allowedGroups: [String] = ["root"], maxConnections: Int = 8)
        -> DaemonConfiguration.Control
    {
        var configuration = DaemonConfiguration.Control()
        configuration.socketPath = .init(socketPath)
        configuration.socketGroup = "root"
        configuration.allowedGroups = allowedGroups
        configuration.peerTimeoutSeconds = timeout
        configuration.idleTimeoutSeconds = timeout
        configuration.maxConnections = maxConnections
        return configuration
    }

    /// Runs a server for the duration of `body`, then stops it the way a service group does (cancellation).
    func withServer(
        _ configuration: DaemonConfiguration.Control, trustedUIDs: Set<UInt32>? = nil,
        administratorGroups: Set<UInt32>? = nil, status: (@Sendable () -> DaemonStatus)? = nil,
        _ body: (ControlServer) async throws -> Void
    ) async throws {
        let handler = CatalogControlHandler(
            catalog: catalog, status: status ?? { [daemon] in daemon.status },
            statusChanges: { [daemon] in daemon.changes })
        let server = ControlServer(
            configuration: configuration, handler: handler, logger: quietLogger, trustedUIDs: trustedUIDs,
            administratorGroups: administratorGroups)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await server.waitUntilListening()
            try await body(server)
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(!FileManager.default.fileExists(atPath: socketPath), "the socket file is removed on stop")
    }

    /// The audit entries with `action`: actor and detail.
    func auditEntries(_ action: String) throws -> [(actor: String, detail: String)] {
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        return try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT actor, detail FROM audit WHERE action = ? ORDER BY seq", arguments: [action]
            )
            .map { ($0["actor"], $0["detail"]) }
        }
    }

    // MARK: - Requests

    @Test func statusRoundTripIsAuditedWithTheCallersUID() async throws {
        try await withServer(configuration()) { _ in
            let response = try await onThread { [socketPath] in
                try ControlClient(socketPath: socketPath).call(.status(id: "s1"))
            }
            #expect(response.id == "s1")
            #expect(response.status == daemon.status)
            let entries = try auditEntries("status.viewed")
            #expect(entries.count == 1)
            #expect(entries.first?.actor == "uid:0(root)")
            #expect(entries.first?.detail.contains(#""request":"status""#) == true)
        }
    }

    @Test func listAndShowAnswerFromTheCatalogAndAuditEachRequest() async throws {
        let day = Date(timeIntervalSince1970: 1_714_521_600)
        func item(_ n: Int) -> ItemRecord {
            ItemRecord(
                id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: UInt64(n)))!,
                ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: UInt64(n) + 100))!, size: 10,
                ciphertextSize: 90, wrappedKey: [UInt8](repeating: 9, count: 60),
                source: SourceReference(
                    deviceID: n % 2 == 0 ? "DEV1" : "DEV2", root: "/import", path: RawPath("DCIM/\(n).mp4"), size: 10,
                    modificationTimeNanoseconds: 5),
                ingestedAt: day.addingTimeInterval(Double(n) * 3600), verifiedAt: nil)
        }
        let items = (0..<4).map(item)
        try catalog.recordStored(items, events: [])
        try await withServer(configuration()) { _ in
            let path = socketPath
            let (listed, shown, missing, badDate) = try await onThread {
                let client = try ControlClient(socketPath: path)
                let listed = try client.call(.list(ItemQuery(device: "DEV1", from: "2024-05-01")))
                let shown = try client.call(.show(String(items[1].id.description.prefix(8)), id: "x"))
                let missing = #expect(throws: ControlClientError.self) { try client.call(.show("00000000")) }
                let badDate = #expect(throws: ControlClientError.self) {
                    try client.call(.list(ItemQuery(to: "yesterday")))
                }
                return (listed, shown, missing, badDate)
            }
            #expect(listed.items?.map(\.id) == [items[2].id.description, items[0].id.description])
            #expect(listed.count == 2)
            #expect(shown.id == "x")
            // As the catalog holds it: storing materialised its due date (docs/retention.md).
            #expect(shown.item == ItemView(try catalog.item(matching: items[1].id.description)))
            #expect(shown.audit?.map(\.action) == ["item.viewed"])
            #expect(shown.audit?.first?.actor == "uid:0(root)")
            #expect(missing?.serverCode == .notFound)
            #expect(badDate?.serverCode == .badRequest)
            #expect(badDate?.message.contains("'yesterday'") == true)
            // One entry per request, served or not, each with what was asked.
            let listings = try auditEntries("catalog.listed").map(\.detail)
            #expect(listings.count == 1)
            #expect(listings.first?.contains(#""device":"DEV1""#) == true)
            #expect(listings.first?.contains(#""results":"2""#) == true)
            let views = try auditEntries("item.viewed").map(\.detail)
            #expect(views.count == 1)
            #expect(views.first?.contains(#""item":"\#(items[1].id.description.prefix(8))""#) == true)
            let failed = try auditEntries("request.failed").map(\.detail)
            #expect(failed.count == 2)
            #expect(failed.first?.contains(#""error":"notFound""#) == true)
            #expect(failed.last?.contains(#""error":"badRequest""#) == true)
        }
    }

    @Test func garbageGetsBadRequestAndTheServerKeepsServing() async throws {
        try await withServer(configuration()) { _ in
            let path = socketPath
            let (garbage, after) = try await onThread {
                let peer = try RawPeer(path: path)
                _ = peer.send(Array("hello, daemon\n".utf8))
                let garbage = try ControlResponse.decode(line: try #require(peer.readLine()))
                // The same connection still answers a good request.
                _ = peer.send(try ControlRequest.status(id: "after").encodedLine())
                let after = try ControlResponse.decode(line: try #require(peer.readLine()))
                return (garbage, after)
            }
            #expect(!garbage.ok)
            #expect(garbage.error?.code == .badRequest)
            #expect(after.ok && after.id == "after")
            let other = try await onThread { try ControlClient(socketPath: path).call(.status()) }
            #expect(other.ok)
            #expect(try auditEntries("control.request").first?.detail.contains(#""error":"badRequest""#) == true)
        }
    }

    @Test func anOverlongLineGetsTooLargeAndIsClosedWhileOthersAreServed() async throws {
        try await withServer(configuration()) { _ in
            let path = socketPath
            let peer = try RawPeer(path: path)
            // Stream 8 MiB without a newline; the server must answer after 64 KiB and hang up.
            async let streamed = onThread {
                let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
                var sent = 0
                while sent < 8 << 20, peer.send(chunk) { sent += chunk.count }
                return sent
            }
            let other = try await onThread { try ControlClient(socketPath: path).call(.status(id: "other")) }
            #expect(other.id == "other")
            let sent = try await streamed
            #expect(sent < 8 << 20, "the server closed the connection before 8 MiB were sent")
            let (line, end) = try await onThread { (peer.readLine(), peer.readLine()) }
            let response = try ControlResponse.decode(line: try #require(line))
            #expect(response.error?.code == .tooLarge)
            #expect(end == nil, "the connection is closed after the reply")
        }
    }

    @Test func aPeerThatNeverSendsIsDroppedAfterTheTimeoutWhileOthersAreServed() async throws {
        try await withServer(configuration(timeout: 0.2)) { _ in
            let path = socketPath
            let idle = try RawPeer(path: path)
            let started = ContinuousClock.now
            let other = try await onThread { try ControlClient(socketPath: path).call(.status(id: "other")) }
            #expect(other.id == "other")
            let hungUp = try await onThread { idle.waitForHangUp() }
            #expect(hungUp)
            #expect(ContinuousClock.now - started >= .milliseconds(200))
        }
    }

    @Test func aWatcherThatNeverReadsIsDroppedAfterTheTimeoutWhileOthersAreServed() async throws {
        // A status bigger than the socket buffers: the first line alone blocks a peer that does not read.
        var bay = BayStatus(id: "usb:1-1", kind: .device, phase: .ingesting)
        bay.currentFile = String(repeating: "a", count: 4 << 20)
        daemon.update(DaemonStatus(state: .ready, version: "big", startedAt: "t", bays: [bay]))
        try await withServer(configuration(timeout: 0.2)) { _ in
            let path = socketPath
            let stuck = try RawPeer(path: path)
            _ = stuck.send(try ControlRequest.status(watch: true).encodedLine())
            bay.currentFile = String(repeating: "b", count: 4 << 20)
            daemon.update(DaemonStatus(state: .ready, version: "bigger", startedAt: "t", bays: [bay]))
            let other = try await onThread { try ControlClient(socketPath: path).call(.list(ItemQuery())) }
            #expect(other.count == 0)
            let hungUp = try await onThread { stuck.waitForHangUp() }
            #expect(hungUp)
        }
    }

    @Test func watchSendsTheStatusThenCoalescedChangesUntilTheClientCloses() async throws {
        try await withServer(configuration()) { _ in
            let path = socketPath
            let daemon = daemon
            let lines = try await onThread {
                let client = try ControlClient(socketPath: path)
                let first = try client.call(.status(watch: true, id: "w"))
                #expect(first.status?.version == "0")
                for version in 1...10 {
                    daemon.update(DaemonStatus(state: .ready, version: "\(version)", startedAt: "t", bays: []))
                }
                var versions: [String] = []
                while versions.last != "10" {
                    let response = try client.next()
                    #expect(response.id == "w")
                    versions.append(response.status?.version ?? "?")
                }
                return versions
            }
            #expect(lines.count < 10, "changes within the watch interval are coalesced, got \(lines)")
            #expect(try auditEntries("status.viewed").first?.detail.contains(#""watch":"true""#) == true)
        }
    }

    @Test func aWatchSendsTheLatestStatusEvenWhenItChangedBeforeTheWatchBegan() async throws {
        // The first answer is read from a snapshot older than what the server already relayed: the
        // change must still reach the watcher (it used to count as seen, and the watch waited forever).
        daemon.update(DaemonStatus(state: .ready, version: "current", startedAt: "t", bays: []))
        let stale = DaemonStatus(state: .ready, version: "stale", startedAt: "t", bays: [])
        try await withServer(configuration(), status: { stale }) { _ in
            let path = socketPath
            let versions = try await onThread {
                let client = try ControlClient(socketPath: path)
                var versions = [try client.call(.status(watch: true, id: "w")).status?.version ?? "?"]
                while versions.last != "current" { versions.append(try client.next().status?.version ?? "?") }
                return versions
            }
            #expect(versions == ["stale", "current"])
        }
    }

    // MARK: - Who may connect

    @Test func aCallerInNoAllowedGroupIsRefusedAuditedAndClosed() async throws {
        // Root is trusted by uid in production; an empty trust set lets root stand for any user here.
        try await withServer(configuration(allowedGroups: ["nogroup"]), trustedUIDs: []) { _ in
            let path = socketPath
            let refusal = try await onThread {
                let client = try ControlClient(socketPath: path)
                let error = #expect(throws: ControlClientError.self) { try client.call(.status()) }
                let end = try client.receive()
                return (error, end)
            }
            #expect(refusal.0?.serverCode == .forbidden)
            #expect(refusal.0?.message.contains("uid 0 (root) may not use the control socket") == true)
            #expect(refusal.1 == nil, "the connection is closed after the refusal")
            let refused = try auditEntries("control.refused")
            #expect(refused.count == 1)
            #expect(refused.first?.actor == "uid:0(root)")
            #expect(try auditEntries("status.viewed").isEmpty)
        }
    }

    @Test func aLoopingRefusedCallerWritesOneEntryWithACount() async throws {
        try await withServer(configuration(allowedGroups: ["nogroup"]), trustedUIDs: []) { _ in
            let path = socketPath
            try await onThread {
                for _ in 0..<40 {
                    let client = try ControlClient(socketPath: path)
                    _ = try? client.call(.status())
                }
            }
            let refused = try auditEntries("control.refused")
            #expect(refused.count == 1)
            #expect(refused.first?.detail.contains(#""refusals":"1""#) == true)
        }
        // The 39 refusals only counted are written, as one entry, when the server stops.
        let refused = try auditEntries("control.refused")
        #expect(refused.count == 2)
        #expect(refused.last?.detail.contains(#""refusals":"39""#) == true, "\(refused)")
    }

    @Test func membershipOfAnAllowedGroupIsEnoughWithoutATrustedUID() async throws {
        try await withServer(configuration(allowedGroups: ["nogroup", "root"]), trustedUIDs: []) { _ in
            let path = socketPath
            let response = try await onThread { try ControlClient(socketPath: path).call(.status()) }
            #expect(response.ok)
        }
    }

    @Test func connectionsBeyondTheLimitGetBusyAndAreClosed() async throws {
        try await withServer(configuration(maxConnections: 1)) { _ in
            let path = socketPath
            let first = try RawPeer(path: path)
            let busy = try await onThread {
                let second = try RawPeer(path: path)
                return (second.readLine(), second.readLine())
            }
            #expect(try ControlResponse.decode(line: try #require(busy.0)).error?.code == .busy)
            #expect(busy.1 == nil)
            _ = first.send(try ControlRequest.status().encodedLine())
            let answer = try await onThread { first.readLine() }
            #expect(try ControlResponse.decode(line: try #require(answer)).ok)
        }
    }

    // MARK: - Nobody starves the others (DESIGN §15)

    @Test func aCallerOverItsConnectionCapIsToldTheLimitAndTheRefusalsAreCounted() async throws {
        var configuration = configuration(maxConnections: 16)
        configuration.maxConnectionsPerCaller = 2
        // Root stands for an ordinary member of the socket group: no trusted uid, no administrators' group.
        try await withServer(configuration, trustedUIDs: [], administratorGroups: []) { _ in
            let path = socketPath
            let held = try [RawPeer(path: path), RawPeer(path: path)]
            let answers = try await onThread {
                try held.map { peer in
                    _ = peer.send(try ControlRequest.status().encodedLine())
                    return try ControlResponse.decode(line: try #require(peer.readLine())).ok
                }
            }
            #expect(answers == [true, true])
            let refused = try await onThread {
                try (0..<5).map { _ in
                    let peer = try RawPeer(path: path)
                    return (try ControlResponse.decode(line: try #require(peer.readLine())).error, peer.readLine())
                }
            }
            for (error, end) in refused {
                #expect(error?.code == .limited)
                #expect(
                    error?.message.contains("control.max_connections_per_caller") == true,
                    "\(String(describing: error))")
                #expect(end == nil, "the connection is closed after the one line")
            }
            // The two held connections are still served.
            let still = try await onThread {
                _ = held[0].send(try ControlRequest.status(id: "still").encodedLine())
                return try ControlResponse.decode(line: try #require(held[0].readLine()))
            }
            #expect(still.id == "still")
        }
        // One entry at once, the other four counted and written when the server stopped.
        let entries = try auditEntries("control.refused")
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0.detail.contains("control.max_connections_per_caller") })
        #expect(entries.first?.detail.contains(#""refusals":"1""#) == true)
        #expect(entries.last?.detail.contains(#""refusals":"4""#) == true, "\(entries)")
    }

    @Test func aSlowLorisIsDroppedWhenItsLineDeadlinePassesThoughItKeepsSending() async throws {
        var configuration = configuration(timeout: 60)
        configuration.requestTimeoutSeconds = 0.5
        try await withServer(configuration) { _ in
            let path = socketPath
            let loris = try RawPeer(path: path)
            let (sent, hungUp) = try await onThread {
                // One byte a tick; a tick ends early when the server hangs up. Never a newline.
                var sent = 0
                let line =
                    Array(#"{"v":1,"request":"status","id":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 400)
                while sent < line.count {
                    guard loris.send([line[sent]]) else { return (sent, true) }
                    sent += 1
                    if loris.hungUp(within: 50) { return (sent, true) }
                }
                return (sent, false)
            }
            #expect(hungUp, "dropped while it kept sending, long before its idle timeout")
            #expect(sent > 3, "it sent \(sent) bytes, each within the idle timeout of the last")
            let other = try await onThread { try ControlClient(socketPath: path).call(.status(id: "other")) }
            #expect(other.id == "other")
        }
    }

    @Test func blankLinesDoNotKeepAnIdleConnectionOpen() async throws {
        var configuration = configuration(timeout: 0.3)
        // Far beyond the 20 s this test waits at most: only the idle deadline can end it.
        configuration.requestTimeoutSeconds = 600
        try await withServer(configuration) { _ in
            let peer = try RawPeer(path: socketPath)
            let hungUp = try await onThread {
                for _ in 0..<400 {
                    guard peer.send(Array("\n".utf8)) else { return true }
                    if peer.hungUp(within: 50) { return true }
                }
                return false
            }
            #expect(hungUp)
        }
    }

    // MARK: - The socket file

    @Test func refusesToReplaceAFileThatIsNotASocket() async throws {
        try directory.write(Array("keep me".utf8), to: "control.sock")
        let handler = CatalogControlHandler(
            catalog: catalog, status: { [daemon] in daemon.status }, statusChanges: { [daemon] in daemon.changes })
        let server = ControlServer(configuration: configuration(), handler: handler, logger: quietLogger)
        let error = await #expect(throws: ControlServerError.self) { try await server.run() }
        #expect(error?.code == .socketPath)
        #expect(error?.message.contains(socketPath) == true)
        #expect(try String(contentsOfFile: socketPath, encoding: .utf8) == "keep me")
    }

    @Test func replacesAStaleSocketButNotALiveOne() async throws {
        // A socket file nobody listens on, as a crash leaves it.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(stale)
        try await withServer(configuration()) { _ in
            let path = socketPath
            let before = try await onThread { try ControlClient(socketPath: path).call(.status()) }
            #expect(before.ok)
            // A second server on the same path finds the first listening and leaves it alone.
            let handler = CatalogControlHandler(
                catalog: catalog, status: { [daemon] in daemon.status }, statusChanges: { [daemon] in daemon.changes })
            let second = ControlServer(configuration: configuration(), handler: handler, logger: quietLogger)
            let error = await #expect(throws: ControlServerError.self) { try await second.run() }
            #expect(error?.message.contains("another process listens") == true)
            let after = try await onThread { try ControlClient(socketPath: path).call(.status()) }
            #expect(after.ok)
        }
    }

    @Test func anUnknownGroupIsNamed() async throws {
        var configuration = configuration()
        configuration.socketGroup = "no-such-group-custody"
        let handler = CatalogControlHandler(
            catalog: catalog, status: { [daemon] in daemon.status }, statusChanges: { [daemon] in daemon.changes })
        let server = ControlServer(configuration: configuration, handler: handler, logger: quietLogger)
        let error = await #expect(throws: ControlServerError.self) { try await server.run() }
        #expect(error?.message.contains("group 'no-such-group-custody' (control.socket_group)") == true)
        #expect(!FileManager.default.fileExists(atPath: socketPath))
    }
}

// MARK: - Helpers

/// The server's logs are not what these tests check.
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// The daemon's side of status: the current value and a stream of changes.
final class FakeDaemon: Sendable {
    private let current = Mutex(
        DaemonStatus(state: .ready, version: "0", startedAt: "2026-11-22T15:00:00.000Z", bays: []))
    let changes: AsyncStream<DaemonStatus>
    private let continuation: AsyncStream<DaemonStatus>.Continuation

    init() {
        (changes, continuation) = AsyncStream.makeStream(of: DaemonStatus.self)
    }

    var status: DaemonStatus { current.withLock { $0 } }

    func update(_ status: DaemonStatus) {
        current.withLock { $0 = status }
        continuation.yield(status)
    }
}

/// Runs blocking socket calls on a thread of their own, never on the concurrency pool the server's
/// status task needs.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A blocking client that does exactly what a test tells it, including misbehaving.
final class RawPeer: @unchecked Sendable {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // A safety net against a hung test, not a wait: every read below ends on an event first.
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sends all of `bytes`; false once the server closed the connection.
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 { return false }
            offset += sent
        }
        return true
    }

    /// The next line, or nil at the end of the stream.
    func readLine() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer += chunk[..<count]
        }
    }

    /// Whether the server hangs up within `milliseconds`, without reading anything.
    func hungUp(within milliseconds: Int32) -> Bool {
        let rdHangUp: Int16 = 0x2000  // POLLRDHUP, which Glibc's overlay leaves out.
        var descriptors = [pollfd(fd: descriptor, events: rdHangUp, revents: 0)]
        while true {
            let ready = poll(&descriptors, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            return ready == 1 && descriptors[0].revents & (Int16(POLLHUP) | rdHangUp) != 0
        }
    }

    /// Waits, without reading anything, until the server hangs up; false if it did not within 20 s.
    func waitForHangUp() -> Bool {
        let rdHangUp: Int16 = 0x2000  // POLLRDHUP, which Glibc's overlay leaves out.
        var descriptors = [pollfd(fd: descriptor, events: rdHangUp, revents: 0)]
        while true {
            let ready = poll(&descriptors, 1, 20_000)
            if ready < 0, errno == EINTR { continue }
            return ready == 1 && descriptors[0].revents & (Int16(POLLHUP) | rdHangUp) != 0
        }
    }
}

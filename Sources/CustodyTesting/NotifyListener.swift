import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for systemd's notification socket: a datagram socket a test hands to the daemon as
/// `NOTIFY_SOCKET`, and reads `READY=1`, `STATUS=…`, `STOPPING=1` from as they come.
///
/// A thread drains the socket as systemd does, into an inbox the test reads at its own pace: the
/// daemon sends without blocking, so a socket left unread while a test waits on something else would
/// drop the very `STOPPING=1` the test waits for next (watchdog pings every 200 ms fill the kernel's
/// queue, `net.unix.max_dgram_qlen`, 10 datagrams here, in two seconds).
public final class NotifyListener: @unchecked Sendable {
    /// The socket's path (give it as `NOTIFY_SOCKET`).
    public let path: String
    private let inbox = Inbox()
    private let wake: (read: Int32, write: Int32)

    /// What the socket received, and how much of it the test has read.
    private final class Inbox: @unchecked Sendable {
        let condition = NSCondition()
        var received: [String] = []
        var consumed = 0
    }

    /// Every message read so far (through `next` or `waitFor`), in order.
    public var messages: [String] {
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        return Array(inbox.received[..<inbox.consumed])
    }

    /// Binds a socket at `path` and starts draining it.
    public init(path: String) throws {
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FixtureFailure(message: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw FixtureFailure(message: "bind \(path): errno \(errno)")
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(fd)
            throw FixtureFailure(message: "pipe: errno \(errno)")
        }
        // Not inherited by the daemon the test starts.
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        wake = (pipeEnds[0], pipeEnds[1])
        let inbox = inbox
        let stop = pipeEnds[0]
        let thread = Thread {
            Self.drain(fd, into: inbox, until: stop)
            close(fd)
            close(stop)
        }
        thread.name = "notify-listener"
        thread.start()
    }

    /// Stops the draining thread; it closes the socket.
    deinit {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        close(wake.write)
    }

    /// Receives datagrams until `stop` becomes readable.
    private static func drain(_ fd: Int32, into inbox: Inbox, until stop: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var descriptors = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&descriptors, 2, -1) >= 0 || errno == EINTR else { return }
            if descriptors[1].revents != 0 { return }
            guard descriptors[0].revents & Int16(POLLIN) != 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[..<count], as: UTF8.self)
            inbox.condition.lock()
            inbox.received.append(message)
            inbox.condition.broadcast()
            inbox.condition.unlock()
        }
    }

    /// Waits for the next message; nil if none came within `timeout` seconds (a failure deadline).
    public func next(timeout: Double = 120) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        while inbox.consumed == inbox.received.count {
            guard inbox.condition.wait(until: deadline) else { return nil }
        }
        inbox.consumed += 1
        return inbox.received[inbox.consumed - 1]
    }

    /// Reads messages until one has a line `line` (e.g. `READY=1`); false if the deadline passed first.
    public func waitFor(_ line: String, timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let message = next(timeout: deadline.timeIntervalSinceNow) else { return false }
            if message.split(separator: "\n").contains(Substring(line)) { return true }
        }
        return false
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for systemd's notification socket: a datagram socket a test hands to the daemon as
/// `NOTIFY_SOCKET`, and reads `READY=1`, `STATUS=…`, `STOPPING=1` from as they come.
public final class NotifyListener {
    /// The socket's path (give it as `NOTIFY_SOCKET`).
    public let path: String
    private let fd: Int32
    /// Every message received so far, in order.
    public private(set) var messages: [String] = []

    /// Binds a socket at `path`.
    public init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FixtureFailure(message: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw FixtureFailure(message: "bind \(path): errno \(errno)") }
    }

    deinit { close(fd) }

    /// Waits for the next message; nil if none came within `timeout` seconds (a failure deadline).
    public func next(timeout: Double = 120) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let message = String(decoding: buffer[..<count], as: UTF8.self)
        messages.append(message)
        return message
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

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The service manager's notification socket (`sd_notify(3)`): `READY=1`, `STATUS=…`, `WATCHDOG=1`,
/// `STOPPING=1` as datagrams to `$NOTIFY_SOCKET`.
///
/// Written here rather than linked from libsystemd: the protocol is one datagram per message, and the
/// daemon needs nothing else from that library.
public struct SystemdNotifier: Sendable {
    /// The socket's address; a leading `@` is the abstract namespace.
    public let socketPath: String
    /// How often systemd expects `WATCHDOG=1` (`$WATCHDOG_USEC`), when the watchdog is on for this process.
    public let watchdogInterval: Duration?

    /// The notifier the environment describes; nil when not started by a service manager that listens.
    public init?(environment: [String: String], processID: pid_t = getpid()) {
        guard let path = environment["NOTIFY_SOCKET"], path.hasPrefix("/") || path.hasPrefix("@"),
            path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        else { return nil }
        socketPath = path
        // WATCHDOG_PID, when set, says which process the watchdog is for (not a child we started).
        let forUs = environment["WATCHDOG_PID"].map { $0 == String(processID) } ?? true
        if forUs, let text = environment["WATCHDOG_USEC"], let micros = Int64(text), micros > 0 {
            watchdogInterval = .microseconds(micros)
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends one message (`KEY=value` lines) without ever waiting: a listener that does not read must
    /// not stall the daemon. Failures are returned, not thrown: a lost notification must never stop
    /// ingest.
    @discardableResult
    public func send(_ message: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let sent = Array(message.utf8).withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), $0, length)
                }
            }
        }
        return sent == message.utf8.count
    }

    /// `STATUS=` text: one line, no control characters, bounded.
    public static func statusText(_ line: String) -> String {
        String(
            String.UnicodeScalarView(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(200))
    }
}

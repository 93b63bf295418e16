import CustodyCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The client end of the control socket, for the `custody` CLI: connect, send request lines, read
/// response lines. Blocking; one owner. The CLI never opens the catalog or the store (DESIGN §3):
/// everything it shows comes through here.
public final class ControlClient {
    /// Where `custodyd` listens unless configured otherwise.
    public static let defaultSocketPath = "/run/custody/control.sock"

    /// The socket path this client connected to.
    public let socketPath: String
    private let descriptor: Int32
    /// Bytes received and not yet taken; `consumed` marks how far they were.
    private var inbox: [UInt8] = []
    private var consumed = 0
    private var atEnd = false

    /// Connects to the daemon's socket.
    /// - Parameter receiveTimeoutSeconds: how long `receive` waits for a line; nil waits for ever
    ///   (a `watch` subscription may stay quiet for hours).
    /// - Throws: `ControlClientError` saying whether the daemon is not running, the caller may not
    ///   connect, or the path is wrong.
    public init(socketPath: String, receiveTimeoutSeconds: Double? = 30) throws(ControlClientError) {
        self.socketPath = socketPath
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw ControlClientError(
                code: .connect, message: "cannot create a socket: \(String(cString: strerror(errno)))")
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw ControlClientError(
                code: .connect, message: "socket path \(socketPath) is too long for a Unix socket; use a shorter path")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected != 0 {
            let code = errno
            close(descriptor)
            throw ControlClientError.connecting(to: socketPath, errno: code)
        }
        if let receiveTimeoutSeconds {
            var timeout = timeval(
                tv_sec: Int(receiveTimeoutSeconds),
                tv_usec: Int((receiveTimeoutSeconds - receiveTimeoutSeconds.rounded(.down)) * 1_000_000))
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    deinit { close(descriptor) }

    /// Sends one request.
    /// - Throws: `ControlClientError` when the daemon closed the connection.
    public func send(_ request: ControlRequest) throws(ControlClientError) {
        let line: [UInt8]
        do { line = try request.encodedLine() } catch {
            throw ControlClientError(code: .protocol, message: "cannot encode the request: \(error)")
        }
        var offset = 0
        while offset < line.count {
            let sent = line[offset...].withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw ControlClientError(
                    code: .connection,
                    message: "custodyd closed the connection on \(socketPath) (\(String(cString: strerror(errno))))")
            }
            offset += sent
        }
    }

    /// Reads the next response; nil when the daemon closed the connection. A response that announces
    /// `data_length` bytes comes with them in `payload`.
    /// - Throws: `ControlClientError` on a timeout, an unreadable or over-long line, or another protocol version.
    public func receive() throws(ControlClientError) -> ControlResponse? {
        var line: [UInt8]?
        while line == nil {
            if let newline = inbox[consumed...].firstIndex(of: UInt8(ascii: "\n")) {
                var text = Array(inbox[consumed..<newline])
                consumed = newline + 1
                if text.last == UInt8(ascii: "\r") { text.removeLast() }
                if text.isEmpty { continue }
                line = text
                break
            }
            if inbox.count - consumed > ControlLimits.maxResponseLineBytes {
                throw ControlClientError(
                    code: .protocol,
                    message:
                        "custodyd sent a line longer than \(ControlLimits.maxResponseLineBytes) bytes; narrow the request")
            }
            if try !fill() {
                // The end: a last line without its newline still counts.
                guard consumed < inbox.count else { return nil }
                line = Array(inbox[consumed...])
                consumed = inbox.count
            }
        }
        var response: ControlResponse
        do {
            response = try ControlResponse.decode(line: line!)
        } catch {
            throw ControlClientError(
                code: error.code == .unsupportedVersion ? .versionMismatch : .protocol, message: error.message)
        }
        if let length = response.dataLength, length > 0 {
            guard length <= ControlLimits.maxResponseLineBytes else {
                throw ControlClientError(code: .protocol, message: "custodyd announced \(length) bytes of content; too many")
            }
            while inbox.count - consumed < length {
                guard try fill() else {
                    throw ControlClientError(
                        code: .connection, message: "custodyd closed the connection in the middle of content")
                }
            }
            response.payload = Array(inbox[consumed..<consumed + length])
            consumed += length
        }
        return response
    }

    /// Reads more bytes into the inbox; false at the end of the stream.
    private func fill() throws(ControlClientError) -> Bool {
        if consumed > 0 && consumed == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            consumed = 0
        } else if consumed > 1 << 20 {
            inbox.removeFirst(consumed)
            consumed = 0
        }
        guard !atEnd else { return false }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                inbox.append(contentsOf: buffer[0..<count])
                return true
            }
            if count == 0 {
                atEnd = true
                return false
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw ControlClientError(
                    code: .timeout,
                    message: "custodyd did not answer on \(socketPath) in time; check `systemctl status custodyd`")
            }
            if errno == ECONNRESET {
                atEnd = true
                return false
            }
            throw ControlClientError(
                code: .connection, message: "reading from \(socketPath) failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Sends `request` and returns the first response, turning an `"ok": false` answer into an error.
    /// - Throws: `ControlClientError`, `.refused` carrying the server's message when it refused.
    public func call(_ request: ControlRequest) throws(ControlClientError) -> ControlResponse {
        do {
            try send(request)
        } catch {
            // A server that refuses (forbidden, busy) answers at once and closes, maybe before the
            // request was sent: its answer is still waiting to be read, and says more than EPIPE.
            if let response = try? receive(), !response.ok, let refusal = response.error {
                throw ControlClientError(
                    code: refusal.code == .unsupportedVersion ? .versionMismatch : .refused, message: refusal.message,
                    serverCode: refusal.code)
            }
            throw error
        }
        return try next()
    }

    /// The next response, an `"ok": false` answer as an error, the end of the connection as an error.
    /// - Throws: `ControlClientError`.
    public func next() throws(ControlClientError) -> ControlResponse {
        guard let response = try receive() else {
            throw ControlClientError(
                code: .connection, message: "custodyd closed the connection on \(socketPath) without an answer")
        }
        if !response.ok, let error = response.error {
            throw ControlClientError(
                code: error.code == .unsupportedVersion ? .versionMismatch : .refused, message: error.message,
                serverCode: error.code)
        }
        return response
    }
}

/// Why the CLI could not get an answer from the daemon.
public struct ControlClientError: CustodyError {
    /// What kind of failure this is; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case notRunning, permissionDenied, connect, connection, timeout, refused, versionMismatch, `protocol`
        }
        private let value: Value

        /// No socket at the path, or nobody listens on it.
        public static let notRunning = Code(value: .notRunning)
        /// The socket exists but the caller may not open it.
        public static let permissionDenied = Code(value: .permissionDenied)
        /// Connecting failed for another reason.
        public static let connect = Code(value: .connect)
        /// The connection broke.
        public static let connection = Code(value: .connection)
        /// The daemon did not answer in time.
        public static let timeout = Code(value: .timeout)
        /// The daemon answered `"ok": false`; `serverCode` says why.
        public static let refused = Code(value: .refused)
        /// The daemon speaks another protocol version.
        public static let versionMismatch = Code(value: .versionMismatch)
        /// The daemon sent something that is not a response.
        public static let `protocol` = Code(value: .protocol)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming the thing and the fix.
    public var message: String
    /// The server's error code, for `.refused`.
    public var serverCode: ControlError.Code?

    /// Creates an error.
    public init(code: Code, message: String, serverCode: ControlError.Code? = nil) {
        self.code = code
        self.message = message
        self.serverCode = serverCode
    }

    /// The error for a failed `connect(2)` to `path`.
    static func connecting(to path: String, errno code: Int32) -> ControlClientError {
        switch code {
        case ENOENT, ECONNREFUSED:
            return ControlClientError(
                code: .notRunning,
                message:
                    "no daemon listens on \(path): is custodyd running? Check `systemctl status custodyd`, or give the socket with --socket or $CUSTODY_SOCKET"
            )
        case EACCES, EPERM:
            let owner = socketOwner(of: path) ?? (group: "custody", groupIsPrivileged: false)
            guard !owner.groupIsPrivileged else {
                // Joining root's group, or the daemon's own, would hand out far more than the socket.
                return ControlClientError(
                    code: .permissionDenied,
                    message:
                        "permission denied opening \(path): the socket belongs to group \(owner.group), which gives far more than this socket (root's, or an administrators' group), so nobody should join it for Custody; an administrator sets `group` under `[control]` in custodyd's configuration to a dedicated group (`group = \"custody\"`, docs/configuration.md), restarts custodyd and adds the people who use Custody to that group (docs/operations.md)"
                )
            }
            return ControlClientError(
                code: .permissionDenied,
                message:
                    "permission denied opening \(path): add yourself to group \(owner.group) (`sudo usermod -aG \(owner.group) $USER`, then log in again)"
            )
        default:
            return ControlClientError(
                code: .connect, message: "cannot connect to \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Groups that give far more than the socket: nobody is told to join one to use Custody.
    static let privilegedGroups: Set<String> = [
        "root", "wheel", "sudo", "admin", "adm", "disk", "shadow", "staff", "docker", "lxd", "systemd-journal",
    ]

    /// The group that owns the socket, or (when this user cannot even see it) its directory: the
    /// group the daemon was configured to give access to, not a name assumed here; and whether that
    /// group is root's (gid 0, a daemon running as root with `socket_group` left at its own group) or
    /// another administrators' group. The packaged daemon's own group `custody` is the documented
    /// socket group (docs/operations.md), so it is not privileged here.
    static func socketOwner(of path: String) -> (group: String, groupIsPrivileged: Bool)? {
        var info = stat()
        let directory = (path as NSString).deletingLastPathComponent
        guard stat(path, &info) == 0 || stat(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        var group = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(info.st_gid, &group, &buffer, buffer.count, &result) == 0, result != nil else {
            return ("\(info.st_gid)", info.st_gid == 0)
        }
        let name = String(cString: group.gr_name)
        return (name, info.st_gid == 0 || privilegedGroups.contains(name))
    }
}

import ControlProtocol
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Linux socket option numbers Glibc's Swift overlay leaves out (they need `_GNU_SOURCE`).
private let soPeerCred: Int32 = 17
private let soPeerGroups: Int32 = 59

/// The bound, listening control socket file. Owns the descriptor and removes the file it created.
final class ListeningSocket: Sendable {
    let descriptor: Int32
    let path: String
    /// The file's identity after bind, so `remove` never unlinks a file someone else put there later.
    private let device: UInt64
    private let inode: UInt64

    /// Binds `path` (removing a stale socket left by a crash first), sets mode 0660 and the group,
    /// and listens.
    /// - Throws: `ControlServerError` naming the path or the call that failed.
    init(path: String, group: UInt32?, backlog: Int32) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ControlServerError(
                code: .socketPath,
                message:
                    "control socket path \(path) is longer than a Unix socket allows; set a shorter control.socket_path"
            )
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        try Self.removeStaleSocket(at: path, address: address)

        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("socket", path) }
        func fail(_ call: String) -> ControlServerError {
            let error = Self.failure(call, path)
            _ = Glibc.close(descriptor)
            return error
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw fail("bind") }
        // Before listen: until then no one can connect, whatever the umask made of the mode.
        guard chmod(path, 0o660) == 0 else {
            unlink(path)
            throw fail("chmod 0660")
        }
        if let group, chown(path, uid_t.max, group) != 0 {
            unlink(path)
            throw fail("chown to gid \(group)")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            unlink(path)
            throw fail("lstat")
        }
        guard listen(descriptor, backlog) == 0, setNonBlocking(descriptor) else {
            unlink(path)
            throw fail("listen")
        }
        self.descriptor = descriptor
        self.path = path
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    /// Closes the socket and removes its file, if the file is still the one this socket created.
    func close() {
        var status = stat()
        if lstat(path, &status) == 0, UInt64(status.st_dev) == device, UInt64(status.st_ino) == inode {
            unlink(path)
        }
        _ = Glibc.close(descriptor)
    }

    /// Removes `path` if it is a socket nobody listens on; a live daemon's socket or any other file
    /// is an error, never unlinked.
    private static func removeStaleSocket(at path: String, address: sockaddr_un) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw failure("lstat", path)
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw ControlServerError(
                code: .socketPath,
                message:
                    "\(path) exists and is not a socket; refusing to remove it: move it away or set control.socket_path to another path"
            )
        }
        // Non-blocking: a live daemon with a full backlog must not hold up the start (EAGAIN says it lives).
        let probe = socket(
            AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard probe >= 0 else { throw failure("socket", path) }
        defer { _ = Glibc.close(probe) }
        var address = address
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected == 0 || errno == EAGAIN {
            throw ControlServerError(
                code: .socketPath,
                message:
                    "another process listens on \(path); stop it (`systemctl stop custodyd`) or set control.socket_path to another path"
            )
        }
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("unlink of the stale socket", path) }
    }

    private static func failure(_ call: String, _ path: String) -> ControlServerError {
        ControlServerError(
            code: .socket,
            message:
                "\(call) failed for control socket \(path): \(String(cString: strerror(errno))); check the directory exists and custodyd may write it"
        )
    }
}

/// Makes `descriptor` non-blocking; false on failure.
func setNonBlocking(_ descriptor: Int32) -> Bool {
    let flags = fcntl(descriptor, F_GETFL)
    return flags >= 0 && fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0
}

/// The instant `seconds` from now.
func deadline(after seconds: Double) -> ContinuousClock.Instant {
    .now + .nanoseconds(Int64((max(0, seconds) * 1e9).rounded()))
}

/// One accepted, non-blocking connection. Every wait is a `poll(2)` with a deadline, so a peer that
/// never sends or never reads costs its own thread a bounded time and nobody else anything.
struct PeerSocket {
    let descriptor: Int32

    /// Why an I/O call stopped.
    enum Failure: Error {
        /// The deadline passed.
        case timedOut
        /// The peer closed or reset the connection, or the server shut it down.
        case closed
    }

    /// The kernel's record of who connected: uid, gid, pid and supplementary groups. No user name:
    /// that takes the user database, which the accept thread must not wait on.
    func kernelIdentity() -> ControlCaller? {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        var raw: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: raw))
        guard getsockopt(descriptor, SOL_SOCKET, soPeerCred, &raw, &length) == 0,
            length == socklen_t(MemoryLayout.size(ofValue: raw))
        else { return nil }
        let (pid, uid, gid) = raw
        var groups: [UInt32]
        var count = 64
        while true {
            groups = [UInt32](repeating: 0, count: count)
            var size = socklen_t(count * MemoryLayout<UInt32>.size)
            if getsockopt(descriptor, SOL_SOCKET, soPeerGroups, &groups, &size) == 0 {
                groups = Array(groups.prefix(Int(size) / MemoryLayout<UInt32>.size))
                break
            }
            if errno == ERANGE, Int(size) / MemoryLayout<UInt32>.size > count {
                count = Int(size) / MemoryLayout<UInt32>.size
                continue
            }
            // ENOPROTOOPT: a kernel before 4.13. The user database is the next best source.
            groups = UserDatabase.userName(of: uid).map { UserDatabase.groupList(of: $0, primaryGroup: gid) } ?? []
            break
        }
        return ControlCaller(uid: uid, gid: gid, pid: pid, groups: groups, name: nil)
    }

    /// Reads what is there into `buffer`, waiting until `deadline` (nil: for ever) for something.
    /// - Returns: the number of bytes read, at least 1.
    func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: ContinuousClock.Instant?) throws(Failure)
        -> Int
    {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return count }
            if count == 0 { throw .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), until: deadline)
            default: throw .closed
            }
        }
    }

    /// Writes all of `bytes` before `deadline`.
    func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if sent >= 0 {
                offset += sent
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), until: deadline)
            default: throw .closed
            }
        }
    }

    /// Waits until the socket is ready for `events` or `deadline` passes.
    func wait(for events: Int16, until deadline: ContinuousClock.Instant?) throws(Failure) {
        var descriptors = [pollfd(fd: descriptor, events: events, revents: 0)]
        while true {
            let ready = poll(&descriptors, 1, milliseconds(until: deadline))
            if ready > 0 { return }  // An error or hang-up shows in the next call.
            // poll's clock and ticks are coarser than the deadline's: never give up before it.
            if ready == 0, let deadline, ContinuousClock.now < deadline { continue }
            if ready == 0 { throw .timedOut }
            if errno != EINTR { throw .closed }
        }
    }
}

/// `poll(2)`'s timeout for `deadline`: -1 for none, else milliseconds left, rounded up.
func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
    guard let deadline else { return -1 }
    let left = ContinuousClock.now.duration(to: deadline)
    if left <= .zero { return 0 }
    let (seconds, attoseconds) = left.components
    let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: total)
}

/// A non-blocking pipe whose reading end wakes a `poll`; writing never blocks (a full pipe already
/// means "wake up").
final class WakePipe: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    init?() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = setNonBlocking(end)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Wakes whoever polls the reading end.
    func signal() {
        var byte: UInt8 = 1
        _ = Glibc.write(writeEnd, &byte, 1)
    }

    /// Empties the pipe after a wake-up.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while Glibc.read(readEnd, &buffer, buffer.count) > 0 {}
    }

    deinit {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }
}

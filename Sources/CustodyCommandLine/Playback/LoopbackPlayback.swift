import ControlProtocol
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `custody play`'s endpoint: an HTTP/1.1 server on 127.0.0.1, in the caller's own process, that an
/// ordinary player opens and seeks in with `Range` requests. Each range is fetched from the daemon's
/// content view as it is asked for; nothing is written to disk and nothing is cached beyond one
/// chunk in flight. The URL carries a random token, so another local user cannot read the stream
/// even though loopback is open to every process (the daemon's view also serves only this uid).
///
/// When the daemon refuses a range (access ended mid-view, the item moved to the trash), the player
/// is never handed an empty success: a range not yet begun is answered with an error status, one
/// under way is cut short, nothing more is served, and `refusal` says why for `custody play` to report.
public final class LoopbackPlayback: Sendable {
    /// Fetches `length` bytes at `offset` of the view (the daemon's `view.read`).
    public typealias Fetch = @Sendable (_ offset: Int64, _ length: Int) throws -> [UInt8]

    /// Why serving stopped: the HTTP status a player gets for it and the daemon's message.
    public struct Refusal: Sendable, Equatable {
        /// `403 Forbidden` (the daemon said forbidden), `404 Not Found` (gone: no such view or
        /// item), `500 Internal Server Error` (anything else).
        public var status: String
        public var message: String
    }

    /// The bytes fetched per daemon round trip.
    static let chunk = 1 << 20

    private let view: ContentView
    private let fetch: Fetch
    private let token: String
    private let listener: Int32
    /// The port the kernel gave the listener.
    public let port: UInt16
    private let served = Atomic<Int64>(0)
    private let stopping = Atomic<Bool>(false)
    private let firstRefusal = Mutex<Refusal?>(nil)
    private let refused: @Sendable (Refusal) -> Void

    /// Binds 127.0.0.1 on a port the kernel picks.
    /// - Parameter refused: called once, on the serving thread, when the daemon first refuses a range.
    /// - Throws: `ControlClientError` when no loopback socket can be had.
    public init(view: ContentView, fetch: @escaping Fetch, refused: @escaping @Sendable (Refusal) -> Void = { _ in })
        throws
    {
        self.view = view
        self.fetch = fetch
        self.refused = refused
        var generator = SystemRandomNumberGenerator()
        token = (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw Self.failure("bind 127.0.0.1")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(listener) }

    /// The URL a player opens: the token, then the camera's file name (percent-encoded) for players
    /// that guess the format from it.
    public var url: String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let name = view.name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "media"
        return "http://127.0.0.1:\(port)/\(token)/\(name)"
    }

    /// Plaintext bytes sent to players so far.
    public var bytesServed: Int64 { served.load(ordering: .relaxed) }

    /// The daemon's first refusal, after which nothing more was served; nil while none came.
    public var refusal: Refusal? { firstRefusal.withLock { $0 } }

    /// Serves on a thread of its own until `stop()`.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "custody-play"
        thread.start()
    }

    /// Stops taking connections; those being served end at their next write.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while !stopping.load(ordering: .relaxed) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in
                serve(connection)
                close(connection)
            }
            thread.start()
        }
    }

    // MARK: - One connection

    private func serve(_ connection: Int32) {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = HTTPRequestHead.read(from: connection) else { return }
        guard request.path.split(separator: "/").first.map(String.init) == token else {
            respond(connection, status: "404 Not Found", headers: [:], body: false)
            return
        }
        if let refusal {
            respond(connection, refusal)
            return
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            respond(connection, status: "405 Method Not Allowed", headers: ["Allow": "GET, HEAD"], body: false)
            return
        }
        let size = view.size
        var range = 0..<size
        var status = "200 OK"
        var headers = ["Content-Type": view.mimeType, "Accept-Ranges": "bytes", "Cache-Control": "no-store"]
        if let header = request.headers["range"] {
            guard let asked = ByteRange.parse(header, size: size) else {
                headers["Content-Range"] = "bytes */\(size)"
                respond(connection, status: "416 Range Not Satisfiable", headers: headers, body: false)
                return
            }
            range = asked
            status = "206 Partial Content"
            headers["Content-Range"] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"
        }
        headers["Content-Length"] = "\(range.count)"
        guard request.method == "GET" else {
            respond(connection, status: status, headers: headers, body: false)
            return
        }
        // The first chunk is fetched before the status line, so a refusal of a range not yet begun
        // reaches the player as an error status, not as a success with no body.
        var offset = range.lowerBound
        var pending: [UInt8] = []
        if !range.isEmpty {
            guard let first = fetchChunk(at: offset, upTo: range.upperBound) else {
                if let refusal { respond(connection, refusal) }
                return
            }
            pending = first
        }
        guard respond(connection, status: status, headers: headers, body: true) else { return }
        while !pending.isEmpty {
            guard Self.send(pending, to: connection) else { return }
            served.add(Int64(pending.count), ordering: .relaxed)
            offset += Int64(pending.count)
            // Cut short once stopped or refused: the player sees fewer bytes than Content-Length said.
            guard offset < range.upperBound, !stopping.load(ordering: .relaxed),
                let next = fetchChunk(at: offset, upTo: range.upperBound)
            else { return }
            pending = next
        }
    }

    /// The next chunk from the daemon, or nil once it refused (recorded, and serving stopped).
    private func fetchChunk(at offset: Int64, upTo end: Int64) -> [UInt8]? {
        let length = Int(min(Int64(Self.chunk), end - offset))
        do {
            let bytes = try fetch(offset, length)
            if !bytes.isEmpty { return bytes }
            stop(
                Refusal(
                    status: "500 Internal Server Error",
                    message:
                        "custodyd served nothing at byte \(offset) of item \(view.item), short of its \(view.size) bytes"
                ))
        } catch {
            stop(Refusal(status: Self.status(for: error), message: "\(error)"))
        }
        return nil
    }

    /// Keeps the first refusal, tells the owner once, and stops serving.
    private func stop(_ refusal: Refusal) {
        let first = firstRefusal.withLock { kept -> Bool in
            guard kept == nil else { return false }
            kept = refusal
            return true
        }
        stop()
        if first { refused(refusal) }
    }

    /// The status for a failed fetch: what the daemon said, as HTTP says it.
    static func status(for error: any Error) -> String {
        switch (error as? ControlClientError)?.serverCode {
        case .forbidden?: return "403 Forbidden"
        case .notFound?: return "404 Not Found"
        default: return "500 Internal Server Error"
        }
    }

    /// Answers with `refusal`'s status and its message as a text body.
    private func respond(_ connection: Int32, _ refusal: Refusal) {
        let body = Array("custody: \(refusal.message)\n".utf8)
        let headers = [
            "Content-Type": "text/plain; charset=utf-8", "Content-Length": "\(body.count)", "Cache-Control": "no-store",
        ]
        guard respond(connection, status: refusal.status, headers: headers, body: true) else { return }
        _ = Self.send(body, to: connection)
    }

    @discardableResult
    private func respond(_ connection: Int32, status: String, headers: [String: String], body: Bool) -> Bool {
        var text = "HTTP/1.1 \(status)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        if !body && headers["Content-Length"] == nil { text += "Content-Length: 0\r\n" }
        text += "\r\n"
        return Self.send(Array(text.utf8), to: connection)
    }

    private static func send(_ bytes: [UInt8], to connection: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    private static func failure(_ call: String) -> ControlClientError {
        ControlClientError(
            code: .connect, message: "custody play cannot \(call) for the player: \(String(cString: strerror(errno)))")
    }
}

/// The head of one HTTP request: method, path, headers (names lower-cased).
struct HTTPRequestHead {
    var method: String
    var path: String
    var headers: [String: String]

    /// Reads up to the blank line, at most 16 KiB; nil for anything that is not an HTTP request.
    static func read(from connection: Int32) -> HTTPRequestHead? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 16 * 1024 {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            bytes += buffer[0..<count]
            if let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) {
                return parse(String(decoding: bytes[..<end.lowerBound], as: UTF8.self))
            }
        }
        return nil
    }

    static func parse(_ text: String) -> HTTPRequestHead? {
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return HTTPRequestHead(method: String(parts[0]), path: String(parts[1]), headers: headers)
    }
}

/// One `Range: bytes=…` (RFC 9110 §14.1.2): `a-b`, `a-`, `-n`; several ranges are answered with the
/// first, which players never ask for anyway.
enum ByteRange {
    static func parse(_ header: String, size: Int64) -> Range<Int64>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6).split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2 else { return nil }
        if bounds[0].isEmpty {
            guard let suffix = Int64(bounds[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)..<size
        }
        guard let first = Int64(bounds[0]), first >= 0, first < size else { return nil }
        if bounds[1].isEmpty { return first..<size }
        guard let last = Int64(bounds[1]), last >= first else { return nil }
        return first..<min(last + 1, size)
    }
}

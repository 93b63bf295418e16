import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import CustodyCore
import EvidenceCrypto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A content view on one connection: `view.read` ranges until closed. One connection per view,
/// serialised, so a player's parallel range requests take turns.
final class ViewReader: Sendable {
    private let client: Mutex<ControlClient?>
    private let socketPath: String
    let view: ContentView

    /// Opens a view of `item` in `mode` (`play` or `cat`).
    init(socket: SocketOptions, item: String, mode: String) throws {
        socketPath = socket.path
        let client = try ControlClient(socketPath: socket.path)
        let response = try client.call(.operation(.viewOpen, ControlArguments(item: item, mode: mode)))
        guard let view = response.view else {
            throw ControlClientError(code: .protocol, message: "custodyd answered view.open without a view")
        }
        self.view = view
        self.client = Mutex(client)
    }

    /// `length` plaintext bytes at `offset`; fewer at the end.
    func read(at offset: Int64, length: Int) throws -> [UInt8] {
        try client.withLock { client in
            guard let connected = client else {
                throw ControlClientError(code: .connection, message: "the view is closed")
            }
            let request = ControlRequest.operation(
                .viewRead, ControlArguments(view: view.id, offset: offset, length: length))
            do {
                return try connected.call(request).payload
            } catch let error as ControlClientError where error.code == .connection {
                // The daemon drops a connection left idle past its peer timeout (a paused player, a
                // slow pipe); the view is this uid's, not the connection's, so a new one reads on.
                let fresh = try ControlClient(socketPath: socketPath)
                client = fresh
                return try fresh.call(request).payload
            }
        }
    }

    /// Ends the view, so its end and the bytes served are on record.
    func close() {
        client.withLock { client in
            _ = try? client?.call(.operation(.viewClose, ControlArguments(view: view.id)))
            client = nil
        }
    }
}

struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Write an item's plaintext to standard output, for a pipe (the view is audited).",
        discussion: """
            Nothing is written to disk by custody; where the output goes is yours. The bytes are checked \
            against the SHA-256 recorded at ingest. custodyd decides access again before every 4 MiB it \
            serves: if it ended mid-view (a grant expired or was revoked, the person left, the item was made \
            restricted or moved to the trash), the output stops there.

            Exit status: 0 every byte served and matching; 1 the bytes did not match the recorded SHA-256; \
            2 refused (from the start or mid-view) or custodyd unreachable, with custodyd's reason on \
            standard error.
            """)

    @OptionGroup var socket: SocketOptions

    @Argument(help: "Item id, or its first 8 or more characters.")
    var id: String

    func run() throws {
        let reader = try ViewReader(socket: socket, item: id, mode: "cat")
        defer { reader.close() }
        let hasher = SHA256Hasher()
        var offset: Int64 = 0
        while offset < reader.view.size {
            let bytes = try reader.read(at: offset, length: 4 << 20)
            guard !bytes.isEmpty else { break }
            hasher.update(bytes)
            FileHandle.standardOutput.write(Data(bytes))
            offset += Int64(bytes.count)
        }
        let hash = hasher.finalize().hex
        guard offset == reader.view.size, hash == reader.view.sha256 else {
            FileHandle.standardError.write(
                Data(
                    "custody: item \(reader.view.item) gave \(offset) bytes hashing to \(hash), not the \(reader.view.size) bytes of \(reader.view.sha256) recorded at ingest\n"
                        .utf8))
            throw ExitCode(1)
        }
    }
}

struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract:
            "Play an item in mpv, ffplay or vlc, with seeking; no plaintext touches any disk (the view is audited).",
        discussion: """
            custody serves the recording to the player from 127.0.0.1 with a one-time URL, fetching each range \
            the player asks for from custodyd as it is asked for. --player takes a command; {url} in it is \
            replaced by the URL (else the URL is appended). It runs through /bin/sh.

            custodyd decides access again before every range it serves. When it refuses one (a grant \
            expired or was revoked, the person left, the item was made restricted or moved to the trash), \
            the player gets an error status (403 refused, 404 gone, 500 other) or a cut-short body, nothing \
            more is served, and custody prints custodyd's reason at once.

            Exit status: 0 the player ended normally with nothing refused; 2 custodyd refused a range or \
            the view (the reason is printed) or could not be reached; otherwise the player's own non-zero \
            status.
            """)

    @OptionGroup var socket: SocketOptions

    @Argument(help: "Item id, or its first 8 or more characters.")
    var id: String

    @Option(help: "The player command (default: the first of mpv, ffplay, vlc found on PATH).")
    var player: String?

    func run() throws {
        let command = try player ?? Self.defaultPlayer()
        let reader = try ViewReader(socket: socket, item: id, mode: "play")
        defer { reader.close() }
        let server = try LoopbackPlayback(
            view: reader.view, fetch: { offset, length in try reader.read(at: offset, length: length) },
            refused: { refusal in
                // At once, not when the player exits: the person must know why the picture stopped.
                FileHandle.standardError.write(Data("custody: playback stopped: \(refusal.message)\n".utf8))
            })
        server.start()
        defer { server.stop() }
        let line =
            command.contains("{url}")
            ? command.replacingOccurrences(of: "{url}", with: server.url) : command + " " + server.url
        FileHandle.standardError.write(Data("custody: playing \(reader.view.name) (\(reader.view.size) bytes)\n".utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        try process.run()
        process.waitUntilExit()
        FileHandle.standardError.write(Data("custody: served \(server.bytesServed) bytes\n".utf8))
        // A refusal outranks whatever the player made of it: the bytes it wanted were not served.
        if server.refusal != nil { throw ExitCode(2) }
        if process.terminationStatus != 0 { throw ExitCode(process.terminationStatus) }
    }

    static func defaultPlayer() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["mpv", "ffplay", "vlc"] {
            for directory in path.split(separator: ":")
            where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return name
            }
        }
        throw ValidationError("no player found: install mpv, ffplay (ffmpeg) or vlc, or give one with --player")
    }
}

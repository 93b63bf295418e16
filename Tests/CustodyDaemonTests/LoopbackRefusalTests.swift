import ControlProtocol
import CustodyCommandLine
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custody play`'s loopback endpoint when custodyd refuses a range: the player gets the refusal's
/// status with the daemon's message, never a success with an empty body; nothing more is served; the
/// owner is told once. A real HTTP client (python3's urllib) on a real loopback socket.
@Suite struct LoopbackRefusalTests {
    static let view = ContentView(
        id: "view", item: "0123abcd", size: 3 << 20, name: "clip.mp4", sha256: String(repeating: "0", count: 64),
        kind: "video", mimeType: "video/mp4")

    /// Fetches `ranges` from `url` in order, one line per request: `STATUS BYTES BODY-IF-ERROR`.
    static func get(_ url: String, _ ranges: [String]) throws -> [String] {
        let script = """
            import sys, urllib.error, urllib.request
            for header in sys.argv[2:]:
                request = urllib.request.Request(sys.argv[1], headers={"Range": header})
                try:
                    with urllib.request.urlopen(request) as response:
                        print(response.status, len(response.read()), flush=True)
                except urllib.error.HTTPError as error:
                    print(error.code, 0, error.read().decode().strip(), flush=True)
                except Exception as error:
                    print("failed", type(error).__name__, flush=True)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url] + ranges
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(arguments: [
        (ControlError.Code.forbidden, "403"), (ControlError.Code.notFound, "404"), (ControlError.Code.internal, "500"),
    ])
    func aRefusedRangeIsAnErrorStatusWithTheReasonAndServingStops(_ code: ControlError.Code, _ status: String) throws {
        let told = Mutex<[String]>([])
        let server = try LoopbackPlayback(
            view: Self.view,
            fetch: { offset, length in
                // The first megabyte is served; the daemon refuses from there on.
                guard offset < 1 << 20 else {
                    throw ControlClientError(code: .refused, message: "access to item 0123abcd ended", serverCode: code)
                }
                return [UInt8](repeating: 7, count: length)
            },
            refused: { refusal in told.withLock { $0.append(refusal.status) } })
        server.start()
        defer { server.stop() }
        let lines = try Self.get(server.url, ["bytes=0-99", "bytes=2097152-", "bytes=0-99"])
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first == "206 100")
        // Refused before its first byte: the status and the daemon's message, no 206.
        #expect(
            lines.dropFirst().first?.hasPrefix("\(status) 0 custody: access to item 0123abcd ended") == true, "\(lines)"
        )
        // Nothing more afterwards: the endpoint stopped listening.
        #expect(lines.last?.hasPrefix("failed") == true, "\(lines)")
        #expect(server.refusal?.status.hasPrefix(status) == true)
        #expect(told.withLock { $0.count } == 1)
        #expect(server.bytesServed == 100)
    }

    @Test func aRangeRefusedPartWayIsCutShort() throws {
        let server = try LoopbackPlayback(
            view: Self.view,
            fetch: { offset, length in
                guard offset < 1 << 20 else {
                    throw ControlClientError(code: .refused, message: "moved to the trash", serverCode: .forbidden)
                }
                return [UInt8](repeating: 7, count: length)
            })
        server.start()
        defer { server.stop() }
        // The status line went with the first megabyte; the rest never comes, so the body is short.
        let lines = try Self.get(server.url, ["bytes=0-"])
        #expect(lines.first?.hasPrefix("failed") == true, "\(lines)")
        #expect(server.refusal?.message == "moved to the trash")
        #expect(server.bytesServed == 1 << 20)
    }
}

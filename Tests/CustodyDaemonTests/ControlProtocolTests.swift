import ControlProtocol
import CustodyTesting
import Foundation
import Testing

@Suite struct ControlProtocolTests {
    private func line(_ string: String) -> [UInt8] { Array(string.utf8) }

    private func decodeError(_ string: String) -> ControlRequestError? {
        do {
            _ = try ControlRequest.decode(line: line(string))
            return nil
        } catch {
            return error
        }
    }

    @Test func requestsRoundTripAndListFiltersSitBesideTheKind() throws {
        let list = ControlRequest.list(
            ItemQuery(device: "DEV1", recordedFrom: "2024-05-01", location: false, limit: 5), id: "q1")
        let encoded = try list.encodedLine()
        #expect(
            String(decoding: encoded, as: UTF8.self)
                == "{\"device\":\"DEV1\",\"id\":\"q1\",\"limit\":5,\"location\":false,\"recorded_from\":\"2024-05-01\",\"request\":\"list\",\"v\":1}\n"
        )
        #expect(try ControlRequest.decode(line: Array(encoded.dropLast())) == list)
        for request in [ControlRequest.status(), .status(watch: true, id: "w"), .show("2a2c0f00")] {
            #expect(try ControlRequest.decode(line: Array(try request.encodedLine().dropLast())) == request)
        }
    }

    @Test func badRequestsNameTheProblemAndEchoTheID() throws {
        #expect(decodeError("hello")?.error.code == .badRequest)
        #expect(decodeError("hello")?.requestID == nil)
        #expect(decodeError("[1,2]")?.error.code == .badRequest)

        let version = try #require(decodeError(#"{"v":2,"id":"a","request":"status"}"#))
        #expect(version.error.code == .unsupportedVersion)
        #expect(version.requestID == "a")
        #expect(version.error.message.contains("version 1, not 2"))

        let kind = try #require(decodeError(#"{"v":1,"id":"b","request":"delete"}"#))
        #expect(kind.error.code == .badRequest)
        #expect(kind.error.message.contains("'delete'"))
        #expect(kind.requestID == "b")

        let unknown = try #require(decodeError(#"{"v":1,"request":"list","devcie":"DEV1"}"#))
        #expect(unknown.error.message.contains("'devcie'"))
        // A field of another request is unknown too: `item` means nothing to `list`.
        #expect(decodeError(#"{"v":1,"request":"list","item":"x"}"#)?.error.code == .badRequest)

        let type = try #require(decodeError(#"{"v":1,"request":"list","limit":"ten"}"#))
        #expect(type.error.message.contains("'limit' must be an integer"))
        #expect(decodeError(#"{"v":1,"request":"list","limit":0}"#)?.error.code == .badRequest)
        #expect(decodeError(#"{"v":1,"request":"list","limit":1001}"#)?.error.code == .badRequest)
        #expect(decodeError(#"{"v":1,"request":"show"}"#)?.error.message.contains("\"item\"") == true)
        #expect(decodeError(#"{"v":1,"request":"status","watch":"yes"}"#)?.error.code == .badRequest)
    }

    @Test func responsesAreOneLineWithOnlyTheirFields() throws {
        let failure = ControlResponse.failure(ControlError(code: .forbidden, message: "no"), id: "x")
        let encoded = String(decoding: try failure.encodedLine(), as: UTF8.self)
        #expect(
            encoded == "{\"error\":{\"code\":\"forbidden\",\"message\":\"no\"},\"id\":\"x\",\"ok\":false,\"v\":1}\n")

        var bay = BayStatus(id: "usb:1-1", kind: .device, phase: .ingesting)
        bay.currentFile = "DCIM/a\nb.mp4"
        let status = ControlResponse.status(
            DaemonStatus(state: .ready, version: "t", startedAt: "s", bays: [bay]), id: nil)
        let line = try status.encodedLine()
        #expect(line.firstIndex(of: UInt8(ascii: "\n")) == line.count - 1)
        #expect(try ControlResponse.decode(line: Array(line.dropLast())) == status)

        let mismatch = #expect(throws: ControlError.self) {
            _ = try ControlResponse.decode(line: Array(#"{"v":2,"ok":true}"#.utf8))
        }
        #expect(mismatch?.code == .unsupportedVersion)
    }

    @Test func itemJSONKeepsTheShapeCustodydPrinted() throws {
        let item = ItemView(
            id: "2a2c", state: "verified", sha256: "aa", ciphertextSHA256: "bb", size: 10, ciphertextSize: 90,
            source: ItemView.Source(
                device: "DEV1", root: "/import", path: "DCIM/A.MP4", pathHex: "41", size: 10,
                modified: "2024-05-01T10:00:00.000000000Z"),
            ingestedAt: "2026-11-22T15:02:40.969Z",
            media: ItemView.Media(kind: "video", durationSeconds: 3, hasLocation: false))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(
            String(decoding: try encoder.encode(item), as: UTF8.self)
                == #"{"ciphertext_sha256":"bb","ciphertext_size":90,"id":"2a2c","ingested_at":"2026-11-22T15:02:40.969Z","media":{"duration_seconds":3,"has_location":false,"kind":"video"},"sha256":"aa","size":10,"source":{"device":"DEV1","modified":"2024-05-01T10:00:00.000000000Z","path":"DCIM/A.MP4","path_hex":"41","root":"/import","size":10},"state":"verified"}"#
        )
        #expect(
            String(decoding: try encoder.encode(ItemListView(items: [])), as: UTF8.self) == #"{"count":0,"items":[]}"#)
    }
}

extension ControlProtocolTests {
    /// A cheap, deterministic cousin of `make fuzz-control`: mutated requests and random bytes never
    /// crash the decoder, and whatever decodes survives encoding.
    @Test func mutatedAndRandomLinesNeverCrashTheDecoder() throws {
        let seeds = [
            #"{"v":1,"id":"a","request":"list","device":"D","limit":5,"location":true,"recorded_to":"2024-05-01"}"#,
            #"{"v":1,"request":"status","watch":true}"#, #"{"v":1,"request":"show","item":"2a2c0f9e"}"#,
        ].map { Array($0.utf8) }
        for round in 0..<3000 {
            var line = seeds[round % seeds.count]
            let noise = testBytes(count: 8, seed: UInt64(round))
            if round % 2 == 0 {
                line[Int(noise[0]) % line.count] = noise[1]
                line[Int(noise[2]) % line.count] = noise[3] % 2 == 0 ? UInt8(ascii: "\"") : noise[4]
            } else {
                line = testBytes(count: Int(noise[0]), seed: UInt64(round) + 1)
            }
            if let request = try? ControlRequest.decode(line: line) {
                #expect(try ControlRequest.decode(line: Array(try request.encodedLine().dropLast())) == request)
            }
            _ = try? ControlResponse.decode(line: line)
        }
    }
}

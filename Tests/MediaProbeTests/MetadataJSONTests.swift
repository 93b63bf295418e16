import CustodyCore
import Foundation
import MediaProbe
import Testing

/// Every time in the metadata JSON is RFC 3339 text, whatever encoder writes it (docs/cli-json.md).
@Suite struct MetadataJSONTests {
    func recordedAt(in json: Data) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return try #require(object["recordedAt"] as? [String: Any])
    }

    @Test func aDefaultEncoderWritesTheRecordedAtTimesAsRFC3339() throws {
        var metadata = MediaProber(assumedZone: TimeZone(identifier: "UTC")!, deviceClockOffset: 1.5)
            .probe(try FileSource(ProbeMedia.path("moov-at-end.mp4")), context: .init(fileName: "moov-at-end.mp4"))
        #expect(metadata.recordedAt?.corrected != nil)
        let recorded = try recordedAt(in: try JSONEncoder().encode(metadata))
        #expect(recorded["time"] as? String == "2024-05-01T10:00:00.000Z")
        #expect(recorded["corrected"] as? String == "2024-05-01T09:59:58.500Z")

        let decoded = try JSONDecoder().decode(MediaMetadata.self, from: try JSONEncoder().encode(metadata))
        #expect(decoded == metadata)
        metadata.recordedAt?.corrected = nil
        let withoutCorrection = try recordedAt(in: try JSONEncoder().encode(metadata))
        #expect(withoutCorrection["corrected"] == nil)
    }

    @Test func timesWrittenBeforeTheFixAreStillRead() throws {
        // What a default JSONEncoder wrote: seconds since 2001; and `.iso8601` without milliseconds.
        let legacy = #"{"source":"container","raw":"x","time":736250400}"#
        let iso = #"{"source":"container","raw":"x","time":"2024-05-01T10:00:00Z","corrected":null}"#
        let expected = Date(timeIntervalSince1970: 1_714_557_600)
        #expect(try JSONDecoder().decode(MediaMetadata.RecordedAt.self, from: Data(legacy.utf8)).time == expected)
        let parsed = try JSONDecoder().decode(MediaMetadata.RecordedAt.self, from: Data(iso.utf8))
        #expect(parsed.time == expected)
        #expect(parsed.corrected == nil)
        let bad = #"{"source":"container","raw":"x","time":"yesterday"}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MediaMetadata.RecordedAt.self, from: Data(bad.utf8))
        }
    }
}

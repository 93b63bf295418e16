import CustodyCore
import Foundation
import MediaProbe
import Testing

/// For every kind of media a dock meets, Custody's probe agrees with `ffprobe` on the same file:
/// duration within 1 ms, container, codecs, profiles, dimensions, sample rates, channels and tags.
@Suite struct FFprobeAgreementTests {
    static let media = [
        "moov-at-end.mp4", "faststart.mp4", "rotated.mp4", "with-location.mov", "clip.mkv", "clip.avi", "voice.wav", "voice.mp3",
        "photo.jpg",
    ]

    func probe(_ name: String) throws -> MediaMetadata {
        MediaProber(assumedZone: TimeZone(identifier: "UTC")!)
            .probe(try FileSource(ProbeMedia.path(name)), context: .init(fileName: name))
    }

    @Test(arguments: media)
    func agreesWithFFprobe(_ name: String) throws {
        let ours = try probe(name)
        let reference = try ProbeMedia.ffprobe(name)
        let format = try #require(reference["format"] as? [String: Any])
        let streams = try #require(reference["streams"] as? [[String: Any]])

        #expect(ours.unreadable == nil)
        #expect(ours.damage == nil, "\(name): \(ours.damage ?? "")")
        // ffprobe picks a still image's demuxer by its file name (image2, 1 frame at 25 fps); Custody
        // reads bytes, not names, and gets the content-probed jpeg_pipe. Streams must agree all the same.
        let isStill = ours.kind == .photo
        if !isStill { #expect(ours.container == format["format_name"] as? String) }
        if !isStill, let duration = (format["duration"] as? String).flatMap(Double.init) {
            let probed = try #require(ours.durationSeconds)
            #expect(abs(probed - duration) < 0.001, "\(name): \(probed) vs \(duration)")
        }
        if !isStill, let bitRate = (format["bit_rate"] as? String).flatMap(Int64.init) {
            #expect(ours.bitRate == bitRate)
        }
        #expect(ours.tags == (format["tags"] as? [String: String] ?? [:]))
        #expect(ours.streams.count == streams.count)
        for (mine, theirs) in zip(ours.streams, streams) {
            #expect(mine.kind == theirs["codec_type"] as? String)
            #expect(mine.codec == theirs["codec_name"] as? String)
            #expect(mine.profile == theirs["profile"] as? String)
            #expect(mine.width == theirs["width"] as? Int)
            #expect(mine.height == theirs["height"] as? Int)
            #expect(mine.sampleRate == (theirs["sample_rate"] as? String).flatMap(Int.init))
            #expect(mine.channels == theirs["channels"] as? Int)
            #expect(mine.tags == (theirs["tags"] as? [String: String] ?? [:]))
            let sideData = (theirs["side_data_list"] as? [[String: Any]])?.first {
                $0["side_data_type"] as? String == "Display Matrix"
            }
            #expect(mine.displayMatrix == sideData.flatMap { Self.matrix($0["displaymatrix"] as? String) })
            // ffprobe prints the angle as a C cast to an integer does: truncated.
            #expect(mine.rotation.map { Int($0) } == sideData?["rotation"] as? Int)
        }
    }

    /// ffprobe's `displaymatrix` text: three lines `0000000N:  a  b  c`.
    static func matrix(_ text: String?) -> [Int32]? {
        text.map { text in
            text.split(separator: "\n").flatMap { $0.split(separator: " ").dropFirst().compactMap { Int32($0) } }
        }
    }

    @Test func aClipWornSidewaysRecordsItsRotation() throws {
        let rotated = try probe("rotated.mp4")
        let video = try #require(rotated.streams.first { $0.kind == "video" })
        #expect(video.rotation.map(abs) == 90)
        #expect(video.displayMatrix?.count == 9)
        let upright = try #require(try probe("moov-at-end.mp4").streams.first { $0.kind == "video" })
        #expect(upright.rotation == nil)
        #expect(upright.displayMatrix == nil)
    }

    @Test func kindsFollowTheStreams() throws {
        #expect(try probe("faststart.mp4").kind == .video)
        #expect(try probe("clip.avi").kind == .video)
        #expect(try probe("voice.mp3").kind == .audio)
        #expect(try probe("voice.wav").kind == .audio)
        #expect(try probe("photo.jpg").kind == .photo)
    }

    @Test func containerCreationTimeIsTheRecordedAtTime() throws {
        let recorded = try #require(try probe("moov-at-end.mp4").recordedAt)
        #expect(recorded.source == .container)
        #expect(recorded.time == Date(timeIntervalSince1970: 1_714_557_600))  // 2024-05-01T10:00:00Z
        #expect(recorded.raw.hasPrefix("2024-05-01T10:00:00"))
    }

    @Test func aMOVLocationIsParsedFromISO6709() throws {
        let metadata = try probe("with-location.mov")
        let location = try #require(metadata.location)
        #expect(abs(location.latitude - 37.7749) < 1e-9)
        #expect(abs(location.longitude - -122.4194) < 1e-9)
        #expect(location.altitude == 10)
        let format = try #require(try ProbeMedia.ffprobe("with-location.mov")["format"] as? [String: Any])
        #expect(location.raw == (format["tags"] as? [String: String])?["location"])
        #expect(metadata.make == "Custody")
        #expect(metadata.model == "TestCam")
    }

    @Test func aPhotoGivesItsEXIFTimeCameraAndGPS() throws {
        let metadata = try probe("photo.jpg")
        #expect(metadata.exif["Make"] == "Custody")
        #expect(metadata.model == "TestCam")
        #expect(metadata.streams.first?.width == 640)
        let recorded = try #require(metadata.recordedAt)
        #expect(recorded.source == .exif)
        #expect(recorded.time == Date(timeIntervalSince1970: 1_714_530_030))  // 10:20:30 at +08:00
        #expect(recorded.assumedZone == nil)
        let location = try #require(metadata.location)
        #expect(abs(location.latitude - 31.2304) < 1e-4)
        #expect(abs(location.longitude - 121.4737) < 1e-4)
        #expect(location.altitude == 12.5)
    }

    @Test(arguments: ["truncated-faststart.mp4", "truncated-moov-at-end.mp4", "truncated.wav", "truncated.avi"])
    func truncatedMediaIsFlaggedWithAReason(_ name: String) throws {
        let metadata = try probe(name)
        let damage = try #require(metadata.damage, "\(name) not flagged")
        #expect(damage.contains("truncated") || damage.contains("index"))
        #expect(metadata.unreadable == nil)
    }

    @Test func nonMediaIsDescribedNotThrown() throws {
        let random = try probe("random.bin")
        #expect(random.kind == .other)
        #expect(random.unreadable?.contains("not a recognised media file") == true)
        let empty = try probe("empty.mp4")
        #expect(empty.unreadable == "empty file")
    }
}

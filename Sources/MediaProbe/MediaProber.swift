import CAVFormat
import CustodyCore
import Foundation

/// Reads an item's media metadata through a `RandomAccessSource` (the store's decrypting reader):
/// container, streams, tags, location, EXIF for photos, a damage check, the recorded-at time and the
/// fields of the file name. It never fails: what cannot be read is described in the result.
public struct MediaProber: Sendable {
    /// File-name rules to try, in order.
    public var nameRules: [FileNameRule]
    /// The zone assumed for times that carry none (EXIF without offset, file names).
    public var assumedZone: TimeZone
    /// How far the clock of the device the items come from was ahead of true time when it docked
    /// (measured by the dock session), used for every item a `Context` gives no offset for.
    public var deviceClockOffset: TimeInterval?

    /// Creates a prober.
    public init(
        nameRules: [FileNameRule] = FileNameRule.builtIn, assumedZone: TimeZone = .current,
        deviceClockOffset: TimeInterval? = nil
    ) {
        self.nameRules = nameRules
        self.assumedZone = assumedZone
        self.deviceClockOffset = deviceClockOffset
    }

    /// Everything known about the item besides its bytes.
    public struct Context: Sendable {
        /// The item's file name (the last path component is what rules see).
        public var fileName: String
        /// The source file's modification time, the last resort for recorded-at.
        public var fileModified: Date?
        /// How far the device clock was ahead of true time at docking, if measured.
        public var clockOffset: TimeInterval?

        public init(fileName: String, fileModified: Date? = nil, clockOffset: TimeInterval? = nil) {
            self.fileName = fileName
            self.fileModified = fileModified
            self.clockOffset = clockOffset
        }
    }

    /// Probes `source`.
    public func probe(_ source: any RandomAccessSource, context: Context) -> MediaMetadata {
        var metadata = MediaMetadata(kind: Self.kind(forExtension: context.fileName))
        metadata.nameFields = nameRules.lazy.compactMap { $0.fields(of: context.fileName) }.first
        if source.length == 0 {
            metadata.kind = .other
            metadata.unreadable = "empty file"
        } else {
            readMedia(source, into: &metadata)
        }
        metadata.recordedAt = recordedAt(metadata, context: context)
        return metadata
    }

    private func readMedia(_ base: any RandomAccessSource, into metadata: inout MediaMetadata) {
        let source: PrefixCachedSource
        do {
            source = try PrefixCachedSource(base, headCount: ExifReader.headLength)
        } catch {
            metadata.unreadable = "the stored copy could not be read for probing: \(error)"
            return
        }
        // `source.prefix` is passed at each use, never kept in a local, so the buffer the source
        // clears when it goes is the only copy of those plaintext bytes.
        guard let container = ContainerSignature.identify(source.prefix) else {
            metadata.kind = .other
            metadata.unreadable = "not a recognised media file (no known container signature)"
            return
        }
        let session: DemuxerSession
        do {
            session = try DemuxerSession(source: source)
        } catch let failure as DemuxerSession.OpenFailure {
            metadata.damage =
                "\(container) that FFmpeg cannot open (\(failure.message)): its index or header is missing or broken"
            return
        } catch {
            metadata.unreadable = "probing failed: \(error)"
            return
        }
        let context = session.context.pointee
        metadata.container = context.iformat.map { String(cString: $0.pointee.name) }
        if context.duration != CAVFormat_nopts_value(), context.duration > 0 {
            metadata.durationSeconds = Double(context.duration) / Double(CAVFormat_time_base())
        }
        if context.bit_rate > 0 { metadata.bitRate = context.bit_rate }
        metadata.tags = Self.dictionary(context.metadata)
        metadata.streams = (0..<Int(context.nb_streams)).compactMap { index in
            context.streams[index].map { Self.stream($0, index: index) }
        }
        metadata.make = metadata.tags["make"] ?? metadata.tags["com.apple.quicktime.make"]
        metadata.model = metadata.tags["model"] ?? metadata.tags["com.apple.quicktime.model"]
        metadata.encoder = metadata.tags["encoder"] ?? metadata.streams.lazy.compactMap { $0.tags["encoder"] }.first
        if let raw = metadata.tags["location"] ?? metadata.tags["com.apple.quicktime.location.ISO6709"],
            let point = ISO6709.parse(raw)
        {
            metadata.location = .init(
                latitude: point.latitude, longitude: point.longitude, altitude: point.altitude, raw: raw)
        }

        let isStill = metadata.container.map { $0.hasSuffix("_pipe") || $0 == "image2" } ?? false
        if isStill {
            metadata.kind = .photo
            if let exif = ExifReader.read(jpeg: source.prefix) {
                metadata.exif = exif.fields
                metadata.make = metadata.make ?? exif.fields["Make"]
                metadata.model = metadata.model ?? exif.fields["Model"]
                if let gps = exif.gps {
                    metadata.location = .init(
                        latitude: gps.latitude, longitude: gps.longitude, altitude: gps.altitude, raw: exif.gpsRaw ?? ""
                    )
                }
            }
        } else if metadata.streams.contains(where: { $0.kind == "video" }) {
            metadata.kind = .video
        } else if metadata.streams.contains(where: { $0.kind == "audio" }) {
            metadata.kind = .audio
        }
        if !isStill { metadata.damage = DamageCheck.run(session, head: source.prefix, stated: metadata.durationSeconds) }
    }

    private func recordedAt(_ metadata: MediaMetadata, context: Context) -> MediaMetadata.RecordedAt? {
        var found: MediaMetadata.RecordedAt?
        if let raw = metadata.tags["creation_time"] ?? metadata.tags["com.apple.quicktime.creationdate"],
            let time = RFC3339.date(raw)
        {
            found = .init(source: .container, raw: raw, time: time)
        } else if let raw = metadata.exif["DateTimeOriginal"] {
            let offset = metadata.exif["OffsetTimeOriginal"]
            let zone = offset.flatMap(Self.zone(fromOffset:))
            let digits = raw.filter(\.isNumber)
            if let time = FileNameRule.date(fromDigits: digits, zone: zone ?? assumedZone) {
                found = .init(
                    source: .exif, raw: offset.map { "\(raw) \($0)" } ?? raw, time: time,
                    assumedZone: zone == nil ? assumedZone.identifier : nil)
            }
        }
        if found == nil, let digits = metadata.nameFields?.dateTime,
            let time = FileNameRule.date(fromDigits: digits, zone: assumedZone)
        {
            found = .init(source: .fileName, raw: digits, time: time, assumedZone: assumedZone.identifier)
        }
        if found == nil, let modified = context.fileModified {
            found = .init(source: .filesystem, raw: modified.formatted(.iso8601), time: modified)
        }
        if var result = found, let offset = context.clockOffset ?? deviceClockOffset {
            result.corrected = result.time.addingTimeInterval(-offset)
            return result
        }
        return found
    }

    // MARK: - Helpers

    private static func stream(_ pointer: UnsafeMutablePointer<AVStream>, index: Int) -> MediaMetadata.Stream {
        let stream = pointer.pointee
        let parameters = stream.codecpar.pointee
        var result = MediaMetadata.Stream(index: index, kind: kind(of: parameters.codec_type))
        result.codec = avcodec_get_name(parameters.codec_id).map { String(cString: $0) }
        if parameters.profile >= 0, let name = avcodec_profile_name(parameters.codec_id, parameters.profile) {
            result.profile = String(cString: name)
        }
        if parameters.codec_type == AVMEDIA_TYPE_VIDEO {
            if parameters.width > 0 { result.width = Int(parameters.width) }
            if parameters.height > 0 { result.height = Int(parameters.height) }
            let rate = stream.avg_frame_rate.den != 0 ? stream.avg_frame_rate : stream.r_frame_rate
            if rate.num > 0, rate.den > 0 { result.frameRate = Double(rate.num) / Double(rate.den) }
        }
        if parameters.codec_type == AVMEDIA_TYPE_AUDIO {
            if parameters.sample_rate > 0 { result.sampleRate = Int(parameters.sample_rate) }
            if parameters.ch_layout.nb_channels > 0 { result.channels = Int(parameters.ch_layout.nb_channels) }
        }
        result.tags = dictionary(stream.metadata)
        if let matrix = DisplayMatrix(of: pointer) {
            result.displayMatrix = matrix.values
            result.rotation = matrix.rotation
        }
        return result
    }

    private static func kind(of type: AVMediaType) -> String {
        switch type {
        case AVMEDIA_TYPE_VIDEO: "video"
        case AVMEDIA_TYPE_AUDIO: "audio"
        case AVMEDIA_TYPE_SUBTITLE: "subtitle"
        case AVMEDIA_TYPE_DATA: "data"
        case AVMEDIA_TYPE_ATTACHMENT: "attachment"
        default: "unknown"
        }
    }

    /// Every entry of an AVDictionary (FFmpeg 5.1 has no av_dict_iterate: av_dict_get with an empty
    /// key and AV_DICT_IGNORE_SUFFIX walks them all).
    static func dictionary(_ dictionary: OpaquePointer?) -> [String: String] {
        var out: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while let next = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX) {
            out[String(cString: next.pointee.key)] = String(cString: next.pointee.value)
            entry = next
        }
        return out
    }

    static func kind(forExtension name: String) -> MediaMetadata.Kind {
        switch name.split(separator: ".").last?.lowercased() ?? "" {
        case "mp4", "mov", "m4v", "avi", "mkv", "ts", "mts", "3gp", "asf", "wmv": .video
        case "wav", "mp3", "aac", "m4a", "amr", "ogg", "opus", "flac", "wma": .audio
        case "jpg", "jpeg", "png", "heic", "tif", "tiff", "bmp": .photo
        default: .other
        }
    }

    static func zone(fromOffset text: String) -> TimeZone? {
        let parts = text.dropFirst().split(separator: ":")
        guard let sign = text.first, sign == "+" || sign == "-", parts.count == 2,
            let hours = Int(parts[0]), let minutes = Int(parts[1])
        else { return nil }
        return TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
    }
}

import CAVFormat

/// An FFmpeg demuxer reading from a `RandomAccessSource` through a custom `AVIOContext`: the only
/// owner of the C handles, freed together.
final class DemuxerSession {
    /// The opened format context (valid after `init` succeeds).
    let context: UnsafeMutablePointer<AVFormatContext>
    private let io: UnsafeMutablePointer<AVIOContext>
    private let box: Unmanaged<SourceBox>

    /// Why opening failed, in FFmpeg's words.
    struct OpenFailure: Error {
        var code: Int32
        var message: String
    }

    /// The source and the last error its callbacks met, reachable from C through the opaque pointer.
    final class SourceBox {
        let source: any RandomAccessSource
        var position: Int64 = 0
        var failure: (any Error)?
        init(_ source: any RandomAccessSource) { self.source = source }
    }

    /// Opens the source and reads stream information, within bounded probe and analysis budgets.
    /// - Throws: `OpenFailure` when FFmpeg cannot recognise or open the data; `ProbeError.library`.
    init(source: any RandomAccessSource, bufferSize: Int32 = 1 << 16) throws {
        Self.silenceLibraryLog
        guard let buffer = av_malloc(Int(bufferSize)) else {
            throw ProbeError(code: .library, message: "av_malloc failed: out of memory")
        }
        let box = Unmanaged.passRetained(SourceBox(source))
        guard
            let io = avio_alloc_context(
                buffer.assumingMemoryBound(to: UInt8.self), bufferSize, 0, box.toOpaque(), Self.readPacket, nil,
                Self.seek)
        else {
            av_free(buffer)
            box.release()
            throw ProbeError(code: .library, message: "avio_alloc_context failed: out of memory")
        }
        var context = avformat_alloc_context()
        guard let allocated = context else {
            Self.free(io: io)
            box.release()
            throw ProbeError(code: .library, message: "avformat_alloc_context failed: out of memory")
        }
        allocated.pointee.pb = io
        allocated.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        // Bounded budgets: a hostile file cannot make the probe read or analyse without limit.
        // Only the demuxers evidence comes in: probing is faster (a non-media file is rejected after a
        // few matchers, not all of them) and the attack surface of untrusted files is smaller.
        allocated.pointee.format_whitelist = av_strdup(Self.demuxers)
        allocated.pointee.probesize = 8 << 20
        allocated.pointee.max_analyze_duration = 10 * Int64(AV_TIME_BASE)
        let opened = avformat_open_input(&context, nil, nil, nil)
        guard opened >= 0, let context else {
            // avformat_open_input frees the context on failure, but never a custom pb.
            Self.free(io: io)
            box.release()
            throw OpenFailure(code: opened, message: Self.describe(opened))
        }
        let found = avformat_find_stream_info(context, nil)
        self.context = context
        self.io = io
        self.box = box
        if found < 0 {
            throw OpenFailure(code: found, message: Self.describe(found))
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&context)
        Self.free(io: io)
        box.release()
    }

    /// The source's length.
    var sourceLength: Int64 { box.takeUnretainedValue().source.length }

    /// The demuxers Custody lets FFmpeg use: the containers body cameras, audio recorders, phones and
    /// data terminals write.
    static let demuxers =
        "mov,mp4,m4a,3gp,3g2,mj2,avi,matroska,webm,mpegts,asf,flv,wav,mp3,aac,amr,flac,ogg,jpeg_pipe,png_pipe,image2,h264,hevc"

    /// FFmpeg's text for an error code.
    static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        CAVFormat_error_string(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func free(io: UnsafeMutablePointer<AVIOContext>) {
        var io: UnsafeMutablePointer<AVIOContext>? = io
        av_freep(&io!.pointee.buffer)
        avio_context_free(&io)
    }

    /// FFmpeg logs to stderr by default; a daemon's stderr is not the place, and every finding that
    /// matters is recorded in the metadata instead.
    private static let silenceLibraryLog: Void = { av_log_set_level(AV_LOG_QUIET) }()

    private static let readPacket:
        @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
            opaque, buffer, size in
            let box = Unmanaged<SourceBox>.fromOpaque(opaque!).takeUnretainedValue()
            guard let buffer, size > 0 else { return CAVFormat_averror(EINVAL) }
            do {
                let got = try box.source.read(
                    at: box.position, into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(size)))
                if got == 0 { return CAVFormat_averror_eof() }
                box.position += Int64(got)
                return Int32(got)
            } catch {
                box.failure = error
                return CAVFormat_averror(EIO)
            }
        }

    private static let seek: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = {
        opaque, offset, whence in
        let box = Unmanaged<SourceBox>.fromOpaque(opaque!).takeUnretainedValue()
        let length = box.source.length
        switch whence & ~Int32(AVSEEK_FORCE) {
        case Int32(AVSEEK_SIZE): return length
        case SEEK_SET: box.position = offset
        case SEEK_CUR: box.position += offset
        case SEEK_END: box.position = length + offset
        default: return Int64(CAVFormat_averror(EINVAL))
        }
        if box.position < 0 { box.position = 0 }
        return box.position
    }
}

#if canImport(Glibc)
    import Glibc
#endif

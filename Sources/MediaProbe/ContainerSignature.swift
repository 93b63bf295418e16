/// Recognises the containers evidence comes in by their first bytes, before FFmpeg is asked.
///
/// A file with none of these signatures is not media Custody can use, and is described as such without
/// running every demuxer's content probe over it (which costs milliseconds per file and exposes the
/// whole of libavformat to untrusted bytes). A file with one of them that FFmpeg then cannot open is
/// media with a broken header or index: damaged, not foreign.
enum ContainerSignature {
    /// The container `head` announces, in words, or nil.
    static func identify(_ head: [UInt8]) -> String? {
        func at(_ offset: Int, _ bytes: [UInt8]) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset..<offset + bytes.count]) == bytes
        }
        func at(_ offset: Int, _ text: String) -> Bool { at(offset, Array(text.utf8)) }
        if ["ftyp", "moov", "mdat", "free", "wide", "skip", "pnot"].contains(where: { at(4, $0) }) {
            return "an MP4/MOV file"
        }
        if at(0, "RIFF") && at(8, "AVI ") { return "an AVI file" }
        if at(0, "RIFF") && at(8, "WAVE") { return "a WAV file" }
        if at(0, [0x1a, 0x45, 0xdf, 0xa3]) { return "a Matroska/WebM file" }
        if at(0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]) { return "an ASF/WMV file" }
        if at(0, "FLV") { return "an FLV file" }
        if at(0, "#!AMR") { return "an AMR file" }
        if at(0, "fLaC") { return "a FLAC file" }
        if at(0, "OggS") { return "an Ogg file" }
        if at(0, "ID3") { return "an MP3 file" }
        if at(0, [0xff, 0xd8, 0xff]) { return "a JPEG image" }
        if at(0, [0x89, 0x50, 0x4e, 0x47]) { return "a PNG image" }
        if at(0, [0x00, 0x00, 0x00, 0x01]) || at(0, [0x00, 0x00, 0x01]) { return "an H.264/HEVC stream" }
        // MPEG transport stream: a sync byte every 188 (or 192 for M2TS) bytes.
        for (start, stride) in [(0, 188), (4, 192)] where head.count > start + 2 * stride {
            if head[start] == 0x47, head[start + stride] == 0x47, head[start + 2 * stride] == 0x47 {
                return "an MPEG transport stream"
            }
        }
        // MPEG audio (MP3 without a tag) or ADTS AAC: a frame sync at the very start.
        if head.count >= 2, head[0] == 0xff, head[1] & 0xe0 == 0xe0 { return "an MPEG audio stream" }
        return nil
    }
}

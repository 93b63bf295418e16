import CAVFormat
import Foundation

/// A RIFF file (WAV, AVI) states its own size; demuxers quietly clip durations to what is there, so
/// the header is the witness of a cut.
private func riffSize(head: [UInt8], length: Int64) -> String? {
    guard head.count >= 12, Array(head[0..<4]) == Array("RIFF".utf8) else { return nil }
    let stated = Int64(head[4]) | Int64(head[5]) << 8 | Int64(head[6]) << 16 | Int64(head[7]) << 24
    // 0 and 0xFFFFFFFF mean "unknown" (a recorder that streamed without finalising, or RF64).
    guard stated != 0, stated != 0xffff_ffff, stated + 8 > length else { return nil }
    return "its RIFF header states \(stated + 8) bytes but the file has \(length): truncated"
}

/// Decides whether media looks damaged, cheaply: from the packet index when there is one, else by
/// reading a few packets near the stated end. Damaged media is still evidence; this only labels it.
enum DamageCheck {
    /// Missing more than this much of the stated duration counts as damage.
    static let tolerance = 1.0

    /// The reason the media looks damaged, or nil. `head` is the start of the file.
    static func run(_ session: DemuxerSession, head: [UInt8], stated duration: Double?) -> String? {
        let context = session.context
        let length = session.sourceLength
        if let damage = riffSize(head: head, length: length) { return damage }
        var indexed = false
        for index in 0..<Int(context.pointee.nb_streams) {
            guard let stream = context.pointee.streams[index] else { continue }
            let count = avformat_index_get_entries_count(stream)
            guard count > 0, let last = avformat_index_get_entry(stream, count - 1) else { continue }
            indexed = true
            let end = last.pointee.pos + Int64(last.pointee.size)
            if end > length {
                return
                    "stream \(index)'s index refers to data up to byte \(end) but the file ends at byte \(length): truncated"
            }
        }
        // An index that fits the file settles it (MP4, MOV, and AVI or MKV files with an index).
        if indexed { return nil }
        guard let duration, duration > 2 * tolerance else { return nil }

        let target = Int64((duration - 2 * tolerance) * Double(CAVFormat_time_base()))
        guard
            av_seek_frame(context, -1, target, AVSEEK_FLAG_BACKWARD) >= 0
                || av_seek_frame(context, -1, target, AVSEEK_FLAG_ANY) >= 0
        else {
            return
                "cannot seek to \(String(format: "%.1f", duration - 2 * tolerance)) s of a stated \(String(format: "%.3f", duration)) s"
        }
        guard let packet = av_packet_alloc() else { return nil }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        var lastEnd: Double?
        for _ in 0..<512 {
            guard av_read_frame(context, packet) >= 0 else { break }
            defer { av_packet_unref(packet) }
            guard let stream = context.pointee.streams[Int(packet.pointee.stream_index)] else { continue }
            let base = stream.pointee.time_base
            let timestamp = packet.pointee.pts != CAVFormat_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            guard timestamp != CAVFormat_nopts_value(), base.den != 0 else { continue }
            let start = stream.pointee.start_time != CAVFormat_nopts_value() ? stream.pointee.start_time : 0
            let end = Double(timestamp - start + max(0, packet.pointee.duration)) * Double(base.num) / Double(base.den)
            lastEnd = max(lastEnd ?? end, end)
        }
        guard let lastEnd else {
            return "no packets can be read near the stated end (\(String(format: "%.3f", duration)) s): truncated"
        }
        if lastEnd < duration - tolerance {
            return
                "packets end at \(String(format: "%.3f", lastEnd)) s but the stated duration is \(String(format: "%.3f", duration)) s: truncated"
        }
        return nil
    }
}

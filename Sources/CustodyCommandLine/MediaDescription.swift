import ControlProtocol
import CustodyCore
import Foundation

/// The human-readable media section of `show`.
public struct MediaDescription {
    /// The section, several lines.
    public let text: String

    /// Describes `metadata`, its times shown by `time`.
    public init(_ metadata: MediaMetadata, time: TimeDisplay = .chosen(utc: false)) {
        var lines = ["media:"]
        func add(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append("  " + label.padding(toLength: 17, withPad: " ", startingAt: 0) + value)
        }
        add("kind", metadata.kind.rawValue)
        add("container", metadata.container)
        add("duration", metadata.durationSeconds.map { String(format: "%.3f s", $0) })
        add("bit rate", metadata.bitRate.map { "\($0) b/s" })
        if let recorded = metadata.recordedAt {
            add(
                "recorded at",
                "\(time.text(recorded.time)) (from \(recorded.source.rawValue): \(recorded.raw)\(recorded.assumedZone.map { ", zone assumed \($0)" } ?? ""))"
            )
            add("corrected", recorded.corrected.map { time.text($0) })
        }
        add("make / model", [metadata.make, metadata.model].compactMap { $0 }.joined(separator: " / "))
        add("encoder", metadata.encoder)
        if let location = metadata.location {
            add(
                "location",
                "\(location.latitude), \(location.longitude)\(location.altitude.map { ", \($0) m" } ?? "") (\(location.raw))"
            )
        }
        if let fields = metadata.nameFields {
            add(
                "from file name",
                "device \(fields.deviceID ?? "-"), officer \(fields.officerID ?? "-"), sequence \(fields.sequence ?? "-") (rule \(fields.rule))"
            )
        }
        for stream in metadata.streams {
            var parts = [stream.kind, stream.codec, stream.profile].compactMap { $0 }
            if let width = stream.width, let height = stream.height { parts.append("\(width)x\(height)") }
            if let rate = stream.frameRate { parts.append(String(format: "%.3g fps", rate)) }
            if let rate = stream.sampleRate { parts.append("\(rate) Hz") }
            if let channels = stream.channels { parts.append("\(channels) ch") }
            // A reviewer must know the player turns the picture, or why it looks sideways in one that does not.
            if let rotation = stream.rotation, rotation != 0 {
                parts.append("rotate \(String(format: "%g", rotation))° counter-clockwise to display")
            } else if let matrix = stream.displayMatrix, stream.rotation == nil {
                parts.append("display matrix \(matrix.map(String.init).joined(separator: " "))")
            }
            add("stream \(stream.index)", parts.joined(separator: ", "))
        }
        add("DAMAGED", metadata.damage)
        add("not media", metadata.unreadable)
        text = lines.joined(separator: "\n")
    }
}

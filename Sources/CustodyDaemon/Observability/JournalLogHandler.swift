import Foundation
import Logging

/// The daemon's log handler: one line per message on standard error, which systemd hands to the
/// journal for `custodyd run`.
///
/// When standard error is the journal's stream (systemd sets `JOURNAL_STREAM` to its `device:inode`,
/// and the handler compares them with `fstat(2)` of its descriptor, as `sd_journal_stream_fd` users
/// do), each line starts with its syslog priority, `<3>` for an error through `<7>` for debug
/// (sd-daemon(3)), and carries no time stamp, which the journal adds: `journalctl -p warning -u
/// custodyd` then shows only what matters. On a terminal or a pipe the line is the plain
/// `StreamLogHandler` one, time stamp and level first.
///
/// Metadata follow as `key=value`, sorted by key; the structured fields people search for are
/// `item.id`, `device.serial` and `bay`. Newlines and other control characters in the message or a
/// value are escaped, so no logged text can start a line of its own (a forged priority).
public struct JournalLogHandler: LogHandler {
    /// How lines are written.
    public enum Format: Sendable, Equatable {
        /// `<priority>label: message key=value…` for the journal.
        case journal
        /// `time level label: key=value… [source] message`, as swift-log's `StreamLogHandler`.
        case plain
    }

    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Fields every line of this handler carries (a session's `bay`, say).
    public var metadata: Logger.Metadata = [:]
    /// The logger's label, which starts each message (`custodyd`).
    public let label: String
    /// Journal or plain lines.
    public let format: Format
    /// The descriptor written to (standard error unless a test gives a file).
    private let descriptor: Int32

    /// A handler writing to `descriptor` in `format`.
    public init(label: String, format: Format, descriptor: Int32 = STDERR_FILENO) {
        self.label = label
        self.format = format
        self.descriptor = descriptor
    }

    /// Whether `descriptor` is the stream `JOURNAL_STREAM` names (`device:inode`, both decimal): a
    /// variable inherited by a child whose stderr was redirected elsewhere names another file.
    public static func isJournalStream(descriptor: Int32, environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// The syslog priority of `level` (sd-daemon(3): `SD_CRIT` 2 … `SD_DEBUG` 7).
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One field of `metadata`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line for `event`: the handler's fields, then the event's (which win), then its error.
    public func log(event: LogEvent) {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        let line = Self.line(
            format: format, level: event.level, label: label, message: event.message.description, metadata: merged,
            source: event.source, now: Date())
        // One write(2) per line (short writes resumed): lines of concurrent threads do not interleave,
        // and a closed stream loses the line rather than stopping the daemon.
        var bytes = Array(line.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The line for one message, newline included.
    static func line(
        format: Format, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata,
        source: String, now: Date
    ) -> String {
        let fields = metadata.sorted { $0.key < $1.key }.map { "\(escaped($0.key))=\(escaped("\($0.value)"))" }
        switch format {
        case .journal:
            let tail = fields.isEmpty ? "" : " " + fields.joined(separator: " ")
            return "<\(priority(of: level))>\(label): \(escaped(message))\(tail)\n"
        case .plain:
            let pretty = fields.isEmpty ? "" : " " + fields.joined(separator: " ")
            return "\(timestamp(now)) \(level) \(label):\(pretty) [\(source)] \(escaped(message))\n"
        }
    }

    /// `text` with newlines, carriage returns and other control characters written as escapes.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += String(format: "\\x%02x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

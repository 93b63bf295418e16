import Catalog
import Foundation

/// Audit anchors in the systemd journal (docs/audit-log.md, "Anchors"): written as structured entries
/// through journald's native socket, found again with `journalctl MESSAGE_ID=…`.
///
/// The journal is outside the state directory and, with `Storage=persistent` or forwarding to a
/// remote journal or syslog, outside the machine: an attacker who rewrites the catalog must also
/// rewrite the journal, which journald seals (`journalctl --verify` with Forward Secure Sealing).
public enum JournalAnchors {
    /// The `MESSAGE_ID` of every anchor entry (a fixed random 128-bit id, as journald ids are).
    public static let messageID = "5d3c3f0e8b6a4e0c9b1f2a7d6c4e8f10"
    /// journald's native protocol socket.
    public static let socketPath = "/run/systemd/journal/socket"

    /// The entry's fields, one `KEY=value` a line (journald's native protocol, for values without
    /// newlines).
    public static func fields(of anchor: AuditAnchor) -> String {
        """
        MESSAGE=audit chain head: entry \(anchor.sequence), hash \(anchor.hash)
        MESSAGE_ID=\(messageID)
        PRIORITY=5
        SYSLOG_IDENTIFIER=custodyd
        CUSTODY_AUDIT_SEQ=\(anchor.sequence)
        CUSTODY_AUDIT_HASH=\(anchor.hash)
        CUSTODY_AUDIT_CHAIN=\(anchor.chain)
        CUSTODY_AUDIT_AT=\(anchor.at)

        """
    }

    /// Sends the anchor to journald; false when there is no journal to take it (the anchor file, if
    /// configured, still holds it). Never blocks.
    @discardableResult
    public static func publish(_ anchor: AuditAnchor, socketPath: String = socketPath) -> Bool {
        // The notify socket and journald's native socket speak the same datagram of KEY=value lines.
        guard let socket = SystemdNotifier(environment: ["NOTIFY_SOCKET": socketPath]) else { return false }
        return socket.send(fields(of: anchor))
    }

    /// The anchors in `journalctl -o json` output (one JSON object a line); other lines are skipped.
    public static func anchors(inJournalJSON text: String) -> [AuditAnchor] {
        text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["MESSAGE_ID"] as? String == messageID,
                let sequence = (object["CUSTODY_AUDIT_SEQ"] as? String).flatMap({ Int64($0) }),
                let hash = object["CUSTODY_AUDIT_HASH"] as? String,
                let chain = object["CUSTODY_AUDIT_CHAIN"] as? String,
                let at = object["CUSTODY_AUDIT_AT"] as? String
            else { return nil }
            return AuditAnchor(sequence: sequence, hash: hash, chain: chain, at: at)
        }
    }

    /// Every anchor the journal holds, through `journalctl`.
    /// - Throws: `DaemonError.anchor` when `journalctl` cannot be run or fails.
    public static func read() throws -> [AuditAnchor] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["journalctl", "--no-pager", "-o", "json", "MESSAGE_ID=\(messageID)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DaemonError(code: .anchor, message: "cannot run journalctl to read audit anchors: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DaemonError(
                code: .anchor,
                message:
                    "journalctl could not read the journal (exit status \(process.terminationStatus)); run as a member of systemd-journal or adm, or check with --anchors FILE only"
            )
        }
        return anchors(inJournalJSON: String(decoding: data, as: UTF8.self))
    }
}

import ControlProtocol
import CustodyCommandLine

/// A deletion receipt for the terminal; `--json` is the form to keep and check.
enum ReceiptText {
    /// The receipt's lines.
    static func lines(_ receipt: DeletionReceiptView, time: TimeDisplay) -> [String] {
        let tombstone = receipt.tombstone
        var lines = [
            "deletion receipt for item \(tombstone.item) (format \(receipt.receipt), made \(time.text(receipt.generatedAt)))",
            "  sha256             \(tombstone.sha256)",
            "  ciphertext sha256  \(tombstone.ciphertextSHA256)",
            "  size               \(tombstone.size)",
            "  recorded at        \(tombstone.recordedAt.map(time.text) ?? "-")",
            "  ingested at        \(time.text(tombstone.ingestedAt))",
            "  officer            \(tombstone.officer ?? "-")",
            "  device             \(tombstone.device ?? "-")",
            "  categories         \(tombstone.categories.isEmpty ? "-" : tombstone.categories.joined(separator: ", "))",
            "erased at            \(time.text(tombstone.shreddedAt)) by \(receipt.method):",
        ]
        lines += receipt.steps.enumerated().map { "  \($0.offset + 1). \($0.element)" }
        lines += [
            "deletion             #\(tombstone.deletion)\(tombstone.wasDue ? " (the item was due)" : " NOT DUE (special deletion)")",
            "  reason             \(tombstone.reason)",
            "  requested by       \(tombstone.requestedBy) at \(time.text(tombstone.requestedAt))",
            "  approved by        \(tombstone.approvedBy ?? "-")\(tombstone.approvedAt.map { " at \(time.text($0))" } ?? "")",
            "  in the trash from  \(tombstone.trashedAt.map(time.text) ?? "-")",
        ]
        if let until = receipt.backups.heldUntil {
            lines.append(
                "backups              \(receipt.backups.snapshots.count) made before the shred still hold the wrapped key; none after \(time.text(until))"
            )
            lines += receipt.backups.snapshots.map {
                "  \($0.id)  made \(time.text($0.madeAt))  expires \(time.text($0.expiresAt))  \($0.target)"
            }
        } else {
            lines.append("backups              none recorded holds the wrapped key")
        }
        lines.append("audit entries        (check them: save this receipt with --json; docs/retention.md)")
        let rows = receipt.audit.map { [String($0.seq), time.text($0.at), $0.actor, $0.action, $0.hash ?? ""] }
        lines += Table.lines(header: ["SEQ", "AT", "ACTOR", "ACTION", "HASH"], rows: rows).map { "  " + $0 }
        lines.append("chain head           #\(receipt.auditHeadSeq) \(receipt.auditHeadHash)")
        return lines
    }
}

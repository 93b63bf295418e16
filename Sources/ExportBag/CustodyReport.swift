import ControlProtocol
import Foundation

/// The chain-of-custody report of a bag, for people: where each file came from and how to check it,
/// as plain text and as one self-contained HTML page (no scripts, no network).
struct CustodyReport {
    let export: ExportView
    /// Each payload file's view and its path in the bag.
    let files: [(ContentView, String)]
    let agency: String
    let version: String

    private var details: [String: ItemDetailView] {
        Dictionary(uniqueKeysWithValues: (export.details ?? []).map { ($0.item.id, $0) })
    }

    /// One item's facts as (label, value) pairs.
    private func facts(_ view: ContentView) -> [(String, String)] {
        guard let item = details[view.item]?.item else { return [] }
        var facts: [(String, String)] = [
            ("Item", item.id), ("File on the camera", item.source.path), ("Device", item.source.device ?? "not recorded"),
            ("Officer", item.media?.officer ?? "not recorded"),
            ("Officer from", item.attribution?.source ?? "-"),
            ("Docked", item.attribution?.dockedAt ?? "-"), ("Ingested", item.ingestedAt),
            ("Verified", item.verifiedAt ?? "-"), ("Recorded", item.media?.recordedAt ?? "-"),
            ("Size", "\(item.size) bytes"), ("SHA-256 at ingest", item.sha256),
            ("SHA-256 of the stored object", item.ciphertextSHA256),
        ]
        if let flags = item.attribution?.flags, !flags.isEmpty { facts.append(("Attribution flags", flags.joined(separator: "; "))) }
        return facts
    }

    private var header: [(String, String)] {
        var lines = [
            ("Export", "\(export.id)"), ("From", agency), ("Recipient", export.recipient), ("Purpose", export.purpose),
            ("Requested by", "\(export.requestedBy) at \(export.requestedAt)"),
            ("Approved by", "\(export.approvedBy ?? "-") at \(export.approvedAt ?? "-")"),
            ("Written by", "Custody \(version)"),
        ]
        if let head = export.chainHead { lines.append(("Audit chain head", "entry \(head.seq), \(head.hash ?? "?")")) }
        return lines
    }

    static let howToVerify = """
        How to verify this bag:
        1. With standard tools: `sha256sum -c manifest-sha256.txt` and `sha512sum -c manifest-sha512.txt` in the
           bag's directory (or `bagit.py --validate DIR`): every file under data/ is as it was exported.
        2. Each file's SHA-256 equals the "SHA-256 at ingest" above: the hash Custody computed while it read the
           file from the camera, before anything was stored.
        3. custody/items/ID.audit.jsonl holds the item's audit entries with their chain hashes: each entry's hash
           is SHA-256 over its fields (docs/audit-log.md); the custodian can confirm them against the chain with
           `custody export verify DIR`.
        """

    var text: String {
        var lines = ["Chain of custody", ""]
        lines += header.map { "\($0.0): \($0.1)" }
        for (view, path) in files {
            lines += ["", "== \(path)"]
            lines += facts(view).map { "  \($0.0): \($0.1)" }
            for entry in details[view.item]?.audit ?? [] {
                lines.append("  #\(entry.seq) \(entry.at) \(entry.actor) \(entry.action) \(entry.hash ?? "")")
            }
        }
        lines += ["", Self.howToVerify]
        return lines.joined(separator: "\n") + "\n"
    }

    var html: String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func table(_ rows: [(String, String)]) -> String {
            "<table>" + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</table>"
        }
        var body = "<h1>Chain of custody</h1>" + table(header)
        for (view, path) in files {
            body += "<h2>\(escape(path))</h2>" + table(facts(view))
            let entries = details[view.item]?.audit ?? []
            body += "<table class=\"audit\"><tr><th>#</th><th>at</th><th>who</th><th>what</th><th>hash</th></tr>"
            body += entries.map {
                "<tr><td>\($0.seq)</td><td>\(escape($0.at))</td><td>\(escape($0.actor))</td><td>\(escape($0.action))</td><td><code>\(escape($0.hash ?? ""))</code></td></tr>"
            }.joined()
            body += "</table>"
        }
        body += "<pre>\(escape(Self.howToVerify))</pre>"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Chain of custody, export \(export.id)</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:60em}th{text-align:left;padding-right:1em;vertical-align:top}
            td{font-family:monospace;word-break:break-all}table{border-collapse:collapse;margin-bottom:1em}
            .audit td,.audit th{border-bottom:1px solid #ccc;padding:2px 6px}@media print{body{margin:0}}</style></head>
            <body>\(body)</body></html>

            """
    }
}

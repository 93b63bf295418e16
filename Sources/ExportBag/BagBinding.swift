import ControlProtocol
import Foundation

/// A bag checked against its export's record and the custodian's audit chain (DESIGN §15): the
/// export is written, the bag's `manifest-sha256.txt` is the one the daemon decided and recorded,
/// the bag holds exactly the export's items, every item's `item.stored` hash in the chain is a
/// payload file's, and each item's audit excerpt is the chain's entries about it, whole, up to where
/// the record says the excerpt ends. A bag re-hashed by anyone who held it fails here.
public struct BagBinding {
    /// The export's record, as `export list` gives it.
    public let record: ExportView
    /// The custodian's entries about each of the export's items, oldest first, at least up to the
    /// record's `excerpt_seq`.
    public let chain: [String: [AuditEntryView]]
    /// The custodian's entry numbered `excerpt_seq`.
    public let excerptEnd: AuditEntryView?

    public init(record: ExportView, chain: [String: [AuditEntryView]], excerptEnd: AuditEntryView?) {
        self.record = record
        self.chain = chain
        self.excerptEnd = excerptEnd
    }

    /// What in `report`'s bag differs from the record and the chain.
    public func problems(of report: BagVerifier.Report) -> [BagVerifier.Problem] {
        var problems: [BagVerifier.Problem] = []
        func problem(_ file: String, _ text: String) { problems.append(BagVerifier.Problem(file: file, problem: text)) }
        let export = "export \(record.id)"
        guard record.state == "written", let recorded = record.manifestSHA256 else {
            problem("bag-info.txt", "\(export) is \(record.state): custodyd recorded no bag of it")
            return problems
        }
        if report.manifestSHA256 != recorded {
            problem(
                "manifest-sha256.txt",
                "hashes to \(report.manifestSHA256 ?? "nothing"), not the \(recorded) custodyd recorded for \(export): "
                    + "the payload files or their hashes are not the ones the export holds")
        }
        let items = Set(record.items)
        for id in items.subtracting(report.items).sorted() {
            problem("custody/items/\(id).json", "missing: item \(id) is in \(export)")
        }
        for id in report.items.subtracting(items).sorted() {
            problem("custody/items/\(id).json", "item \(id) is not in \(export)")
        }
        if report.payloadSHA256.count != items.count {
            problem(
                "data/", "holds \(report.payloadSHA256.count) files; \(export) has \(items.count) items, one file each")
        }
        let payloadHashes = Set(report.payloadSHA256.values)
        for id in record.items {
            let entries = chain[id] ?? []
            if let stored = entries.first(where: { $0.action == "item.stored" }),
                let sha256 = CustodyFiles.sha256(of: stored),
                !payloadHashes.contains(sha256)
            {
                problem(
                    "data/",
                    "no file has the SHA-256 the custodian's item.stored entry \(stored.seq) records for item \(id), \(sha256)"
                )
            }
            problems += excerptProblems(id, entries, report.entries[id] ?? [])
        }
        if let end = record.excerptSeq, report.chainHead != excerptEnd {
            problem(
                "custody/chain-head.json", "is not the custodian's entry \(end), where the bag's audit excerpts end")
        }
        return problems
    }

    /// The bag's excerpt of item `id` against the chain's entries about it: no line dropped, added,
    /// or different, up to the record's `excerpt_seq` (every entry, for a bag written before that
    /// was recorded).
    private func excerptProblems(_ id: String, _ chain: [AuditEntryView], _ bag: [AuditEntryView]) -> [BagVerifier
        .Problem]
    {
        let file = "custody/items/\(id).audit.jsonl"
        var problems: [BagVerifier.Problem] = []
        let custodian = Dictionary(chain.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
        let carried = Set(bag.map(\.seq))
        for entry in bag {
            if let end = record.excerptSeq, entry.seq > end {
                problems.append(
                    .init(file: file, problem: "entry \(entry.seq) is past the excerpt's end, entry \(end)"))
            } else if let known = custodian[entry.seq] {
                if known != entry {
                    problems.append(
                        .init(file: file, problem: "entry \(entry.seq) is not the custodian's entry \(entry.seq)"))
                }
            } else {
                problems.append(
                    .init(
                        file: file, problem: "entry \(entry.seq) is not one of the custodian's entries about item \(id)"
                    ))
            }
        }
        if let end = record.excerptSeq {
            for entry in chain where entry.seq <= end && !carried.contains(entry.seq) {
                problems.append(
                    .init(
                        file: file,
                        problem: "the custodian's entry \(entry.seq) (\(entry.action)) is missing: a line was dropped"))
            }
        }
        return problems
    }
}

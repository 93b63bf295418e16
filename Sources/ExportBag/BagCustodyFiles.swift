import ControlProtocol
import CustodyCore
import EvidenceCrypto
import Foundation

/// The offline checks of a bag's `custody/` files: each audit entry's hash recomputed from its
/// fields and linked to the entry before it where they are consecutive in the chain, each item's
/// metadata against its own `item.stored` entry, and the payload against those entries' hashes.
/// A payload re-hashed into fresh manifests, with the metadata edited to match, still fails here:
/// the `item.stored` entry carries the ingest hash, and changing it breaks its own hash.
struct CustodyFiles {
    let root: String

    func check(_ report: inout BagVerifier.Report) {
        let directory = root + "/custody/items"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        let details = Set(files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(".json".count)) })
        let trails = Set(
            files.filter { $0.hasSuffix(".audit.jsonl") }.map { String($0.dropLast(".audit.jsonl".count)) })
        func problem(_ file: String, _ text: String) {
            report.problems.append(BagVerifier.Problem(file: file, problem: text))
        }
        for id in details.subtracting(trails).sorted() {
            problem("custody/items/\(id).json", "has no \(id).audit.jsonl beside it")
        }
        for id in trails.subtracting(details).sorted() {
            problem("custody/items/\(id).audit.jsonl", "has no \(id).json beside it")
        }
        report.items = details
        var ingest: [String: String] = [:]
        for id in details.intersection(trails).sorted() {
            let entries = trail(id, report: &report)
            report.auditEntries += entries.count
            report.entries[id] = entries
            let path = "custody/items/\(id).audit.jsonl"
            guard let stored = entries.first(where: { $0.action == "item.stored" }),
                let sha256 = Self.sha256(of: stored)
            else {
                problem(
                    path, "holds no item.stored entry with a SHA-256: the payload cannot be checked against the chain")
                continue
            }
            ingest[id] = sha256
            let metadata = "custody/items/\(id).json"
            guard let data = FileManager.default.contents(atPath: root + "/" + metadata),
                let detail = try? JSONDecoder().decode(ItemDetailView.self, from: data)
            else {
                problem(metadata, "not an item's metadata")
                continue
            }
            if detail.item.id != id { problem(metadata, "describes item \(detail.item.id), not \(id)") }
            if detail.item.sha256 != sha256 {
                problem(
                    metadata,
                    "records SHA-256 \(detail.item.sha256), not the \(sha256) of the item's item.stored audit entry "
                        + "(entry \(stored.seq)): the metadata was altered")
            }
            if detail.audit != entries { problem(metadata, "its audit entries are not those of \(id).audit.jsonl") }
        }
        // The payload is exactly the items' ingested content: one file per item.stored hash.
        var payloadByHash: [String: [String]] = [:]
        for (path, sha256) in report.payloadSHA256 { payloadByHash[sha256, default: []].append(path) }
        for (id, sha256) in ingest.sorted(by: { $0.key < $1.key }) where payloadByHash[sha256] == nil {
            problem(
                "custody/items/\(id).audit.jsonl",
                "no payload file has the SHA-256 its item.stored entry recorded at ingest, \(sha256): "
                    + "the payload is not what was ingested")
        }
        let ingested = Set(ingest.values)
        for (path, sha256) in report.payloadSHA256.sorted(by: { $0.key < $1.key }) where !ingested.contains(sha256) {
            problem(
                path, "its SHA-256 is no exported item's item.stored hash: it is not the evidence that was exported")
        }
        for (sha256, paths) in payloadByHash where paths.count > 1 && ingested.contains(sha256) {
            problem(paths.sorted()[1], "repeats \(paths.sorted()[0]): each item is in the payload once")
        }
        if let data = FileManager.default.contents(atPath: root + "/custody/chain-head.json") {
            if let head = try? JSONDecoder().decode(AuditEntryView.self, from: data), Self.hashMatches(head) {
                report.chainHead = head
            } else {
                problem("custody/chain-head.json", "is not an audit entry whose hash matches its fields")
            }
        }
    }

    /// One item's audit lines, each hash recomputed and linked where consecutive.
    private func trail(_ id: String, report: inout BagVerifier.Report) -> [AuditEntryView] {
        let path = "custody/items/\(id).audit.jsonl"
        let lines: [String]
        switch BagText.lines(of: root + "/" + path, named: path) {
        case .success(let read): lines = read
        case .failure(let problem):
            report.problems.append(problem)
            return []
        }
        var entries: [AuditEntryView] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            func problem(_ text: String) {
                report.problems.append(BagVerifier.Problem(file: path, problem: "line \(index + 1): \(text)"))
            }
            guard let entry = try? JSONDecoder().decode(AuditEntryView.self, from: Data(line.utf8)),
                entry.atMilliseconds != nil, entry.prevHash != nil, entry.hash != nil
            else {
                problem("not an audit entry with its hashes")
                continue
            }
            if !Self.hashMatches(entry) { problem("entry \(entry.seq) does not match its hash: it was altered") }
            if entry.item != id { problem("entry \(entry.seq) is about \(entry.item ?? "no item"), not \(id)") }
            if let last = entries.last {
                if entry.seq <= last.seq { problem("entry \(entry.seq) comes after entry \(last.seq): out of order") }
                if last.seq + 1 == entry.seq, last.hash != entry.prevHash {
                    problem("entry \(entry.seq) does not link to entry \(last.seq)")
                }
            }
            entries.append(entry)
        }
        return entries
    }

    static func hashMatches(_ entry: AuditEntryView) -> Bool {
        guard let at = entry.atMilliseconds, let previous = entry.prevHash.flatMap(Hex.decode), let hash = entry.hash
        else { return false }
        let computed = AuditEntryHash.hash(
            sequence: entry.seq, previousHash: previous, atMilliseconds: at, actor: entry.actor, action: entry.action,
            itemID: entry.item, detail: entry.detail)
        return Hex.encode(computed) == hash
    }

    /// The SHA-256 an `item.stored` entry's detail records.
    static func sha256(of entry: AuditEntryView) -> String? {
        (try? JSONDecoder().decode([String: String].self, from: Data(entry.detail.utf8)))?["sha256"]
    }
}

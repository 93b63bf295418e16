import ControlProtocol
import CustodyCore
import EvidenceCrypto
import Foundation

/// Checks a bag as a recipient would, without trusting the writer: the BagIt declaration, both
/// manifests against every payload file (and no file left out), both tag manifests, the payload
/// size, each payload's SHA-256 against the ingest hash its metadata records, and each audit entry's
/// hash recomputed from its fields, linked to the entry before it where they are consecutive.
public struct BagVerifier {
    /// One thing that does not check out.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var problem: String
        public var description: String { "\(file): \(problem)" }

        public init(file: String, problem: String) {
            self.file = file
            self.problem = problem
        }
    }

    /// What a check found.
    public struct Report: Sendable {
        public var problems: [Problem] = []
        public var payloadFiles = 0
        public var auditEntries = 0
        /// Every audit entry the bag carries, by item, for a check against the custodian's chain.
        public var entries: [String: [AuditEntryView]] = [:]
    }

    public let root: String

    public init(root: String) { self.root = root }

    /// Checks the bag.
    public func verify() -> Report {
        var report = Report()
        func problem(_ file: String, _ text: String) { report.problems.append(Problem(file: file, problem: text)) }
        guard let declaration = try? String(contentsOfFile: root + "/bagit.txt", encoding: .utf8),
            declaration.contains("BagIt-Version: 1.")
        else {
            problem("bagit.txt", "missing or not a BagIt 1.x declaration: this is not a bag")
            return report
        }
        let payload = Set(
            (FileManager.default.enumerator(atPath: root + "/data")?.allObjects as? [String] ?? [])
                .filter { !isDirectory(root + "/data/" + $0) }.map { "data/" + $0 })
        report.payloadFiles = payload.count
        var payloadSHA256: [String: String] = [:]
        for algorithm in ["sha256", "sha512"] {
            let name = "manifest-\(algorithm).txt"
            guard let lines = manifest(name) else {
                problem(name, "missing")
                continue
            }
            for (hash, path) in lines {
                if algorithm == "sha256" { payloadSHA256[path] = hash }
                check(path, hash, algorithm, manifest: name, report: &report)
            }
            for path in payload.subtracting(lines.map(\.1)) { problem(path, "in data/ but not in \(name)") }
        }
        for algorithm in ["sha256", "sha512"] {
            let name = "tagmanifest-\(algorithm).txt"
            guard let lines = manifest(name) else {
                problem(name, "missing")
                continue
            }
            for (hash, path) in lines { check(path, hash, algorithm, manifest: name, report: &report) }
        }
        if let info = try? String(contentsOfFile: root + "/bag-info.txt", encoding: .utf8),
            let oxum = info.split(separator: "\n").first(where: { $0.hasPrefix("Payload-Oxum:") })
        {
            let bytes = payload.reduce(Int64(0)) { total, path in
                total + ((try? FileManager.default.attributesOfItem(atPath: root + "/" + path)[.size] as? Int64) ?? 0)
            }
            let expected = "\(bytes).\(payload.count)"
            if oxum.dropFirst("Payload-Oxum:".count).trimmingCharacters(in: .whitespaces) != expected {
                problem("bag-info.txt", "Payload-Oxum is not \(expected), what data/ holds")
            }
        }
        checkItems(payloadSHA256, report: &report)
        return report
    }

    /// Each item's metadata against its payload, and its audit entries' hashes.
    private func checkItems(_ payloadSHA256: [String: String], report: inout Report) {
        let items = (try? FileManager.default.contentsOfDirectory(atPath: root + "/custody/items")) ?? []
        let ingestHashes = Set(payloadSHA256.values)
        for file in items.sorted() where file.hasSuffix(".json") {
            let path = "custody/items/" + file
            guard let data = FileManager.default.contents(atPath: root + "/" + path),
                let detail = try? JSONDecoder().decode(ItemDetailView.self, from: data)
            else {
                report.problems.append(Problem(file: path, problem: "not an item's metadata"))
                continue
            }
            if !ingestHashes.contains(detail.item.sha256) {
                report.problems.append(
                    Problem(file: path, problem: "no payload file has the SHA-256 recorded at ingest, \(detail.item.sha256)"))
            }
        }
        for file in items.sorted() where file.hasSuffix(".audit.jsonl") {
            let path = "custody/items/" + file
            let text = (try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? ""
            var entries: [AuditEntryView] = []
            for (number, line) in text.split(separator: "\n").enumerated() {
                guard let entry = try? JSONDecoder().decode(AuditEntryView.self, from: Data(line.utf8)),
                    let at = entry.atMilliseconds, let previous = entry.prevHash.flatMap(Hex.decode),
                    let hash = entry.hash
                else {
                    report.problems.append(Problem(file: path, problem: "line \(number + 1) is not an audit entry with its hashes"))
                    continue
                }
                let computed = Hex.encode(
                    AuditEntryHash.hash(
                        sequence: entry.seq, previousHash: previous, atMilliseconds: at, actor: entry.actor,
                        action: entry.action, itemID: entry.item, detail: entry.detail))
                if computed != hash {
                    report.problems.append(Problem(file: path, problem: "entry \(entry.seq) does not match its hash: it was altered"))
                }
                if let last = entries.last, last.seq + 1 == entry.seq, last.hash != entry.prevHash {
                    report.problems.append(Problem(file: path, problem: "entry \(entry.seq) does not link to entry \(last.seq)"))
                }
                entries.append(entry)
            }
            report.auditEntries += entries.count
            report.entries[String(file.dropLast(".audit.jsonl".count))] = entries
        }
    }

    private func manifest(_ name: String) -> [(String, String)]? {
        guard let text = try? String(contentsOfFile: root + "/" + name, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            return (parts[0].lowercased(), parts[1].trimmingCharacters(in: .whitespaces))
        }
    }

    private func check(_ path: String, _ hash: String, _ algorithm: String, manifest: String, report: inout Report) {
        guard !path.contains(".."), let handle = FileHandle(forReadingAtPath: root + "/" + path) else {
            report.problems.append(Problem(file: path, problem: "listed in \(manifest) but missing"))
            return
        }
        defer { try? handle.close() }
        let sha256 = SHA256Hasher()
        let sha512 = SHA512Hasher()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            if algorithm == "sha256" { sha256.update(chunk) } else { sha512.update(chunk) }
        }
        let actual = algorithm == "sha256" ? sha256.finalize().hex : Hex.encode(sha512.finalize())
        if actual != hash {
            report.problems.append(Problem(file: path, problem: "its \(algorithm.uppercased()) is not the one in \(manifest): changed since it was bagged"))
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}

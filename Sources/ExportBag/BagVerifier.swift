import ControlProtocol
import CustodyCore
import EvidenceCrypto
import Foundation

/// Checks a bag as a recipient would, without trusting the writer or anyone who held the bag: the
/// BagIt declaration, `fetch.txt` (a bag that needs fetching is not complete), both manifests
/// against every payload file (and no file left out), both tag manifests, the payload size; then the
/// custody files: each audit entry's hash recomputed from its fields and linked to the entry before
/// it where they are consecutive, each item's metadata against its `item.stored` entry, and the
/// payload against the `item.stored` hashes — every item's ingest hash is a payload file's, and
/// every payload file is an item's. Reads RFC 8493 text from any writer (docs/playback-and-export.md).
public struct BagVerifier {
    /// One thing that does not check out.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
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
        /// The items the bag holds metadata for (`custody/items/ID.json`).
        public var items: Set<String> = []
        /// `Custody-Export-Request` of `bag-info.txt`: the export the bag says it is.
        public var exportNumber: Int64?
        /// SHA-256 of `manifest-sha256.txt` as it is on disk.
        public var manifestSHA256: String?
        /// SHA-256 of each payload file as it is on disk, by its path in the bag.
        public var payloadSHA256: [String: String] = [:]
        /// `custody/chain-head.json`: the chain's entry where the excerpts end.
        public var chainHead: AuditEntryView?
    }

    public let root: String

    public init(root: String) { self.root = root }

    /// Checks the bag.
    public func verify() -> Report {
        var report = Report()
        func problem(_ file: String, _ text: String) { report.problems.append(Problem(file: file, problem: text)) }
        if let refusal = declarationProblem() {
            report.problems.append(refusal)
            return report
        }
        if case .success(let lines) = BagText.lines(of: root + "/fetch.txt", named: "fetch.txt") {
            let count = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            if count > 0 {
                problem(
                    "fetch.txt",
                    "lists \(count) file(s) to fetch from elsewhere: the bag is not complete until they are fetched "
                        + "and checked; this bag was not written by Custody as it is")
            }
        }
        let payload = payloadFiles()
        report.payloadFiles = payload.count
        for path in payload.sorted() where Digests.isLink(root + "/" + path) {
            problem(path, "is a symbolic link: a bag's payload is its own files, and this one is not read")
        }
        var digests = Digests(root: root)
        for (algorithm, digits) in [("sha256", 64), ("sha512", 128)] {
            let name = "manifest-\(algorithm).txt"
            guard let manifest = BagManifest(name, in: root, hexDigits: digits, payload: true) else {
                problem(name, "missing")
                continue
            }
            report.problems += manifest.problems
            for entry in manifest.entries {
                check(entry, algorithm, manifest: name, digests: &digests, report: &report)
            }
            for path in payload.subtracting(manifest.entries.map(\.path)).sorted() {
                problem(path, "in data/ but not in \(name)")
            }
        }
        for (algorithm, digits) in [("sha256", 64), ("sha512", 128)] {
            let name = "tagmanifest-\(algorithm).txt"
            guard let manifest = BagManifest(name, in: root, hexDigits: digits, payload: false) else {
                problem(name, "missing")
                continue
            }
            report.problems += manifest.problems
            for entry in manifest.entries {
                check(entry, algorithm, manifest: name, digests: &digests, report: &report)
            }
        }
        if let manifest = FileManager.default.contents(atPath: root + "/manifest-sha256.txt") {
            report.manifestSHA256 = SHA256Hasher.hash([UInt8](manifest)).hex
        }
        for path in payload.sorted() {
            if let sha256 = digests.of(path)?.sha256 { report.payloadSHA256[path] = sha256 }
        }
        checkBagInfo(payload, report: &report)
        CustodyFiles(root: root).check(&report)
        return report
    }

    /// `bagit.txt`: RFC 8493 §2.1.1, no byte-order mark, a version this reader knows, UTF-8 tag files.
    private func declarationProblem() -> Problem? {
        let lines: [String]
        switch BagText.lines(of: root + "/bagit.txt", named: "bagit.txt", refuseBOM: true) {
        case .success(let read): lines = read
        case .failure(let problem):
            return Problem(file: problem.file, problem: problem.problem + ": this is not a bag that can be checked")
        }
        let fields = Dictionary(
            lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }, uniquingKeysWith: { first, _ in first })
        guard let version = fields["BagIt-Version"], version.hasPrefix("1.") || version == "0.97" else {
            return Problem(file: "bagit.txt", problem: "line 1 is not a BagIt 1.x declaration: this is not a bag")
        }
        guard let encoding = fields["Tag-File-Character-Encoding"] else {
            return Problem(file: "bagit.txt", problem: "has no Tag-File-Character-Encoding line (RFC 8493 §2.1.1)")
        }
        guard encoding.uppercased() == "UTF-8" else {
            return Problem(
                file: "bagit.txt", problem: "declares tag files in \(encoding); this reader reads UTF-8 only")
        }
        return nil
    }

    private func payloadFiles() -> Set<String> {
        let files = (FileManager.default.enumerator(atPath: root + "/data")?.allObjects as? [String] ?? [])
            .filter { !isDirectory(root + "/data/" + $0) }
        return Set(files.map { "data/" + $0 })
    }

    private func checkBagInfo(_ payload: Set<String>, report: inout Report) {
        guard case .success(let lines) = BagText.lines(of: root + "/bag-info.txt", named: "bag-info.txt") else {
            return
        }
        // Lines that start with whitespace continue the one before (RFC 8493 §2.2.2).
        var fields: [(String, String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append(
                    (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        if let oxum = fields.first(where: { $0.0 == "Payload-Oxum" })?.1 {
            let bytes = payload.reduce(Int64(0)) { total, path in
                total + ((try? FileManager.default.attributesOfItem(atPath: root + "/" + path)[.size] as? Int64) ?? 0)
            }
            let expected = "\(bytes).\(payload.count)"
            if oxum != expected {
                report.problems.append(
                    Problem(file: "bag-info.txt", problem: "Payload-Oxum is not \(expected), what data/ holds"))
            }
        }
        report.exportNumber = fields.first { $0.0 == "Custody-Export-Request" }.flatMap { Int64($0.1) }
    }

    private func check(
        _ entry: BagManifest.Entry, _ algorithm: String, manifest: String, digests: inout Digests, report: inout Report
    ) {
        guard let digest = digests.of(entry.path) else {
            report.problems.append(
                Problem(file: entry.path, problem: "listed in \(manifest) (line \(entry.line)) but missing"))
            return
        }
        let actual = algorithm == "sha256" ? digest.sha256 : digest.sha512
        if actual != entry.hash {
            report.problems.append(
                Problem(
                    file: entry.path,
                    problem: "its \(algorithm.uppercased()) is not the one in \(manifest) (line \(entry.line)): "
                        + "changed since it was bagged"))
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}

/// Each file's SHA-256 and SHA-512, read once however many manifests list it.
private struct Digests {
    let root: String
    private var known: [String: (sha256: String, sha512: String)] = [:]

    init(root: String) { self.root = root }

    /// Whether `path` is a symbolic link (never followed: a bag's files are its own).
    static func isLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    mutating func of(_ path: String) -> (sha256: String, sha512: String)? {
        if let digest = known[path] { return digest }
        guard !Self.isLink(root + "/" + path) else { return nil }
        guard let handle = FileHandle(forReadingAtPath: root + "/" + path) else { return nil }
        defer { try? handle.close() }
        let sha256 = SHA256Hasher()
        let sha512 = SHA512Hasher()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            sha256.update(chunk)
            sha512.update(chunk)
        }
        let digest = (sha256.finalize().hex, Hex.encode(sha512.finalize()))
        known[path] = digest
        return digest
    }
}

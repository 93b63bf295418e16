import ControlProtocol
import CustodyCore
import EvidenceCrypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes an opened export as a BagIt bag (RFC 8493): the plaintext under `data/` with the names the
/// camera gave, SHA-256 and SHA-512 manifests, tag manifests, `bag-info.txt`, and under `custody/`
/// each item's metadata, its audit entries with their chain hashes, the chain's head, and a
/// chain-of-custody report in text and HTML. This is the one place plaintext leaves the store.
///
/// The bag is written under a temporary name beside the target and renamed into place only when
/// complete and on disk, so a full disk or a crash never leaves a half bag under the final name.
public struct BagWriter {
    /// Reads `length` plaintext bytes of a view at `offset` (the daemon's `view.read`).
    public typealias Read = (_ view: ContentView, _ offset: Int64, _ length: Int) throws -> [UInt8]

    /// What was written.
    public struct Summary: Sendable, Equatable {
        /// SHA-256 of `manifest-sha256.txt`: what the daemon records.
        public var manifestSHA256: String
        public var files: Int
        public var bytes: Int64
    }

    public let export: ExportView
    /// Who the bag is from (`Source-Organization`).
    public let agency: String
    /// The Custody version writing it.
    public let version: String

    public init(export: ExportView, agency: String, version: String) {
        self.export = export
        self.agency = agency
        self.version = version
    }

    /// Writes the bag at `target`, which must not exist.
    /// - Throws: `BagError` naming the file and the fix; nothing is left under `target` then.
    public func write(to target: String, read: Read) throws -> Summary {
        guard let views = export.views, let details = export.details, views.count == details.count else {
            throw BagError(message: "export \(export.id) was not opened with its items; run `custody export write` again")
        }
        let targetURL = URL(fileURLWithPath: target).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: targetURL.path) else {
            throw BagError(message: "\(targetURL.path) exists; give a new directory for the bag (nothing is overwritten)")
        }
        let parent = targetURL.deletingLastPathComponent().path
        var random = SystemRandomNumberGenerator()
        let temporary = parent + "/." + targetURL.lastPathComponent + ".partial-" + String(random.next() as UInt32, radix: 16)
        do {
            try FileManager.default.createDirectory(atPath: temporary + "/data", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: temporary + "/custody/items", withIntermediateDirectories: true)
        } catch {
            throw BagError(message: "cannot create the bag beside \(targetURL.path): \(error.localizedDescription)")
        }
        do {
            let summary = try fill(temporary, views: views, details: details, read: read)
            try BagFiles.syncDirectory(temporary + "/data")
            try BagFiles.syncDirectory(temporary + "/custody/items")
            try BagFiles.syncDirectory(temporary + "/custody")
            try BagFiles.syncDirectory(temporary)
            guard rename(temporary, targetURL.path) == 0 else {
                throw BagError(message: "cannot rename the finished bag to \(targetURL.path): \(String(cString: strerror(errno)))")
            }
            try BagFiles.syncDirectory(parent)
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    private func fill(_ root: String, views: [ContentView], details: [ItemDetailView], read: Read) throws -> Summary {
        var manifest256: [(String, String)] = []
        var manifest512: [(String, String)] = []
        var names = Set<String>()
        var total: Int64 = 0
        for (view, detail) in zip(views, details) {
            let name = BagFiles.uniqueName(BagFiles.safeName(view.name, fallback: view.item), taken: &names)
            let (sha256, sha512, size) = try BagFiles.writePayload(root + "/data/" + name, view: view, read: read)
            guard sha256 == view.sha256 else {
                throw BagError(
                    message: "item \(view.item) read back with SHA-256 \(sha256), not the \(view.sha256) recorded at ingest; the bag was not written")
            }
            manifest256.append((sha256, "data/" + name))
            manifest512.append((sha512, "data/" + name))
            total += size
            try BagFiles.writeJSON(detail, to: root + "/custody/items/\(view.item).json")
            let trail = try detail.audit.map { String(decoding: try BagFiles.compactJSON($0), as: UTF8.self) }
            try BagFiles.write(trail.joined(separator: "\n") + "\n", to: root + "/custody/items/\(view.item).audit.jsonl")
        }
        if let head = export.chainHead { try BagFiles.writeJSON(head, to: root + "/custody/chain-head.json") }
        let files = zip(views, manifest256.map(\.1)).map { ($0.0, $0.1) }
        let report = CustodyReport(export: export, files: files, agency: agency, version: version)
        try BagFiles.write(report.text, to: root + "/custody/chain-of-custody.txt")
        try BagFiles.write(report.html, to: root + "/custody/chain-of-custody.html")
        try BagFiles.write("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", to: root + "/bagit.txt")
        try BagFiles.write(bagInfo(bytes: total, files: views.count), to: root + "/bag-info.txt")
        let manifestText = manifest256.map { "\($0.0)  \($0.1)\n" }.joined()
        try BagFiles.write(manifestText, to: root + "/manifest-sha256.txt")
        try BagFiles.write(manifest512.map { "\($0.0)  \($0.1)\n" }.joined(), to: root + "/manifest-sha512.txt")
        // Tag manifests cover every tag file but themselves.
        var tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt"]
        tags += try FileManager.default.subpathsOfDirectory(atPath: root + "/custody").sorted()
            .filter { !$0.hasSuffix("/") && $0 != "items" }.map { "custody/" + $0 }
        var tag256 = ""
        var tag512 = ""
        for tag in tags {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/" + tag))
            tag256 += "\(SHA256Hasher.hash(bytes).hex)  \(tag)\n"
            let hasher = SHA512Hasher()
            hasher.update(bytes)
            tag512 += "\(Hex.encode(hasher.finalize()))  \(tag)\n"
        }
        try BagFiles.write(tag256, to: root + "/tagmanifest-sha256.txt")
        try BagFiles.write(tag512, to: root + "/tagmanifest-sha512.txt")
        return Summary(
            manifestSHA256: SHA256Hasher.hash(Array(manifestText.utf8)).hex, files: views.count, bytes: total)
    }

    private func bagInfo(bytes: Int64, files: Int) -> String {
        var fields: [(String, String)] = [
            ("Source-Organization", agency),
            ("External-Identifier", "custody-export-\(export.id)"),
            ("Bagging-Date", String(Timestamps.rfc3339(Date()).prefix(10))),
            ("Payload-Oxum", "\(bytes).\(files)"),
            ("Custody-Export-Request", "\(export.id)"),
            ("Custody-Recipient", export.recipient),
            ("Custody-Purpose", export.purpose),
            ("Custody-Requested-By", "\(export.requestedBy) at \(export.requestedAt)"),
        ]
        if let approver = export.approvedBy { fields.append(("Custody-Approved-By", "\(approver) at \(export.approvedAt ?? "?")")) }
        if let until = export.validUntil { fields.append(("Custody-Approval-Valid-Until", until)) }
        if let head = export.chainHead {
            fields.append(("Custody-Audit-Chain-Head", "entry \(head.seq) \(head.hash ?? "?")"))
        }
        fields.append(("Custody-Version", version))
        return fields.map { "\($0.0): \(BagFiles.oneLine($0.1))\n" }.joined()
    }
}

/// Why a bag could not be written or does not verify.
public struct BagError: CustodyError {
    public var message: String
    public init(message: String) { self.message = message }
}

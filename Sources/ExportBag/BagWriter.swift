import ControlProtocol
import CustodyCore
import EvidenceCrypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes an opened export as a BagIt bag (RFC 8493): the plaintext under `data/` at the paths the
/// daemon decided, SHA-256 and SHA-512 manifests, tag manifests, `bag-info.txt`, and under
/// `custody/` each item's metadata, its audit excerpt with the chain hashes, the chain's entry where
/// the excerpts end, and a chain-of-custody report in text and HTML. This is the one place
/// plaintext leaves the store.
///
/// The bag is written in one partial directory beside the target, `.custody-export-N.partial`
/// (`BagPartials`), locked while it is written. Only when every file is on disk and its manifest is
/// the one the daemon expects does `finish` record it; then it is renamed into place. A failure
/// removes the partial; a killed writer's partial is removed by the next write into that directory.
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

    /// How much is read from the daemon at a time (the most `view.read` serves: 256 MiB measured at
    /// 5.2–6.0 s this way, 5.5–8.5 s at 1 MiB, on a shared 2-core machine).
    static let chunk = 4 << 20

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
    /// - Parameters:
    ///   - progress: told each step (`partial PATH`, `payload PATH BYTES SIZE` per MiB, `tags`,
    ///     `recorded`, `renamed PATH`) as it is done.
    ///   - payloadWritten: told, as each MiB of payload is written, the payload file's path in the bag
    ///     and the bytes of all payload files written so far (a progress bar's count).
    ///   - announce: told of each abandoned partial found beside the target (removed, or why not).
    ///   - finish: records the finished bag (the daemon's `export.finish`); the bag is renamed into
    ///     place only after it returns.
    /// - Throws: `BagError` naming the file and the fix; nothing is left under `target` or beside it then.
    public func write(
        to target: String, read: Read, progress: (String) -> Void = { _ in },
        payloadWritten: (_ path: String, _ bytes: Int64) -> Void = { _, _ in },
        announce: (BagPartials.Abandoned) -> Void = { _ in }, finish: (Summary) throws -> Void
    ) throws -> Summary {
        guard let views = export.views, let details = export.details, let payload = export.payload,
            views.count == details.count, views.count == payload.count,
            zip(views, payload).allSatisfy({ $0.item == $1.item }), let expected = export.expectedManifestSHA256
        else {
            throw BagError(
                message: "export \(export.id) was not opened with its items and the bag they make; "
                    + "custodyd and custody must be the same version")
        }
        let targetURL = URL(fileURLWithPath: target).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: targetURL.path) else {
            throw BagError(
                message: "\(targetURL.path) exists; give a new directory for the bag (nothing is overwritten)")
        }
        let parent = targetURL.deletingLastPathComponent().path
        let (partial, lock, removed) = try BagPartials.create(for: export.id, in: parent)
        defer { close(lock) }
        removed.forEach(announce)
        progress("partial \(partial)")
        do {
            try FileManager.default.createDirectory(atPath: partial + "/data", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(
                atPath: partial + "/custody/items", withIntermediateDirectories: true)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw BagError(message: "cannot create the bag beside \(targetURL.path): \(error.localizedDescription)")
        }
        do {
            let summary = try fill(
                partial, views: views, details: details, payload: payload, read: read, progress: progress,
                payloadWritten: payloadWritten)
            guard summary.manifestSHA256 == expected else {
                throw BagError(
                    message: "the bag's manifest-sha256.txt hashes to \(summary.manifestSHA256), not the \(expected) "
                        + "custodyd expects for export \(export.id); the bag was not written")
            }
            try BagFiles.syncDirectory(partial + "/data")
            try BagFiles.syncDirectory(partial + "/custody/items")
            try BagFiles.syncDirectory(partial + "/custody")
            try BagFiles.syncDirectory(partial)
            guard !FileManager.default.fileExists(atPath: targetURL.path) else {
                throw BagError(
                    message: "\(targetURL.path) appeared while the bag was written; write it again elsewhere")
            }
            try finish(summary)
            progress("recorded")
            // Readable by the writer's group, like its files, once it is whole.
            chmod(partial, 0o750)
            guard rename(partial, targetURL.path) == 0 else {
                throw BagError(
                    message: "export \(export.id) is recorded as written, but its bag could not be renamed to "
                        + "\(targetURL.path): \(String(cString: strerror(errno))); the partial was removed, "
                        + "request a new export")
            }
            try BagFiles.syncDirectory(parent)
            progress("renamed \(targetURL.path)")
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private func fill(
        _ root: String, views: [ContentView], details: [ItemDetailView], payload: [ExportPayloadFile], read: Read,
        progress: (String) -> Void, payloadWritten: (String, Int64) -> Void
    ) throws -> Summary {
        var manifest512: [ExportPayloadFile] = []
        var total: Int64 = 0
        for ((view, detail), file) in zip(zip(views, details), payload) {
            let (sha256, sha512, size) = try BagFiles.writePayload(
                root + "/" + file.path, view: view, chunk: Self.chunk, read: read
            ) { written in
                progress("payload \(file.path) \(written) \(view.size)")
                payloadWritten(file.path, total + written)
            }
            guard sha256 == file.sha256 else {
                throw BagError(
                    message: "item \(view.item) read back with SHA-256 \(sha256), not the \(file.sha256) its "
                        + "item.stored audit entry records; the bag was not written")
            }
            manifest512.append(ExportPayloadFile(item: file.item, path: file.path, sha256: sha512, size: size))
            total += size
            try BagFiles.writeJSON(detail, to: root + "/custody/items/\(view.item).json")
            let trail = try detail.audit.map { String(decoding: try BagFiles.compactJSON($0), as: UTF8.self) }
            try BagFiles.write(
                trail.joined(separator: "\n") + "\n", to: root + "/custody/items/\(view.item).audit.jsonl")
        }
        if let head = export.chainHead { try BagFiles.writeJSON(head, to: root + "/custody/chain-head.json") }
        let files = zip(views, payload.map(\.path)).map { ($0.0, $0.1) }
        let report = CustodyReport(export: export, files: files, agency: agency, version: version)
        try BagFiles.write(report.text, to: root + "/custody/chain-of-custody.txt")
        try BagFiles.write(report.html, to: root + "/custody/chain-of-custody.html")
        try BagFiles.write("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", to: root + "/bagit.txt")
        try BagFiles.write(bagInfo(bytes: total, files: views.count), to: root + "/bag-info.txt")
        let manifestText = BagPlan.manifest(payload)
        try BagFiles.write(manifestText, to: root + "/manifest-sha256.txt")
        try BagFiles.write(BagPlan.manifest(manifest512), to: root + "/manifest-sha512.txt")
        // Tag manifests cover every tag file but themselves.
        var tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt"]
        tags += try FileManager.default.subpathsOfDirectory(atPath: root + "/custody").sorted()
            .filter { !$0.hasSuffix("/") && $0 != "items" }.map { "custody/" + $0 }
        var tag256 = ""
        var tag512 = ""
        for tag in tags {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/" + tag))
            tag256 += "\(SHA256Hasher.hash(bytes).hex)  \(BagText.encodePath(tag))\n"
            let hasher = SHA512Hasher()
            hasher.update(bytes)
            tag512 += "\(Hex.encode(hasher.finalize()))  \(BagText.encodePath(tag))\n"
        }
        try BagFiles.write(tag256, to: root + "/tagmanifest-sha256.txt")
        try BagFiles.write(tag512, to: root + "/tagmanifest-sha512.txt")
        progress("tags")
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
        if let approver = export.approvedBy {
            fields.append(("Custody-Approved-By", "\(approver) at \(export.approvedAt ?? "?")"))
        }
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

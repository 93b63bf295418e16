import Catalog
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A file of audit anchors, one JSON line each (`AuditAnchor.line`), kept outside the state directory
/// (docs/audit-log.md, "Anchors"): the daemon only ever appends to it.
public enum AnchorFile {
    /// Appends one anchor and makes it durable before returning, so an anchor that was published is
    /// never lost to a crash that follows.
    /// - Throws: `DaemonError.anchor` naming the file and the reason.
    public static func append(_ anchor: AuditAnchor, to path: FilePath) throws {
        let fd: FileDescriptor
        do {
            // 0640: anyone the operator lets read the store's audit may read its anchors; the daemon's
            // umask narrows this further.
            fd = try FileDescriptor.open(
                path, .writeOnly, options: [.create, .append, .closeOnExec],
                permissions: [.ownerRead, .ownerWrite, .groupRead])
        } catch {
            throw DaemonError(
                code: .anchor,
                message:
                    "cannot open the audit anchor file \(path) for appending (\(error)); create its directory and let custodyd write there (ReadWritePaths= in a drop-in)"
            )
        }
        defer { try? fd.close() }
        do {
            _ = try fd.writeAll(Array((anchor.line + "\n").utf8))
            guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            throw DaemonError(code: .anchor, message: "cannot append to the audit anchor file \(path): \(error)")
        }
    }

    /// The anchors in the file, in file order, and the numbers of lines that are not anchors.
    /// - Throws: `DaemonError.anchor` when the file cannot be read.
    public static func read(from path: FilePath) throws -> (anchors: [AuditAnchor], malformedLines: [Int]) {
        guard let data = FileManager.default.contents(atPath: path.string) else {
            throw DaemonError(
                code: .anchor, message: "cannot read the audit anchor file \(path): it is missing or not readable")
        }
        var anchors: [AuditAnchor] = []
        var malformed: [Int] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        ).enumerated() where !line.isEmpty {
            if let anchor = AuditAnchor(line: String(line)) {
                anchors.append(anchor)
            } else {
                malformed.append(index + 1)
            }
        }
        return (anchors, malformed)
    }
}

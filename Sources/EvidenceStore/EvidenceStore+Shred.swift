import CustodyCore
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

extension EvidenceStore {
    /// Overwrites the committed object with this hash with zeros, makes that durable, unlinks it and
    /// makes the unlink durable (DESIGN §13). The erase that counts is the wrapped key's, in the
    /// catalog; this removes the ciphertext too, so no copy is left for a future break of the cipher.
    /// An object already gone is not an error, so a restart can finish an interrupted shred.
    /// - Throws: `StoreError.io`.
    public func shredObject(_ hash: SHA256Digest) throws {
        try shredObjects([hash])
    }

    /// `shredObject` for several objects, each overwritten and fsynced, with one `syncfs` for all
    /// the unlinks at the end; `each` is told of every object once it is unlinked.
    /// - Throws: `StoreError.io`.
    public func shredObjects(_ hashes: [SHA256Digest], each: (SHA256Digest) -> Void = { _ in }) throws {
        for hash in hashes {
            try overwriteAndUnlink(hash)
            each(hash)
        }
        if !hashes.isEmpty { try makeDurable() }
    }

    private func overwriteAndUnlink(_ hash: SHA256Digest) throws {
        let path = objectPath(for: hash)
        // Objects are written read-only; the owner may still make one writable to overwrite it.
        guard chmod(path.string, 0o600) == 0 else {
            if errno == ENOENT { return }
            throw StoreError(code: .io, message: "cannot make \(path) writable to overwrite it: \(Errno(rawValue: errno))")
        }
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .writeOnly, options: [.closeOnExec])
        } catch {
            throw StoreError(code: .io, message: "cannot open \(path) to overwrite it", cause: error as? Errno)
        }
        do {
            defer { try? fd.close() }
            var info = stat()
            guard fstat(fd.rawValue, &info) == 0 else { throw Errno(rawValue: errno) }
            let zeros = [UInt8](repeating: 0, count: 1 << 20)
            var offset: Int64 = 0
            while offset < Int64(info.st_size) {
                let count = Int(min(Int64(zeros.count), Int64(info.st_size) - offset))
                _ = try zeros.prefix(count).withUnsafeBytes { try fd.writeAll(toAbsoluteOffset: offset, $0) }
                offset += Int64(count)
            }
            try Syscalls.fsync(fd)
        } catch {
            throw writeError(error, path: path)
        }
        try removeFile(at: path)
    }
}

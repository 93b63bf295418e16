import CustodyCore
import EvidenceCrypto
import SystemPackage

/// Reads a committed object back from disk and checks it against the hashes recorded at ingest.
///
/// `verifyObjectHash` needs no key (fixity); `verifyContent` also decrypts every segment and re-hashes
/// the plaintext (read-back verification, `verify --deep`). Both drop the file's cached pages first,
/// so what is checked is what the disk holds, not what the page cache remembers.
public struct ObjectVerifier: Sendable {
    private let store: EvidenceStore

    /// Creates a verifier over `store`.
    public init(store: EvidenceStore) { self.store = store }

    /// Checks that the object named `hash` still hashes to its name.
    /// - Throws: `StoreError.missingObject`, `.corruptObject` (hash mismatch), `.io`.
    public func verifyObjectHash(_ hash: SHA256Digest, id: EvidenceID) throws {
        let path = store.objectPath(for: hash)
        let fd = try openObject(path, id: id)
        defer { try? fd.close() }
        let hasher = SHA256Hasher()
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 << 20, alignment: 4096)
        defer { block.deallocate() }
        var offset: Int64 = 0
        while true {
            let got = try readBlock(fd, path: path, at: offset, into: block)
            if got == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: block[..<got]))
            offset += Int64(got)
        }
        let actual = hasher.finalize()
        guard actual == hash else {
            throw StoreError(
                code: .corruptObject,
                message:
                    "object \(path) of item \(id) has SHA-256 \(actual.hex), not the \(hash.hex) it was stored with: its bytes changed"
            )
        }
    }

    /// Reads the whole object, checks the object hash, decrypts every segment and checks the plaintext
    /// hash and length.
    /// - Throws: `StoreError.missingObject`, `.corruptObject`, `.io`.
    public func verifyContent(
        objectHash: SHA256Digest, plaintextHash: SHA256Digest, size: Int64, id: EvidenceID, dataKey: SecretKey
    ) throws {
        let path = store.objectPath(for: objectHash)
        let fd = try openObject(path, id: id)
        defer { try? fd.close() }
        var headerBytes = [UInt8](repeating: 0, count: ObjectHeader.length)
        let headerLength = try headerBytes.withUnsafeMutableBytes { try readBlock(fd, path: path, at: 0, into: $0) }
        let header = try ObjectHeader(decoding: Array(headerBytes.prefix(headerLength)), objectName: path.string)
        guard header.itemID == id else {
            throw StoreError(
                code: .corruptObject, message: "object \(path) belongs to item \(header.itemID), not to item \(id)")
        }
        guard header.plaintextLength == size else {
            throw StoreError(
                code: .corruptObject,
                message: "object \(path) of item \(id) holds \(header.plaintextLength) bytes, not the \(size) recorded")
        }
        let fileSize = try Syscalls.fileSize(fd)
        guard fileSize == header.objectLength else {
            throw StoreError(
                code: .corruptObject,
                message:
                    "object \(path) of item \(id) is \(fileSize) bytes but its header implies \(header.objectLength): truncated or extended"
            )
        }

        let opener = try AESGCM(key: dataKey, encrypting: false)
        let objectHasher = SHA256Hasher()
        let plaintextHasher = SHA256Hasher()
        objectHasher.update(headerBytes)
        let sealedSegment = header.segmentSize + AESGCM.tagLength
        let segmentsPerBlock = 8
        let sealed = UnsafeMutableRawBufferPointer.allocate(
            byteCount: sealedSegment * segmentsPerBlock, alignment: 4096)
        let plain = UnsafeMutableRawBufferPointer.allocate(
            byteCount: header.segmentSize * segmentsPerBlock, alignment: 4096)
        defer {
            plain.initializeMemory(as: UInt8.self, repeating: 0)
            sealed.deallocate()
            plain.deallocate()
        }
        var segment: Int64 = 0
        while segment < header.segmentCount {
            let count = Int(min(Int64(segmentsPerBlock), header.segmentCount - segment))
            var sealedLength = 0
            for index in segment..<segment + Int64(count) {
                sealedLength += header.plaintextLength(ofSegment: index) + AESGCM.tagLength
            }
            let got = try readBlock(
                fd, path: path, at: header.offset(ofSegment: segment),
                into: UnsafeMutableRawBufferPointer(rebasing: sealed[..<sealedLength]))
            guard got == sealedLength else {
                throw StoreError(
                    code: .corruptObject, message: "object \(path) of item \(id) ends inside segment \(segment)")
            }
            let first = segment
            try headerBytes.withUnsafeBytes { aad in
                try runInParallel(
                    { objectHasher.update(UnsafeRawBufferPointer(rebasing: sealed[..<sealedLength])) },
                    {
                        var sealedOffset = 0
                        var plainOffset = 0
                        for index in first..<first + Int64(count) {
                            let length = header.plaintextLength(ofSegment: index)
                            let nonce = header.nonce(forSegment: index)
                            do {
                                try nonce.withUnsafeBytes { nonce in
                                    try opener.open(
                                        nonce: nonce, aad: aad,
                                        sealed: UnsafeRawBufferPointer(
                                            rebasing: sealed[sealedOffset..<sealedOffset + length + AESGCM.tagLength]),
                                        into: UnsafeMutableRawBufferPointer(
                                            rebasing: plain[plainOffset..<plainOffset + length]))
                                }
                            } catch let error as CryptoError where error.code == .authenticationFailed {
                                throw StoreError(
                                    code: .corruptObject,
                                    message:
                                        "object \(path) of item \(id): segment \(index) failed authentication (altered bytes or wrong key)"
                                )
                            }
                            sealedOffset += length + AESGCM.tagLength
                            plainOffset += length
                        }
                        plaintextHasher.update(UnsafeRawBufferPointer(rebasing: plain[..<plainOffset]))
                    })
            }
            segment += Int64(count)
        }
        let actualObject = objectHasher.finalize()
        guard actualObject == objectHash else {
            throw StoreError(
                code: .corruptObject,
                message:
                    "object \(path) of item \(id) has SHA-256 \(actualObject.hex), not the \(objectHash.hex) it was stored with: its bytes changed"
            )
        }
        let actualPlain = plaintextHasher.finalize()
        guard actualPlain == plaintextHash else {
            throw StoreError(
                code: .corruptObject,
                message:
                    "item \(id) decrypts to content with SHA-256 \(actualPlain.hex), not the \(plaintextHash.hex) recorded at ingest"
            )
        }
    }

    private func openObject(_ path: FilePath, id: EvidenceID) throws -> FileDescriptor {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            throw StoreError(code: .missingObject, message: "object \(path) of item \(id) is missing from the store")
        } catch {
            throw StoreError(code: .io, message: "cannot open object \(path) of item \(id)", cause: error as? Errno)
        }
        Syscalls.dropCache(fd)
        Syscalls.adviseSequential(fd)
        return fd
    }

    private func readBlock(
        _ fd: FileDescriptor, path: FilePath, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        var filled = 0
        do {
            while filled < buffer.count {
                let got = try fd.read(
                    fromAbsoluteOffset: offset + Int64(filled),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                if got == 0 { break }
                filled += got
            }
        } catch {
            throw StoreError(code: .io, message: "reading object \(path) failed", cause: error as? Errno)
        }
        return filled
    }
}

import CustodyCore
import EvidenceCrypto
import SystemPackage

/// Reads committed objects back from disk and checks them against the hashes recorded at ingest.
///
/// `verifyObjectHash` needs no key (fixity). `verifyContent` decrypts every segment — which proves,
/// through the GCM tags, that the bytes on disk are the bytes written — and re-hashes the plaintext;
/// with `checkObjectHash` it also re-hashes the object file (a deep fixity check). Both read past
/// the page cache (`UncachedReads`), so what is checked is what the disk holds, not what the page
/// cache remembers. Reading the next block overlaps decrypting this one and hashing the last. Buffers are
/// reused across objects; one owner at a time.
public final class ObjectVerifier {
    /// Segments per block: 2 MiB reads with the default segment size (read-back runs beside sealing,
    /// so its buffers are kept small to hold the import under 64 MiB).
    static let segmentsPerBlock = 2
    private let store: EvidenceStore
    private var buffers: (sealed: BufferPair, plain: BufferPair, segmentSize: Int)?
    private let stages = ParallelStages()

    /// Creates a verifier over `store`.
    public init(store: EvidenceStore) { self.store = store }

    /// Checks that the object named `hash` still hashes to its name.
    /// - Throws: `StoreError.missingObject`, `.corruptObject` (hash mismatch), `.io`.
    public func verifyObjectHash(_ hash: SHA256Digest, id: EvidenceID) throws {
        let path = store.objectPath(for: hash)
        let fd = try openObject(path, id: id)
        defer { try? fd.close() }
        let reads = UncachedReads(fd)
        let hasher = SHA256Hasher()
        let (blocks, _) = buffers(for: ObjectHeader.defaultSegmentSize)
        // A whole number of pages, so every read starts aligned.
        let size = (blocks.capacity - DirectIO.slack) / DirectIO.alignment * DirectIO.alignment
        var offset: Int64 = 0
        var block: Int64 = 0
        var got = try read(reads, path: path, at: 0, length: size, into: blocks[0, blocks.capacity])
        while !got.isEmpty {
            let current = got
            let next = block + 1
            try stages.run(
                { hasher.update(current) },
                {
                    got = try self.read(
                        reads, path: path, at: offset + Int64(current.count), length: size,
                        into: blocks[next, blocks.capacity])
                })
            offset += Int64(current.count)
            block += 1
        }
        try Self.check(hasher.finalize(), equals: hash, path: path, id: id)
    }

    /// Reads the whole object, decrypts every segment and checks the plaintext hash and length; with
    /// `checkObjectHash`, also the object file's hash.
    /// - Throws: `StoreError.missingObject`, `.corruptObject`, `.io`.
    public func verifyContent(
        objectHash: SHA256Digest, plaintextHash: SHA256Digest, size: Int64, id: EvidenceID, dataKey: SecretKey,
        checkObjectHash: Bool = true
    ) throws {
        let path = store.objectPath(for: objectHash)
        let fd = try openObject(path, id: id)
        defer { try? fd.close() }
        let (header, headerBytes) = try ObjectHeader.read(from: fd, path: path, id: id, expectedLength: size)
        let reads = UncachedReads(fd)

        let opener = try AESGCM(key: dataKey, encrypting: false)
        let objectHasher = SHA256Hasher()
        let plaintextHasher = SHA256Hasher()
        objectHasher.update(headerBytes)
        let (sealed, plain) = buffers(for: header.segmentSize)
        let perBlock = Int64(Self.segmentsPerBlock)
        let blockCount = (header.segmentCount + perBlock - 1) / perBlock
        func segments(_ block: Int64) -> Range<Int64> {
            block * perBlock..<min(header.segmentCount, (block + 1) * perBlock)
        }
        func plainLength(_ block: Int64) -> Int {
            segments(block).reduce(0) { $0 + header.plaintextLength(ofSegment: $1) }
        }
        func sealedLength(_ block: Int64) -> Int { plainLength(block) + AESGCM.tagLength * segments(block).count }
        // Where block `block`'s sealed bytes sit in its buffer once read (after the alignment prefix).
        func sealedBytes(_ block: Int64) -> UnsafeRawBufferPointer {
            let prefix = DirectIO.prefix(of: header.offset(ofSegment: segments(block).lowerBound))
            return UnsafeRawBufferPointer(
                rebasing: sealed[block, sealed.capacity][prefix..<prefix + sealedLength(block)])
        }

        func readSealed(_ block: Int64) throws {
            let length = sealedLength(block)
            let got = try read(
                reads, path: path, at: header.offset(ofSegment: segments(block).lowerBound), length: length,
                into: sealed[block, sealed.capacity])
            guard got.count == length else {
                throw StoreError(
                    code: .corruptObject,
                    message: "object \(path) of item \(id) ends inside segment \(segments(block).lowerBound)")
            }
        }
        func open(_ block: Int64, aad: UnsafeRawBufferPointer) throws {
            let input = sealedBytes(block)
            let output = plain[block, plainLength(block)]
            var sealedOffset = 0
            var plainOffset = 0
            for segment in segments(block) {
                let length = header.plaintextLength(ofSegment: segment)
                do {
                    try header.nonce(forSegment: segment).withUnsafeBytes { nonce in
                        try opener.open(
                            nonce: nonce, aad: aad,
                            sealed: UnsafeRawBufferPointer(
                                rebasing: input[sealedOffset..<sealedOffset + length + AESGCM.tagLength]),
                            into: UnsafeMutableRawBufferPointer(rebasing: output[plainOffset..<plainOffset + length]))
                    }
                } catch let error as CryptoError where error.code == .authenticationFailed {
                    throw StoreError(
                        code: .corruptObject,
                        message:
                            "object \(path) of item \(id): segment \(segment) failed authentication (altered bytes or wrong key)"
                    )
                }
                sealedOffset += length + AESGCM.tagLength
                plainOffset += length
            }
        }

        try readSealed(0)
        try headerBytes.withUnsafeBytes { aad in
            for block in 0..<blockCount {
                try stages.run(
                    inline: blockCount == 1,
                    {
                        if checkObjectHash {
                            objectHasher.update(sealedBytes(block))
                        }
                        if block > 0 {
                            plaintextHasher.update(UnsafeRawBufferPointer(plain[block - 1, plainLength(block - 1)]))
                        }
                    },
                    { try open(block, aad: aad) },
                    { if block + 1 < blockCount { try readSealed(block + 1) } })
            }
        }
        plaintextHasher.update(UnsafeRawBufferPointer(plain[blockCount - 1, plainLength(blockCount - 1)]))

        if checkObjectHash {
            try Self.check(objectHasher.finalize(), equals: objectHash, path: path, id: id)
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

    private static func check(_ actual: SHA256Digest, equals expected: SHA256Digest, path: FilePath, id: EvidenceID)
        throws
    {
        guard actual == expected else {
            throw StoreError(
                code: .corruptObject,
                message:
                    "object \(path) of item \(id) has SHA-256 \(actual.hex), not the \(expected.hex) it was stored with: its bytes changed"
            )
        }
    }

    /// The reusable buffers for this segment size, made on first use.
    private func buffers(for segmentSize: Int) -> (BufferPair, BufferPair) {
        if let buffers, buffers.segmentSize == segmentSize { return (buffers.sealed, buffers.plain) }
        let sealed = BufferPair(
            capacity: (segmentSize + AESGCM.tagLength) * Self.segmentsPerBlock + DirectIO.slack)
        let plain = BufferPair(capacity: segmentSize * Self.segmentsPerBlock)
        buffers = (sealed, plain, segmentSize)
        return (sealed, plain)
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
        // Before any read, the header's included: it is read before direct I/O is turned on, and it
        // is the AAD of every segment, so it too must come from the disk.
        Syscalls.dropCache(fd)
        Syscalls.adviseSequential(fd)
        return fd
    }

    private func read(
        _ reads: UncachedReads, path: FilePath, at offset: Int64, length: Int,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws -> UnsafeRawBufferPointer {
        do {
            return try reads.read(at: offset, length: length, into: buffer)
        } catch {
            throw StoreError(code: .io, message: "reading object \(path) failed", cause: error as? Errno)
        }
    }
}

import CustodyCore
import EvidenceCrypto
import SystemPackage

/// Seals items into partial objects in `tmp/`, reading each source exactly once.
///
/// Blocks of a few segments flow through three overlapped stages: block n+1 is read from the source
/// while block n is sealed and its segments hashed (object SHA-256) on one core and hashed as
/// plaintext, with block n-1 written out, on the other. Buffers are reused from item to item, so memory
/// stays at four blocks however large or numerous the items. Writes bypass the page cache where the
/// filesystem allows (`UncachedWrites`), so each block sits in its buffer where it falls in the file's
/// pages, behind the tail of the block before it (or the header). One owner at a time.
public final class ObjectWriter {
    /// Segments per block: 4 MiB reads and writes with the default segment size.
    static let segmentsPerBlock = 4

    private let store: EvidenceStore
    private let keyEncryptionKey: KeyEncryptionKey
    private var buffers: (input: BufferPair, output: BufferPair, segmentSize: Int)?
    private let stages = ParallelStages()

    /// Creates a writer for `store`, wrapping data keys with `keyEncryptionKey`.
    public init(store: EvidenceStore, keyEncryptionKey: KeyEncryptionKey) {
        self.store = store
        self.keyEncryptionKey = keyEncryptionKey
    }

    /// Reads `expectedLength` bytes through `read` and seals them as item `id`.
    ///
    /// `read` fills as much of the buffer as it can and returns the count, 0 at end of input; it is
    /// called from a worker thread, never concurrently with itself. Exactly `expectedLength` bytes must
    /// come, then end of input; anything else means the source changed while it was read, and nothing
    /// is kept. `progress` is called after each block with the bytes so far.
    /// - Throws: `StoreError` (`.sourceChanged`, `.diskFull`, `.io`), or whatever `read` throws. On
    ///   any error the partial object is removed.
    public func write(
        id: EvidenceID, expectedLength: Int64, segmentSize: Int = ObjectHeader.defaultSegmentSize,
        read: (UnsafeMutableRawBufferPointer) throws -> Int,
        progress: (Int64) -> Void = { _ in }
    ) throws -> WrittenObject {
        let dataKey = try SecretKey.random()
        let header = ObjectHeader(
            segmentSize: segmentSize, plaintextLength: expectedLength, itemID: id,
            noncePrefix: try SecureRandom.bytes(count: 7))
        let path = store.temporaryPath(for: id)
        let fd = try store.createTemporaryObject(at: path)
        var keep = false
        defer {
            try? fd.close()
            if !keep { try? store.removeFile(at: path) }
        }
        do {
            try Syscalls.allocate(fd, length: header.objectLength)
        } catch {
            throw store.writeError(error, path: path)
        }
        let writes = UncachedWrites(fd, path: path, store: store)
        let sealer = try AESGCM(key: dataKey, encrypting: true)
        let plaintextHasher = SHA256Hasher()
        let objectHasher = SHA256Hasher()
        let headerBytes = header.encoded
        objectHasher.update(headerBytes)

        let (input, output) = buffers(for: segmentSize)
        let blockSize = segmentSize * Self.segmentsPerBlock
        let blockCount = max(1, (expectedLength + Int64(blockSize) - 1) / Int64(blockSize))
        func blockLength(_ block: Int64) -> Int {
            Int(min(Int64(blockSize), expectedLength - block * Int64(blockSize)))
        }
        func sealedLength(_ block: Int64) -> Int {
            let plain = blockLength(block)
            return plain + AESGCM.tagLength * max(1, (plain + segmentSize - 1) / segmentSize)
        }
        // Block `block` starts this far into its page, and into its output buffer.
        func prefix(_ block: Int64) -> Int {
            DirectIO.prefix(of: header.offset(ofSegment: block * Int64(Self.segmentsPerBlock)))
        }
        func outputBuffer(_ block: Int64) -> UnsafeMutableRawBufferPointer { output[block, output.capacity] }

        // Stage: fill the input buffer of `block` completely, or report the source as changed.
        func readBlock(_ block: Int64) throws {
            let wanted = blockLength(block)
            let filled = try fill(input[block, wanted], using: read)
            guard filled == wanted else {
                throw StoreError(
                    code: .sourceChanged,
                    message:
                        "the source ended after \(block * Int64(blockSize) + Int64(filled)) of \(expectedLength) bytes: it shrank while it was read"
                )
            }
        }
        // Stage: after the last block, one more read must find the end.
        func checkEnd() throws {
            guard try fill(input[blockCount, 1], using: read) == 0 else {
                throw StoreError(
                    code: .sourceChanged,
                    message:
                        "the source has more than the \(expectedLength) bytes it had when reading began: it grew while it was read"
                )
            }
        }
        // Stage: seal every segment of `block` into its output buffer and hash the result. The bytes
        // before it in its first page go in front: the header's, or the tail of the block before
        // (which is being written meanwhile, and only read here).
        func sealBlock(_ block: Int64, aad: UnsafeRawBufferPointer) throws {
            let plain = UnsafeRawBufferPointer(input[block, blockLength(block)])
            let buffer = outputBuffer(block)
            let start = prefix(block)
            if block == 0 {
                UnsafeMutableRawBufferPointer(rebasing: buffer[start - headerBytes.count..<start]).copyBytes(
                    from: headerBytes)
            } else {
                let previousEnd = prefix(block - 1) + sealedLength(block - 1)
                UnsafeMutableRawBufferPointer(rebasing: buffer[..<start]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: outputBuffer(block - 1)[previousEnd - start..<previousEnd]))
            }
            let sealed = UnsafeMutableRawBufferPointer(rebasing: buffer[start..<start + sealedLength(block)])
            var segment = block * Int64(Self.segmentsPerBlock)
            var offset = 0
            var sealedOffset = 0
            repeat {
                let count = min(segmentSize, plain.count - offset)
                try header.nonce(forSegment: segment).withUnsafeBytes { nonce in
                    try sealer.seal(
                        nonce: nonce, aad: aad,
                        plaintext: UnsafeRawBufferPointer(rebasing: plain[offset..<offset + count]),
                        into: UnsafeMutableRawBufferPointer(
                            rebasing: sealed[sealedOffset..<sealedOffset + count + AESGCM.tagLength]))
                }
                offset += count
                sealedOffset += count + AESGCM.tagLength
                segment += 1
            } while offset < plain.count
            objectHasher.update(UnsafeRawBufferPointer(sealed))
        }
        // Stage: write `block`'s whole pages; its last partial page goes with the next block (the
        // object's last block writes everything).
        func writeBlock(_ block: Int64) throws {
            let start = prefix(block)
            let end = start + sealedLength(block)
            let count = block == blockCount - 1 ? end : end / DirectIO.alignment * DirectIO.alignment
            try writes.write(
                outputBuffer(block), count: count,
                at: header.offset(ofSegment: block * Int64(Self.segmentsPerBlock)) - Int64(start))
        }

        try readBlock(0)
        try headerBytes.withUnsafeBytes { aad in
            for block in 0..<blockCount {
                try stages.run(
                    inline: blockCount == 1,
                    {
                        plaintextHasher.update(UnsafeRawBufferPointer(input[block, blockLength(block)]))
                        if block > 0 { try writeBlock(block - 1) }
                    },
                    { try sealBlock(block, aad: aad) },
                    { block + 1 < blockCount ? try readBlock(block + 1) : try checkEnd() })
                progress(min(expectedLength, (block + 1) * Int64(blockSize)))
            }
        }
        try writeBlock(blockCount - 1)
        try writes.finish(length: header.objectLength)

        let wrappedKey = try keyEncryptionKey.wrap(dataKey, for: id)
        keep = true
        return WrittenObject(
            id: id, temporaryPath: path, sha256: plaintextHasher.finalize(),
            ciphertextSHA256: objectHasher.finalize(), size: expectedLength,
            ciphertextSize: header.objectLength, wrappedKey: wrappedKey)
    }

    /// The reusable buffers for this segment size, made on first use.
    private func buffers(for segmentSize: Int) -> (BufferPair, BufferPair) {
        if let buffers, buffers.segmentSize == segmentSize { return (buffers.input, buffers.output) }
        let input = BufferPair(capacity: segmentSize * Self.segmentsPerBlock)
        let output = BufferPair(
            capacity: (segmentSize + AESGCM.tagLength) * Self.segmentsPerBlock + DirectIO.slack)
        buffers = (input, output, segmentSize)
        return (input, output)
    }

    /// Calls `read` until `buffer` is full or it reports the end.
    private func fill(
        _ buffer: UnsafeMutableRawBufferPointer, using read: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = try read(UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if got == 0 { break }
            filled += got
        }
        return filled
    }
}

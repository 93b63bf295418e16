import CustodyCore
import EvidenceCrypto
import SystemPackage

/// Seals one item into a partial object in `tmp/`, reading its source exactly once.
///
/// Each block read from the source is hashed (plaintext SHA-256) on one core while it is sealed into
/// segments and the result hashed (object SHA-256) on the other; then the sealed block is written.
/// Memory stays at two blocks however large the item.
public struct ObjectWriter {
    /// Segments per block: 8 MiB reads and writes with the default segment size.
    static let segmentsPerBlock = 8

    private let store: EvidenceStore
    private let keyEncryptionKey: KeyEncryptionKey

    /// Creates a writer for `store`, wrapping data keys with `keyEncryptionKey`.
    public init(store: EvidenceStore, keyEncryptionKey: KeyEncryptionKey) {
        self.store = store
        self.keyEncryptionKey = keyEncryptionKey
    }

    /// Reads `expectedLength` bytes through `read` and seals them as item `id`.
    ///
    /// `read` fills as much of the buffer as it can and returns the count, 0 at end of input. Exactly
    /// `expectedLength` bytes must come, then end of input; anything else means the source changed
    /// while it was read, and nothing is kept. `progress` is called after each block with the bytes so far.
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
        let sealer = try AESGCM(key: dataKey, encrypting: true)
        let plaintextHasher = SHA256Hasher()
        let objectHasher = SHA256Hasher()
        let headerBytes = header.encoded
        objectHasher.update(headerBytes)
        try store.writeAll(headerBytes, to: fd, at: 0, path: path)

        let blockSize = segmentSize * Self.segmentsPerBlock
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 4096)
        let output = UnsafeMutableRawBufferPointer.allocate(
            byteCount: blockSize + Self.segmentsPerBlock * AESGCM.tagLength, alignment: 4096)
        defer {
            input.deallocate()
            output.deallocate()
        }
        var consumed: Int64 = 0
        var segment: Int64 = 0
        var writeOffset = Int64(ObjectHeader.length)
        repeat {
            let wanted = Int(min(Int64(blockSize), expectedLength - consumed))
            let filled = try fill(input, upTo: wanted, using: read)
            guard filled == wanted else {
                throw StoreError(
                    code: .sourceChanged,
                    message:
                        "the source ended after \(consumed + Int64(filled)) of \(expectedLength) bytes: it shrank while it was read"
                )
            }
            let block = UnsafeRawBufferPointer(rebasing: input[..<filled])
            var sealedLength = 0
            try headerBytes.withUnsafeBytes { aad in
                try runInParallel(
                    { plaintextHasher.update(block) },
                    {
                        var offset = 0
                        repeat {
                            let count = min(segmentSize, filled - offset)
                            let nonce = header.nonce(forSegment: segment)
                            try nonce.withUnsafeBytes { nonce in
                                try sealer.seal(
                                    nonce: nonce, aad: aad,
                                    plaintext: UnsafeRawBufferPointer(rebasing: block[offset..<offset + count]),
                                    into: UnsafeMutableRawBufferPointer(
                                        rebasing: output[sealedLength..<sealedLength + count + AESGCM.tagLength]))
                            }
                            sealedLength += count + AESGCM.tagLength
                            offset += count
                            segment += 1
                        } while offset < filled
                        objectHasher.update(UnsafeRawBufferPointer(rebasing: output[..<sealedLength]))
                    })
            }
            try store.writeAll(
                UnsafeRawBufferPointer(rebasing: output[..<sealedLength]), to: fd, at: writeOffset, path: path)
            writeOffset += Int64(sealedLength)
            consumed += Int64(filled)
            progress(consumed)
        } while consumed < expectedLength

        // One more read must find the end: a source longer than it said it was grew while we read.
        let extra = try fill(input, upTo: 1, using: read)
        guard extra == 0 else {
            throw StoreError(
                code: .sourceChanged,
                message:
                    "the source has more than the \(expectedLength) bytes it had when reading began: it grew while it was read"
            )
        }
        precondition(writeOffset == header.objectLength && segment == header.segmentCount)
        let wrappedKey = try keyEncryptionKey.wrap(dataKey, for: id)
        keep = true
        return WrittenObject(
            id: id, temporaryPath: path, sha256: plaintextHasher.finalize(),
            ciphertextSHA256: objectHasher.finalize(), size: expectedLength,
            ciphertextSize: header.objectLength, wrappedKey: wrappedKey)
    }

    /// Calls `read` until `count` bytes are in `buffer` or it reports the end.
    private func fill(
        _ buffer: UnsafeMutableRawBufferPointer, upTo count: Int,
        using read: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws -> Int {
        var filled = 0
        while filled < count {
            let got = try read(UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<count]))
            if got == 0 { break }
            filled += got
        }
        return filled
    }
}

import CustodyCore
import EvidenceCrypto
import SystemPackage

/// Random-access, decrypting reader of one committed object.
///
/// Any byte range is served by opening only the segments it touches; the last segment opened is kept,
/// so small sequential reads (a media demuxer's) cost one decryption per segment. One owner at a time.
public final class ObjectReader {
    /// The validated header.
    public let header: ObjectHeader
    /// Plaintext length.
    public var length: Int64 { header.plaintextLength }

    private let fd: FileDescriptor
    private let path: FilePath
    private let opener: AESGCM
    private let headerBytes: [UInt8]
    private var sealed: [UInt8]
    private var plain: [UInt8]
    private var cachedSegment: Int64 = -1

    /// Opens the object at `path` for item `id` with its unwrapped data key.
    /// - Throws: `StoreError.missingObject` or `.corruptObject` (wrong header, wrong size, wrong item).
    public init(path: FilePath, id: EvidenceID, dataKey: SecretKey) throws {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            throw StoreError(code: .missingObject, message: "object \(path) of item \(id) is missing from the store")
        }
        self.fd = fd
        self.path = path
        do {
            (header, headerBytes) = try ObjectHeader.read(from: fd, path: path, id: id, expectedLength: nil)
            opener = try AESGCM(key: dataKey, encrypting: false)
        } catch {
            try? fd.close()
            throw error
        }
        // Sized to the largest segment this object has, not the format's maximum: a small item costs
        // a small buffer (a run of probes over small files would otherwise clear megabytes each).
        let largest = header.plaintextLength(ofSegment: 0)
        sealed = [UInt8](repeating: 0, count: largest + AESGCM.tagLength)
        plain = [UInt8](repeating: 0, count: largest)
    }

    deinit {
        try? fd.close()
        _ = plain.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }

    /// Copies plaintext bytes starting at `offset` into `buffer`; returns how many (0 at the end).
    /// - Throws: `StoreError.corruptObject` if a segment fails authentication; `.io` on a read error.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        precondition(offset >= 0)
        var copied = 0
        var position = offset
        while copied < buffer.count && position < length {
            let index = position / Int64(header.segmentSize)
            try load(segment: index)
            let within = Int(position - index * Int64(header.segmentSize))
            let available = header.plaintextLength(ofSegment: index) - within
            let count = min(available, buffer.count - copied)
            plain.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: buffer[copied..<copied + count])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[within..<within + count]))
            }
            copied += count
            position += Int64(count)
        }
        return copied
    }

    /// Reads `count` plaintext bytes at `offset` (fewer at the end).
    /// - Throws: as `read(at:into:)`.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let got = try out.withUnsafeMutableBytes { try read(at: offset, into: $0) }
        out.removeLast(count - got)
        return out
    }

    private func load(segment index: Int64) throws {
        guard index != cachedSegment else { return }
        cachedSegment = -1
        let sealedLength = header.plaintextLength(ofSegment: index) + AESGCM.tagLength
        let got: Int
        do {
            got = try sealed.withUnsafeMutableBytes {
                try fd.read(
                    fromAbsoluteOffset: header.offset(ofSegment: index),
                    into: UnsafeMutableRawBufferPointer(rebasing: $0[..<sealedLength]))
            }
        } catch {
            throw StoreError(code: .io, message: "reading object \(path) failed", cause: error as? Errno)
        }
        guard got == sealedLength else {
            throw StoreError(code: .corruptObject, message: "object \(path) ends inside segment \(index)")
        }
        let nonce = header.nonce(forSegment: index)
        do {
            try nonce.withUnsafeBytes { nonce in
                try headerBytes.withUnsafeBytes { aad in
                    try sealed.withUnsafeBytes { sealed in
                        try plain.withUnsafeMutableBytes { plain in
                            try opener.open(
                                nonce: nonce, aad: aad,
                                sealed: UnsafeRawBufferPointer(rebasing: sealed[..<sealedLength]),
                                into: plain)
                        }
                    }
                }
            }
        } catch let error as CryptoError where error.code == .authenticationFailed {
            throw StoreError(
                code: .corruptObject,
                message:
                    "object \(path) of item \(header.itemID): segment \(index) failed authentication (altered bytes or wrong key)"
            )
        }
        cachedSegment = index
    }
}

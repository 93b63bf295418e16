import ControlProtocol
import CustodyCore
import EvidenceCrypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The file-level work of writing a bag: names, durable writes, JSON.
enum BagFiles {
    /// Writes one payload file from the view, reading `chunk` bytes at a time, hashing as it goes and
    /// telling `wrote` the bytes written so far after every MiB; the file is on disk when it returns.
    static func writePayload(
        _ path: String, view: ContentView, chunk: Int, read: BagWriter.Read, wrote: (Int64) -> Void
    ) throws -> (String, String, Int64) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw failure("create", path) }
        defer { close(descriptor) }
        let sha256 = SHA256Hasher()
        let sha512 = SHA512Hasher()
        var offset: Int64 = 0
        while offset < view.size {
            let bytes = try read(view, offset, Int(min(Int64(chunk), view.size - offset)))
            guard !bytes.isEmpty else {
                throw BagError(
                    message: "item \(view.item) ended at byte \(offset) of \(view.size); the bag was not written")
            }
            sha256.update(bytes)
            sha512.update(bytes)
            // Written a MiB at a time, so progress (and a crash test's kill) can land inside a read.
            var start = 0
            while start < bytes.count {
                let end = min(start + (1 << 20), bytes.count)
                try writeAll(bytes[start..<end], to: descriptor, path: path)
                offset += Int64(end - start)
                start = end
                wrote(offset)
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("flush", path) }
        return (sha256.finalize().hex, Hex.encode(sha512.finalize()), offset)
    }

    /// Writes `text` to a new file, durably.
    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw failure("create", path) }
        defer { close(descriptor) }
        try writeAll(bytes[...], to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw failure("flush", path) }
    }

    static func writeJSON(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try write(Array(try encoder.encode(value)) + [0x0a], to: path)
    }

    static func compactJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("flush", path) }
    }

    /// A value as one line of `bag-info.txt`.
    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    private static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32, path: String) throws {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    private static func failure(_ what: String, _ path: String) -> BagError {
        let reason = String(cString: strerror(errno))
        let hint = errno == ENOSPC ? "; free space or choose another disk (nothing is left under the bag's name)" : ""
        return BagError(message: "cannot \(what) \(path): \(reason)\(hint)")
    }
}

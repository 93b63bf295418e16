import CustodyTesting
import Foundation
import SystemPackage
import Testing

@testable import EvidenceStore

/// Reads past the page cache return exactly the bytes asked for, at any offset and length, at the
/// end of the file, with direct I/O and through the buffered fallback alike.
@Suite struct UncachedReadsTests {
    let directory: TemporaryDirectory
    let bytes = testBytes(count: 3 * 4096 + 1234, seed: 7)
    let path: FilePath

    init() throws {
        directory = try TemporaryDirectory("UncachedReadsTests")
        path = FilePath(directory.file("object"))
        try Data(bytes).write(to: URL(fileURLWithPath: path.string))
    }

    @Test(arguments: [true, false])
    func readsEveryRangeExactly(direct: Bool) throws {
        let fd = try FileDescriptor.open(path, .readOnly)
        defer { try? fd.close() }
        let reads = UncachedReads(fd, direct: direct)
        // ext4 and tmpfs (Linux 6.6 on) both take O_DIRECT; the buffered case is asked for.
        #expect(reads.isDirect == direct)
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: bytes.count + DirectIO.slack, alignment: DirectIO.alignment)
        defer { buffer.deallocate() }
        let ranges: [(offset: Int, length: Int)] = [
            (0, 4096), (0, 1), (1, 4095), (4095, 2), (4096, 8192), (5000, 7000), (12000, 1522), (0, bytes.count),
        ]
        for (offset, length) in ranges {
            let got = try reads.read(at: Int64(offset), length: length, into: buffer)
            #expect(Array(got) == Array(bytes[offset..<offset + length]), "offset \(offset), length \(length)")
            #expect(got.baseAddress == UnsafeRawPointer(buffer.baseAddress! + DirectIO.prefix(of: Int64(offset))))
        }
    }

    @Test(arguments: [true, false])
    func aReadPastTheEndReturnsWhatThereIs(direct: Bool) throws {
        let fd = try FileDescriptor.open(path, .readOnly)
        defer { try? fd.close() }
        let reads = UncachedReads(fd, direct: direct)
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: 8192 + DirectIO.slack, alignment: DirectIO.alignment)
        defer { buffer.deallocate() }
        let offset = bytes.count - 100
        let got = try reads.read(at: Int64(offset), length: 8192, into: buffer)
        #expect(Array(got) == Array(bytes[offset...]))
        #expect(try reads.read(at: Int64(bytes.count), length: 4096, into: buffer).isEmpty)
    }
}

/// Writes past the page cache leave exactly the bytes given, the padded last page cut back, with
/// direct I/O and through the buffered fallback alike.
@Suite struct UncachedWritesTests {
    @Test(arguments: [true, false])
    func writesPagesThenATailAndCutsThePadding(direct: Bool) throws {
        let directory = try TemporaryDirectory("UncachedWritesTests")
        let store = try EvidenceStore.create(at: FilePath(directory.file("state")))
        let path = FilePath(directory.file("object"))
        let bytes = testBytes(count: 2 * 4096 + 777, seed: 9)
        let fd = try FileDescriptor.open(path, .writeOnly, options: [.create], permissions: [.ownerRead, .ownerWrite])
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: 4096 + DirectIO.slack, alignment: DirectIO.alignment)
        defer { buffer.deallocate() }
        let writes = UncachedWrites(fd, path: path, store: store, direct: direct)
        #expect(writes.isDirect == direct)
        for (offset, count) in [(0, 4096), (4096, 4096), (8192, 777)] {
            UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]).copyBytes(from: bytes[offset..<offset + count])
            try writes.write(buffer, count: count, at: Int64(offset))
        }
        try writes.finish(length: Int64(bytes.count))
        try fd.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path.string)) == Data(bytes))
    }
}

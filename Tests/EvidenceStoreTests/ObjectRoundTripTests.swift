import CustodyCore
import CustodyTesting
import EvidenceCrypto
import EvidenceStore
import Foundation
import SystemPackage
import Testing

/// Writing, committing, reading back and verifying objects, at the segment boundaries that matter.
@Suite struct ObjectRoundTripTests {
    static let segment = 4096
    let directory: TemporaryDirectory
    let store: EvidenceStore
    let kek: KeyEncryptionKey

    init() throws {
        directory = try TemporaryDirectory("ObjectRoundTripTests")
        store = try EvidenceStore.create(at: FilePath(directory.file("state")))
        kek = KeyEncryptionKey(key: try SecretKey.random())
    }

    /// Writes `bytes` as a new committed object and returns it.
    func store(_ bytes: [UInt8], segmentSize: Int = segment) throws -> WrittenObject {
        let object = try ObjectWriter(store: store, keyEncryptionKey: kek).write(
            id: EvidenceID(), expectedLength: Int64(bytes.count), segmentSize: segmentSize,
            // Odd-sized pieces, as a slow source would deliver them.
            read: feeding(bytes, piece: 3001))
        try store.makeDurable()
        _ = try store.commit(object)
        return object
    }

    @Test(arguments: [0, 1, segment - 1, segment, segment + 1, 8 * segment, 9 * segment + 5, 20 * segment + 17])
    func roundTripsAndVerifies(size: Int) throws {
        let bytes = testBytes(count: size, seed: UInt64(size) + 1)
        let object = try store(bytes)
        #expect(object.sha256.hex == sha256Hex(bytes))
        #expect(
            object.ciphertextSHA256.hex
                == (try sha256Hex(ofFile: store.objectPath(for: object.ciphertextSHA256).string)))
        let segments = max(1, (size + Self.segment - 1) / Self.segment)
        #expect(object.ciphertextSize == Int64(64 + size + 16 * segments))

        let key = try kek.unwrap(object.wrappedKey, for: object.id)
        try ObjectVerifier(store: store).verifyContent(
            objectHash: object.ciphertextSHA256, plaintextHash: object.sha256, size: object.size, id: object.id,
            dataKey: key)
        let reader = try ObjectReader(path: store.objectPath(for: object.ciphertextSHA256), id: object.id, dataKey: key)
        #expect(try reader.read(at: 0, count: size + 10) == bytes)
    }

    @Test func anyByteRangeReadsWithoutTheRest() throws {
        let bytes = testBytes(count: 10 * Self.segment + 123, seed: 7)
        let object = try store(bytes)
        let reader = try ObjectReader(
            path: store.objectPath(for: object.ciphertextSHA256), id: object.id,
            dataKey: try kek.unwrap(object.wrappedKey, for: object.id))
        for (offset, count) in [
            (0, 1), (4095, 2), (4096, 4096), (5000, 9000), (bytes.count - 5, 100), (bytes.count, 10),
        ] {
            let expected = Array(bytes[min(offset, bytes.count)..<min(offset + count, bytes.count)])
            #expect(try reader.read(at: Int64(offset), count: count) == expected, "range \(offset)+\(count)")
        }
    }

    @Test(arguments: [0, 40, 64, 64 + 100, -1])
    func aFlippedByteAnywhereIsCaught(position: Int) throws {
        let object = try store(testBytes(count: 3 * Self.segment, seed: 3))
        let path = store.objectPath(for: object.ciphertextSHA256).string
        var raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let index = position >= 0 ? position : raw.count - 1
        raw[index] ^= 0x20
        try Data(raw).write(to: URL(fileURLWithPath: path))
        let key = try kek.unwrap(object.wrappedKey, for: object.id)
        let verifier = ObjectVerifier(store: store)
        let shallow = #expect(throws: StoreError.self) {
            try verifier.verifyObjectHash(object.ciphertextSHA256, id: object.id)
        }
        #expect(shallow?.code == .corruptObject)
        #expect(shallow?.message.contains(path) == true)
        let deep = #expect(throws: StoreError.self) {
            try verifier.verifyContent(
                objectHash: object.ciphertextSHA256, plaintextHash: object.sha256, size: object.size, id: object.id,
                dataKey: key)
        }
        #expect(deep?.code == .corruptObject)
    }

    @Test func truncationAndSegmentSwapsFailAuthenticationEvenWithAMatchingHash() throws {
        let bytes = testBytes(count: 3 * Self.segment, seed: 4)
        let object = try store(bytes)
        let path = store.objectPath(for: object.ciphertextSHA256).string
        let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let key = try kek.unwrap(object.wrappedKey, for: object.id)
        let sealed = Self.segment + 16

        // Swap segments 0 and 1: same size, every tag intact, but the nonces no longer match.
        let header: ArraySlice<UInt8> = raw[0..<64]
        let first: ArraySlice<UInt8> = raw[64..<(64 + sealed)]
        let second: ArraySlice<UInt8> = raw[(64 + sealed)..<(64 + 2 * sealed)]
        let rest: ArraySlice<UInt8> = raw[(64 + 2 * sealed)...]
        var swapped = Array(header)
        swapped.append(contentsOf: second)
        swapped.append(contentsOf: first)
        swapped.append(contentsOf: rest)
        try Data(swapped).write(to: URL(fileURLWithPath: path))
        let reader = try ObjectReader(path: FilePath(path), id: object.id, dataKey: key)
        #expect(throws: StoreError.self) { try reader.read(at: 0, count: 10) }

        // Drop the last segment: the size no longer fits the header.
        try Data(raw[..<(64 + 2 * sealed)]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) {
            try ObjectReader(path: FilePath(path), id: object.id, dataKey: key)
        }
        #expect(error?.message.contains("truncated") == true)
    }

    @Test func anObjectOpenedForTheWrongItemIsRefused() throws {
        let object = try store(testBytes(count: 100, seed: 5))
        let key = try kek.unwrap(object.wrappedKey, for: object.id)
        #expect(throws: StoreError.self) {
            try ObjectReader(path: store.objectPath(for: object.ciphertextSHA256), id: EvidenceID(), dataKey: key)
        }
    }

    @Test(arguments: [(100, 50), (100, 150)])
    func aSourceThatChangesLengthIsRefusedAndLeavesNothing(declared: Int, actual: Int) throws {
        let bytes = testBytes(count: actual, seed: 6)
        let error = #expect(throws: StoreError.self) {
            try ObjectWriter(store: store, keyEncryptionKey: kek).write(
                id: EvidenceID(), expectedLength: Int64(declared), read: feeding(bytes))
        }
        #expect(error?.code == .sourceChanged)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.temporaryDirectory.string).isEmpty)
    }

    @Test func headerRoundTripsAndRejectsNonsense() throws {
        let header = ObjectHeader(
            segmentSize: 1 << 20, plaintextLength: 5, itemID: EvidenceID(), noncePrefix: [1, 2, 3, 4, 5, 6, 7])
        #expect(try ObjectHeader(decoding: header.encoded, objectName: "x") == header)
        for (offset, value) in [(0, UInt8(0x41)), (9, 2), (11, 9), (12, 0xff), (50, 1)] {
            var bytes = header.encoded
            bytes[offset] = value
            #expect(throws: StoreError.self, "byte \(offset)") { try ObjectHeader(decoding: bytes, objectName: "x") }
        }
        #expect(header.nonce(forSegment: 0).last == 1)
    }
}

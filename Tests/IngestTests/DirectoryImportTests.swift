import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import Ingest
import SystemPackage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct DirectoryImportTests {
    @Test func ingestsEveryRegularFileVerifiedWithMatchingHashes() throws {
        let fixture = try ImportFixture("ingestsEveryRegularFile")
        var expected: [String: String] = [:]
        expected["DCIM/100MEDIA/A.MP4"] = try fixture.put(
            "DCIM/100MEDIA/A.MP4", testBytes(count: 3 << 20 | 77, seed: 1))
        expected["DCIM/100MEDIA/B.JPG"] = try fixture.put("DCIM/100MEDIA/B.JPG", testBytes(count: 5000, seed: 2))
        expected["EMPTY.DAT"] = try fixture.put("EMPTY.DAT", [])
        expected["深/录像 01.mp4"] = try fixture.put("深/录像 01.mp4", testBytes(count: 10, seed: 3))
        expected["line\\x0abreak.txt"] = try fixture.put("line\nbreak.txt", testBytes(count: 11, seed: 4))

        let (summary, events) = try fixture.runImport(batchFiles: 2)
        #expect(summary.verified == 5)
        #expect(summary.failures.isEmpty)
        let items = try fixture.itemsByPath()
        #expect(Set(items.keys) == Set(expected.keys))
        for (path, hash) in expected {
            let item = try #require(items[path])
            #expect(item.state == .verified)
            #expect(item.sha256.hex == hash)
            #expect(item.source.deviceID == "CAM1")
            #expect(sha256Hex(try fixture.plaintext(of: item)) == hash)
        }
        #expect(events.filter { if case .verified = $0 { true } else { false } }.count == 5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.store.temporaryDirectory.string).isEmpty)
        #expect(try fixture.catalog.verifyAuditChain().firstBroken == nil)
    }

    @Test func nonUTF8NamesAreIngestedAndKeptAsBytes() throws {
        let fixture = try ImportFixture("nonUTF8Names")
        let name: [UInt8] = Array("bad-".utf8) + [0xff, 0xfe] + Array(".mp4".utf8)
        let fd = (Array(fixture.source.utf8) + [UInt8(ascii: "/")] + name + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
        }
        #expect(fd >= 0)
        _ = write(fd, "hello", 5)
        close(fd)
        let (summary, _) = try fixture.runImport()
        #expect(summary.verified == 1)
        let item = try #require(try fixture.itemsByPath()["bad-\\xff\\xfe.mp4"])
        #expect(item.source.path.bytes == name)
        #expect(try fixture.plaintext(of: item) == Array("hello".utf8))
    }

    @Test func symlinksFIFOsAndDevicesAreSkippedAndAudited() throws {
        let fixture = try ImportFixture("skipsNonRegular")
        try fixture.put("real.mp4", testBytes(count: 100, seed: 5))
        let outside = try fixture.directory.write(Array("secret outside the root".utf8), to: "outside.txt")
        #expect(symlink(outside, fixture.source + "/link-out.mp4") == 0)
        #expect(symlink(fixture.directory.file("outside-dir"), fixture.source + "/linkdir") == 0)
        #expect(mkfifo(fixture.source + "/pipe", 0o600) == 0)
        let madeDevice =
            geteuid() == 0 && mknod(fixture.source + "/null-device", S_IFCHR | 0o600, dev_t(1 << 8 | 3)) == 0

        let (summary, events) = try fixture.runImport()
        #expect(summary.verified == 1)
        #expect(summary.skipped == (madeDevice ? 4 : 3))
        let reasons = events.compactMap { event -> String? in
            if case .skipped(let path, let reason) = event { return "\(path.displayString): \(reason)" }
            return nil
        }
        #expect(reasons.contains("link-out.mp4: symbolic link (never followed)"))
        #expect(reasons.contains("pipe: FIFO (not a regular file)"))
        #expect(try fixture.itemsByPath().keys.sorted() == ["real.mp4"])
    }

    @Test func aFileThatGrowsOrShrinksWhileReadIsNotStoredAndIsRetried() throws {
        let fixture = try ImportFixture("changesWhileRead")
        try fixture.put("grows.mp4", testBytes(count: 20 << 20, seed: 6))
        try fixture.put("shrinks.mp4", testBytes(count: 20 << 20, seed: 7))
        try fixture.put("steady.mp4", testBytes(count: 1000, seed: 8))
        let grows = fixture.source + "/grows.mp4"
        let shrinks = fixture.source + "/shrinks.mp4"
        // Change each file right after its first block was read: the event is the synchronisation point.
        let (summary, _) = try fixture.runImport { event in
            guard case .progress(let path, let bytes) = event, bytes == 8 << 20 else { return }
            if path.displayString == "grows.mp4" {
                let handle = FileHandle(forWritingAtPath: grows)!
                handle.seekToEndOfFile()
                handle.write(Data([1, 2, 3]))
                try? handle.close()
            } else if path.displayString == "shrinks.mp4" {
                truncate(shrinks, 1 << 20)
            }
        }
        #expect(summary.verified == 1)
        #expect(summary.failures.map(\.path).sorted() == ["grows.mp4", "shrinks.mp4"])
        #expect(
            summary.failures.allSatisfy { $0.reason.contains("while it was read") || $0.reason.contains("changed") })
        #expect(try fixture.itemsByPath().keys.sorted() == ["steady.mp4"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.store.temporaryDirectory.string).isEmpty)

        let (again, _) = try fixture.runImport()
        #expect(again.verified == 2)
        #expect(again.duplicates == 1)
        let items = try fixture.itemsByPath()
        #expect(items["grows.mp4"]?.sha256.hex == (try sha256Hex(ofFile: grows)))
        #expect(items["shrinks.mp4"]?.size == 1 << 20)
    }

    @Test func aFileRewrittenInPlaceDuringTheReadIsCaughtByItsTimestamps() throws {
        let fixture = try ImportFixture("rewrittenInPlace")
        let path = fixture.source + "/same-size.mp4"
        try fixture.put("same-size.mp4", testBytes(count: 12 << 20, seed: 9))
        let (summary, _) = try fixture.runImport { event in
            guard case .progress(_, let bytes) = event, bytes == 8 << 20 else { return }
            let handle = FileHandle(forWritingAtPath: path)!
            handle.write(Data([0xde, 0xad]))
            try? handle.close()
        }
        #expect(summary.verified == 0)
        #expect(summary.failures.count == 1)
    }

    @Test func aFileSeenAgainIsNotStoredTwiceButTheSightingIsAudited() throws {
        let fixture = try ImportFixture("seenAgain")
        try fixture.put("a.mp4", testBytes(count: 4000, seed: 10))
        _ = try fixture.runImport()
        let (again, events) = try fixture.runImport()
        #expect(again.verified == 0)
        #expect(again.duplicates == 1)
        let item = try #require(try fixture.itemsByPath()["a.mp4"])
        #expect(events.contains { if case .duplicate(_, let id) = $0 { id == item.id } else { false } })
        #expect(
            try fixture.catalog.auditEntries(for: item.id).map(\.action) == [
                "item.stored", "item.verified", "item.probed", "import.duplicate",
            ])
    }

    @Test func sameNameSizeAndTimeButNewContentIsANewItem() throws {
        let fixture = try ImportFixture("newContentSameStat")
        let path = try fixture.directory.write(testBytes(count: 4000, seed: 11), to: "source/a.mp4")
        var before = stat()
        stat(path, &before)
        _ = try fixture.runImport()
        try Data(testBytes(count: 4000, seed: 12)).write(to: URL(fileURLWithPath: path))
        var times = [before.st_atim, before.st_mtim]
        utimensat(AT_FDCWD, path, &times, 0)

        // Another card in the same slot: same name, size and time, other content. It is a new item,
        // never merged into the old one and never refused forever.
        let (second, _) = try fixture.runImport()
        #expect(second.failures.isEmpty)
        #expect(second.verified == 1)
        #expect(second.duplicates == 0)
        var count = 0
        try fixture.catalog.forEachItem { count += $0.count }
        #expect(count == 2)
        // Both contents are now known: a third run finds the file a duplicate of the second item.
        let (third, _) = try fixture.runImport()
        #expect(third.duplicates == 1)
        #expect(third.verified == 0)
    }

    @Test func aMissingImportRootIsAClearError() throws {
        let fixture = try ImportFixture("missingRoot")
        let error = #expect(throws: IngestError.self) {
            try fixture.importer().importDirectory(at: FilePath(fixture.directory.file("nope")))
        }
        #expect(error?.message.contains("nope") == true)
    }
}

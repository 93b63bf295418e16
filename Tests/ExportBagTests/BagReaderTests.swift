import CustodyCore
import CustodyTesting
import EvidenceCrypto
import Foundation
import Testing

@testable import ExportBag

/// The verifier reads bags as RFC 8493 writes them, whoever wrote them: line endings, byte-order
/// marks, percent-encoded paths, duplicate entries, `fetch.txt`. Each test writes a small bag of real
/// files and checks it; problems about custody files (this bag has none) are left aside.
@Suite struct BagReaderTests {
    /// A bag of `files` (path under data/ → bytes), its manifests listing `listed` (default: every
    /// file, once, percent-encoded) with lines ending in `newline`.
    static func bag(
        _ name: String, files: [String: [UInt8]], listed: [String]? = nil, newline: String = "\n",
        declaration: [UInt8]? = nil
    ) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(name)
        let root = directory.path
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        for (path, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: root + "/data/" + path)) }
        let bagit =
            declaration ?? Array("BagIt-Version: 1.0\(newline)Tag-File-Character-Encoding: UTF-8\(newline)".utf8)
        try Data(bagit).write(to: URL(fileURLWithPath: root + "/bagit.txt"))
        var manifest256 = ""
        var manifest512 = ""
        for path in listed ?? files.keys.sorted() {
            let bytes = files[path] ?? []
            let encoded = BagText.encodePath("data/" + path)
            manifest256 += "\(SHA256Hasher.hash(bytes).hex)  \(encoded)\(newline)"
            let hasher = SHA512Hasher()
            hasher.update(bytes)
            manifest512 += "\(Hex.encode(hasher.finalize())) \t\(encoded)\(newline)"
        }
        try manifest256.write(toFile: root + "/manifest-sha256.txt", atomically: false, encoding: .utf8)
        try manifest512.write(toFile: root + "/manifest-sha512.txt", atomically: false, encoding: .utf8)
        var tag256 = ""
        var tag512 = ""
        for tag in ["bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt"] {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/" + tag)))
            tag256 += "\(SHA256Hasher.hash(bytes).hex)  \(tag)\(newline)"
            let hasher = SHA512Hasher()
            hasher.update(bytes)
            tag512 += "\(Hex.encode(hasher.finalize()))  \(tag)\(newline)"
        }
        try tag256.write(toFile: root + "/tagmanifest-sha256.txt", atomically: false, encoding: .utf8)
        try tag512.write(toFile: root + "/tagmanifest-sha512.txt", atomically: false, encoding: .utf8)
        return directory
    }

    /// The problems about the bag as a bag (not about custody files, which these bags lack).
    static func bagProblems(_ root: String) -> [BagVerifier.Problem] {
        BagVerifier(root: root).verify().problems.filter { !$0.problem.contains("item.stored") }
    }

    @Test func manifestsAndTagFilesWithCRLFLineEndsAreRead() throws {
        let bag = try Self.bag(
            "crlf", files: ["a.bin": [1, 2, 3], "b.bin": Array(repeating: 7, count: 5000)], newline: "\r\n")
        let root = bag.path
        #expect(try String(contentsOfFile: root + "/manifest-sha256.txt", encoding: .utf8).contains("\r\n"))
        #expect(Self.bagProblems(root).isEmpty, "\(Self.bagProblems(root))")
        #expect(BagVerifier(root: root).verify().payloadFiles == 2)
    }

    @Test func aByteOrderMarkInBagitTxtIsRefusedAndNamed() throws {
        let declaration = BagText.byteOrderMark + Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)
        let bag = try Self.bag("bom", files: ["a.bin": [1]], declaration: declaration)
        let root = bag.path
        let problems = BagVerifier(root: root).verify().problems
        #expect(problems.count == 1 && problems[0].file == "bagit.txt", "\(problems)")
        #expect(problems.first?.problem.contains("byte-order mark") == true)
        // The same mark at the start of a manifest is tolerated.
        let manifest = root + "/manifest-sha512.txt"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: manifest)))
        try Data(BagText.byteOrderMark + bytes).write(to: URL(fileURLWithPath: manifest))
        #expect(BagManifest("manifest-sha512.txt", in: root, hexDigits: 128, payload: true)?.problems.isEmpty == true)
    }

    @Test func aManifestListingAFileTwiceIsRefused() throws {
        let bag = try Self.bag("duplicate", files: ["a.bin": [1], "b.bin": [2]], listed: ["a.bin", "b.bin", "a.bin"])
        let root = bag.path
        let problems = Self.bagProblems(root)
        #expect(
            problems.contains {
                $0.file == "manifest-sha256.txt" && $0.problem.contains("line 3") && $0.problem.contains("line 1")
            }, "\(problems)")
        #expect(problems.contains { $0.file == "manifest-sha512.txt" && $0.problem.contains("listed once") })
    }

    @Test func percentEncodedPathsAreDecoded() throws {
        let files: [String: [UInt8]] = ["50% off.bin": [5, 0], "two\nlines.bin": [2], "carriage\rreturn.bin": [13]]
        let bag = try Self.bag("percent", files: files)
        let root = bag.path
        let manifest = try String(contentsOfFile: root + "/manifest-sha256.txt", encoding: .utf8)
        #expect(manifest.contains("data/50%25 off.bin") && manifest.contains("two%0Alines") && manifest.contains("%0D"))
        #expect(Self.bagProblems(root).isEmpty, "\(Self.bagProblems(root))")
        // Either case of the hex digits.
        try manifest.replacingOccurrences(of: "%0A", with: "%0a").write(
            toFile: root + "/manifest-sha256.txt", atomically: false, encoding: .utf8)
        let entries = BagManifest("manifest-sha256.txt", in: root, hexDigits: 64, payload: true)?.entries.map(\.path)
        #expect(entries?.contains("data/two\nlines.bin") == true)
    }

    @Test func aBagWithFetchTxtIsReportedIncomplete() throws {
        let bag = try Self.bag("fetch", files: ["here.bin": [1], "elsewhere.bin": [2]])
        let root = bag.path
        try FileManager.default.removeItem(atPath: root + "/data/elsewhere.bin")
        try "https://example.org/elsewhere.bin 1 data/elsewhere.bin\n".write(
            toFile: root + "/fetch.txt", atomically: false, encoding: .utf8)
        let problems = Self.bagProblems(root)
        #expect(problems.contains { $0.file == "fetch.txt" && $0.problem.contains("not complete") }, "\(problems)")
        #expect(problems.contains { $0.file == "data/elsewhere.bin" && $0.problem.contains("missing") })
    }

    @Test func problemsNameTheFileAndLineNeverItsContent() throws {
        let bag = try Self.bag("malformed", files: ["a.bin": [1]])
        let root = bag.path
        let secret = "SECRET-CONTENT-7c1"
        let manifest = try String(contentsOfFile: root + "/manifest-sha256.txt", encoding: .utf8)
        try (manifest + "not-a-hash \(secret)\n../escape.bin\n").write(
            toFile: root + "/manifest-sha256.txt", atomically: false, encoding: .utf8)
        let problems = Self.bagProblems(root).filter { $0.file == "manifest-sha256.txt" }
        #expect(
            problems.contains { $0.problem.contains("line 2") } && problems.contains { $0.problem.contains("line 3") })
        #expect(!problems.contains { $0.description.contains(secret) }, "\(problems)")
    }

    @Test func aSymbolicLinkInThePayloadIsNotFollowed() throws {
        let bag = try Self.bag("link", files: ["a.bin": [1], "b.bin": [2]])
        let root = bag.path
        try FileManager.default.removeItem(atPath: root + "/data/b.bin")
        try FileManager.default.createSymbolicLink(
            atPath: root + "/data/b.bin", withDestinationPath: root + "/data/a.bin")
        let problems = Self.bagProblems(root).filter { $0.file == "data/b.bin" }
        #expect(problems.contains { $0.problem.contains("symbolic link") }, "\(problems)")
        #expect(problems.contains { $0.problem.contains("missing") })
    }

    @Test func aPartialNoWriterHoldsIsRemovedAndAHeldOneIsKept() throws {
        let directory = try TemporaryDirectory("partials")
        let parent = directory.path
        let held = try BagPartials.create(for: 7, in: parent)
        defer { close(held.lock) }
        try FileManager.default.createDirectory(
            atPath: parent + "/.custody-export-8.partial/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: parent + "/.old-bag.partial-1a2b/custody/items", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: parent + "/.notes.partial-1a2b", withIntermediateDirectories: true)
        let removed = try BagPartials.removeAbandoned(in: parent)
        #expect(
            removed.map(\.path).sorted() == [parent + "/.custody-export-8.partial", parent + "/.old-bag.partial-1a2b"])
        #expect(removed.allSatisfy { $0.failure == nil && $0.description.hasPrefix("removed ") })
        #expect(FileManager.default.fileExists(atPath: held.path))
        #expect(FileManager.default.fileExists(atPath: parent + "/.notes.partial-1a2b"), "not a bag's: kept")
        #expect(throws: BagError.self) { try BagPartials.create(for: 7, in: parent) }
    }
}

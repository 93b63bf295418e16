import CustodyTesting
import Foundation
import Testing

/// An independent reader (Python's `cryptography`, written from docs/store-format.md alone) opens
/// objects Custody wrote and gets the original bytes: the document is right and complete.
@Suite(.serialized) struct InteropTests {
    static let reader = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/custody_open.py").path

    @Test func theDocumentedFormatDecryptsWithAnIndependentImplementation() throws {
        let fixture = try CLIFixture("interop")
        let sizes = [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345]
        var originals: [String: [UInt8]] = [:]
        for (index, size) in sizes.enumerated() {
            let bytes = testBytes(count: size, seed: UInt64(index) + 100)
            try fixture.put("f\(index).bin", bytes)
            originals["f\(index).bin"] = bytes
        }
        #expect(try fixture.run("import", fixture.source).status == 0)
        for (path, item) in try fixture.itemsByPath() {
            let out = fixture.directory.file("out-\(path)")
            let result = try run(
                "/usr/bin/env",
                [
                    "python3", Self.reader, "--state", fixture.state, "--key-file", fixture.key, "--item",
                    item["id"] as! String, "--out", out,
                ])
            #expect(result.status == 0, "\(path): \(result.stderr)")
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))) == originals[path], "\(path)")
        }
        // Random access: a range across a segment boundary, read without decrypting the rest.
        let big = try #require(try fixture.itemsByPath()["f5.bin"])
        let range = try run(
            "/usr/bin/env",
            [
                "python3", Self.reader, "--state", fixture.state, "--key-file", fixture.key, "--item",
                big["id"] as! String,
                "--range", "\((1 << 20) - 10)", "30", "--out", fixture.directory.file("range.bin"),
            ])
        #expect(range.status == 0, "\(range.stderr)")
        #expect(
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("range.bin"))))
                == Array(originals["f5.bin"]![((1 << 20) - 10)..<((1 << 20) + 20)]))
    }
}

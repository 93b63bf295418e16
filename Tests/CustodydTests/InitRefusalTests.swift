import CustodyTesting
import Foundation
import Testing

/// `custodyd init` never creates a store and key over one (issue 23, point 9): any trace of a store
/// — objects, a catalog or its companions, a restore's catalog copy, partial objects, a key file — is
/// refused with exit status 2, naming what was found, and the directory is left exactly as it was
/// (its whole tree hashed before and after). A half-restored directory is named as such by `init`,
/// by every command that opens it and by `restore` itself, each pointing to `custodyd restore`.
@Suite struct InitRefusalTests {
    /// One trace per case: the file a store (or a restore) leaves, relative to the state directory.
    static let traces = [
        "objects/ab/ab5f0e8c", "catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm",
        "catalog.sqlite.restoring", "tmp/4b1e.partial", "custody.kek", "lock",
    ]

    @Test(arguments: traces) func aDirectoryWithATraceOfAStoreIsRefusedAndLeftAsItWas(trace: String) throws {
        let directory = try TemporaryDirectory("initOver-" + trace.replacingOccurrences(of: "/", with: "_"))
        let state = directory.file("state")
        try directory.write(testBytes(count: 64, seed: 7), to: "state/" + trace)
        // The store's own empty directories beside the trace, as a store or a restore makes them.
        for empty in ["objects", "tmp"] {
            try FileManager.default.createDirectory(atPath: state + "/" + empty, withIntermediateDirectories: true)
        }
        let before = try treeDigest(of: state)

        let result = try custodyd("init", "--state", state)
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        let name = String(trace.split(separator: "/").first!)
        #expect(result.stderr.contains(name), "\(result.stderr)")
        #expect(result.stderr.contains("refusing"), "\(result.stderr)")
        #expect(try treeDigest(of: state) == before, "init changed \(state)")
    }

    @Test func anEmptyOrMissingDirectoryStillInitialises() throws {
        let directory = try TemporaryDirectory("initEmptyOrMissing")
        let empty = directory.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        // Empty objects/ and tmp/ hold nothing: an init interrupted before its catalog leaves them.
        let bare = directory.file("bare")
        for sub in ["objects", "tmp"] {
            try FileManager.default.createDirectory(atPath: bare + "/" + sub, withIntermediateDirectories: true)
        }
        for state in [empty, directory.file("missing/state"), bare] {
            let result = try custodyd("init", "--state", state)
            #expect(result.status == 0, "\(state): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: state + "/catalog.sqlite"))
            #expect(try custodyd("audit", "verify", "--state", state).status == 0)
        }
    }

    /// A restore interrupted just before its last step, the catalog's rename: the objects copied and
    /// checked, the snapshot copied to `catalog.sqlite.restoring` (Restore.swift), no `catalog.sqlite`.
    @Test func anInterruptedRestoreIsRefusedByInitAndNamedWithItsFixEverywhere() throws {
        let fixture = try CLIFixture("initOverRestore")
        try fixture.put("DCIM/clip.MP4", testBytes(count: 40_000, seed: 3))
        #expect(try fixture.run("import", fixture.source).status == 0)
        let backup = try fixture.json(arguments: ["backup", "--to", fixture.directory.file("backup")])
        let snapshot = try #require(backup["snapshot"] as? String)
        let restored = fixture.directory.file("restored")
        let made = try custodyd("restore", "--from", snapshot, "--state", restored)
        try #require(made.status == 0, "\(made.stderr)")
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: restored + "/catalog.sqlite" + suffix)
        }
        try FileManager.default.copyItem(atPath: snapshot, toPath: restored + "/catalog.sqlite.restoring")
        let before = try treeDigest(of: restored)

        let initialised = try custodyd("init", "--state", restored)
        #expect(initialised.status == 2)
        #expect(initialised.stderr.contains("interrupted restore"), "\(initialised.stderr)")
        #expect(initialised.stderr.contains("run `custodyd restore"), "\(initialised.stderr)")
        #expect(try treeDigest(of: restored) == before, "init changed the half-restored directory")

        // Opening it, as the daemon and every command do, names the restore, never init as the fix.
        for arguments in [["list"], ["audit", "verify"], ["retention", "run"]] {
            let opened = try custodyd(arguments: arguments + ["--state", restored])
            #expect(opened.status == 2, "\(arguments)")
            #expect(opened.stderr.contains("run `custodyd restore"), "\(arguments): \(opened.stderr)")
            #expect(!opened.stderr.contains("with `custodyd init`"), "\(arguments): \(opened.stderr)")
        }
        #expect(try treeDigest(of: restored) == before)

        // restore itself says the same, and once the directory is removed it finishes the job.
        let over = try custodyd("restore", "--from", snapshot, "--state", restored)
        #expect(over.status == 2)
        #expect(
            over.stderr.contains("interrupted restore") && over.stderr.contains("run `custodyd restore` again"),
            "\(over.stderr)")
        try FileManager.default.removeItem(atPath: restored)
        let again = try custodyd("restore", "--from", snapshot, "--state", restored)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try custodyd("audit", "verify", "--state", restored).status == 0)
    }
}

import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The store on a size-limited tmpfs: an import that does not fit stops with an error that says so,
/// nothing already verified is harmed, and no partial object survives the next run.
@Suite(.serialized) struct DiskFullTests {
    @Test(.enabled(if: geteuid() == 0, "mounting a size-limited tmpfs needs root (CI runs as root)"))
    func aFullDiskStopsTheImportCleanly() throws {
        let fixture = try CLIFixture("diskFull", initialise: false)
        try FileManager.default.createDirectory(atPath: fixture.state, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", fixture.state])
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? run("/bin/umount", ["-l", fixture.state]) }
        #expect(try fixture.run("init").status == 0)

        let small = try fixture.put("first/small.mp4", testBytes(count: 500_000, seed: 1))
        #expect(try fixture.run("import", fixture.source + "/first").status == 0)

        try fixture.put("second/big-a.mp4", testBytes(count: 3 << 20, seed: 2))
        try fixture.put("second/big-b.mp4", testBytes(count: 3 << 20, seed: 3))
        try fixture.put("second/big-c.mp4", testBytes(count: 3 << 20, seed: 4))
        let full = try fixture.run("import", fixture.source + "/second")
        #expect(full.status == 2)
        #expect(full.stderr.contains("is full"), "\(full.stderr)")

        // What was verified before is untouched and still verifies, deep.
        let items = try fixture.itemsByPath()
        #expect(items["small.mp4"]?["sha256"] as? String == small)
        #expect(items["small.mp4"]?["state"] as? String == "verified")
        let deep = try fixture.json("verify", "--deep")
        #expect(deep["ok"] as? Bool == true, "\(deep)")

        // Free space (drop one source file) and re-run: recovery clears partial objects, the rest fits.
        try FileManager.default.removeItem(atPath: fixture.source + "/second/big-c.mp4")
        try FileManager.default.removeItem(atPath: fixture.source + "/second/big-b.mp4")
        let rerun = try fixture.run("import", fixture.source + "/second")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.state + "/tmp").isEmpty)
        #expect(try fixture.itemsByPath().count == 2)
        #expect(try fixture.json("verify", "--deep")["ok"] as? Bool == true)
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a size-limited tmpfs needs root (CI runs as root)"))
    func aCatalogOnANearlyFullDiskSaysTheDiskIsFull() throws {
        let fixture = try CLIFixture("nearlyFull", initialise: false)
        try FileManager.default.createDirectory(atPath: fixture.state, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", fixture.state])
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? run("/bin/umount", ["-l", fixture.state]) }
        #expect(try fixture.run("init").status == 0)
        try fixture.put("a.mp4", testBytes(count: 1_000, seed: 9))
        // Fill what is left: the catalog's write-ahead log then cannot grow.
        _ = try run("/bin/dd", ["if=/dev/zero", "of=\(fixture.state)/filler", "bs=4096"])
        let result = try fixture.run("import", fixture.source)
        #expect(result.status == 2)
        #expect(result.stderr.contains("its disk is full"), "\(result.stderr)")
        #expect(result.stderr.contains("free space on that filesystem"))
    }
}

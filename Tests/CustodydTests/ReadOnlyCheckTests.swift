import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `audit verify` and keyless `verify` as someone who may only read a copy of the state directory:
/// an auditor, a court's expert. Needs root to run the checks as `nobody` (CI runs as root).
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to switch to an unprivileged user"))
struct ReadOnlyCheckTests {
    /// Runs `custodyd` as nobody (uid and gid 65534, no supplementary groups).
    func custodydAsNobody(_ arguments: String...) throws -> ProcessResult {
        try CustodyTesting.run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", BuiltProducts.custodyd] + arguments)
    }

    /// A store with one item, copied to a directory nobody may read but not write.
    func readOnlyCopy(_ fixture: CLIFixture) throws -> String {
        try fixture.put("A.MP4", testBytes(count: 4_000, seed: 3))
        #expect(try fixture.json("import", fixture.source)["verified"] as? Int == 1)
        let copy = fixture.directory.file("copy")
        #expect(try CustodyTesting.run("/bin/cp", ["-a", fixture.state, copy]).status == 0)
        #expect(try CustodyTesting.run("/bin/chmod", ["-R", "a+rX,a-w", copy]).status == 0)
        chmod(fixture.directory.path, 0o755)
        return copy
    }

    @Test func aReadOnlyCopyVerifiesAsAnUnprivilegedUser() throws {
        let fixture = try CLIFixture("readOnlyCopy")
        let copy = try readOnlyCopy(fixture)
        let audit = try custodydAsNobody("audit", "verify", "--state", copy)
        #expect(audit.status == 0, "\(audit.stdout) \(audit.stderr)")
        #expect(audit.stdout.contains("audit chain intact"))
        #expect(audit.stdout.contains("catalog agrees with the chain"))
        let fixity = try custodydAsNobody("verify", "--state", copy)
        #expect(fixity.status == 0, "\(fixity.stdout) \(fixity.stderr)")
        #expect(fixity.stdout.contains("1 items checked, 1 passed, 0 problems"))
        // Nothing was written into the copy.
        #expect(!FileManager.default.fileExists(atPath: copy + "/catalog.sqlite-wal"))
    }

    @Test func aTamperedReadOnlyCopyIsReportedToAnUnprivilegedUser() throws {
        let fixture = try CLIFixture("readOnlyTampered")
        try fixture.put("A.MP4", testBytes(count: 4_000, seed: 4))
        #expect(try fixture.json("import", "--device", "CAM1", fixture.source)["verified"] as? Int == 1)
        let sql = "DROP TRIGGER item_write_once; UPDATE item SET source_device = 'CAM2';"
        #expect(try CustodyTesting.run("/usr/bin/sqlite3", [fixture.state + "/catalog.sqlite", sql]).status == 0)
        let copy = fixture.directory.file("copy")
        #expect(try CustodyTesting.run("/bin/cp", ["-a", fixture.state, copy]).status == 0)
        #expect(try CustodyTesting.run("/bin/chmod", ["-R", "a+rX,a-w", copy]).status == 0)
        chmod(fixture.directory.path, 0o755)
        let audit = try custodydAsNobody("audit", "verify", "--state", copy)
        #expect(audit.status == 1)
        #expect(audit.stdout.contains("device: the catalog says \"CAM2\""), "\(audit.stdout) \(audit.stderr)")
    }

    @Test func aStateDirectoryThisUserMayNotReadIsNamedAsSuch() throws {
        let fixture = try CLIFixture("notReadable")
        chmod(fixture.directory.path, 0o755)
        chmod(fixture.state, 0o700)
        let result = try custodydAsNobody("audit", "verify", "--state", fixture.state)
        #expect(result.status == 2)
        #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
        #expect(!result.stderr.contains("not a Custody state directory"))
    }

    @Test func theCatalogIsCreatedPrivateWhateverTheUmask() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let fixture = try CLIFixture("privateCatalog")
        try fixture.put("A.MP4", testBytes(count: 4_000, seed: 5))
        _ = try fixture.json("import", fixture.source)
        for suffix in ["", "-wal", "-shm"] {
            var info = stat()
            guard stat(fixture.state + "/catalog.sqlite" + suffix, &info) == 0 else { continue }
            #expect(info.st_mode & 0o777 == 0o600, "catalog.sqlite\(suffix)")
        }
    }
}

import Catalog
import ControlProtocol
import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custody` as a user runs it, against a server in this process.
extension ControlServerTests {
    var custody: String { BuiltProducts.directory.appendingPathComponent("custody").path }

    @Test func custodyStatusPrintsTheTableOrTheJSON() async throws {
        try await withServer(configuration()) { _ in
            let (custody, path) = (custody, socketPath)
            let table = try await onThread { try run(custody, ["status", "--socket", path]) }
            #expect(table.status == 0, "\(table.stderr)")
            #expect(
                table.stdout
                    == "custodyd 0: ready; idle; started 2026-11-22T15:00:00.000Z\nno bays: no device docked, no folder watched\n"
            )
            // The environment names the socket too.
            let json = try await onThread {
                try run(custody, ["status", "--json"], environment: ["CUSTODY_SOCKET": path])
            }
            #expect(json.status == 0, "\(json.stderr)")
            #expect(try JSONDecoder().decode(DaemonStatus.self, from: Data(json.stdout.utf8)) == daemon.status)
        }
    }

    @Test func custodyStatusWatchPrintsOneJSONObjectPerChange() async throws {
        try await withServer(configuration()) { _ in
            let (custody, path, daemon) = (custody, socketPath, daemon)
            let versions = try await onThread {
                let process = try LineReadingProcess(custody, ["status", "--watch", "--json", "--socket", path])
                defer { process.kill() }
                var versions: [String] = []
                let decoder = JSONDecoder()
                for next in ["1", "2"] {
                    let line = try #require(process.nextLine())
                    versions.append(try decoder.decode(DaemonStatus.self, from: Data(line.utf8)).version)
                    daemon.update(DaemonStatus(state: .ready, version: next, startedAt: "t", bays: []))
                }
                let line = try #require(process.nextLine())
                versions.append(try decoder.decode(DaemonStatus.self, from: Data(line.utf8)).version)
                return versions
            }
            #expect(versions == ["0", "1", "2"])
        }
    }

    @Test func custodyListAndShowGoThroughTheSocket() async throws {
        try await withServer(configuration()) { _ in
            let (custody, path) = (custody, socketPath)
            let list = try await onThread { try run(custody, ["list", "--json", "--socket", path]) }
            #expect(list.status == 0, "\(list.stderr)")
            #expect(try JSONDecoder().decode(ItemListView.self, from: Data(list.stdout.utf8)).count == 0)
            let show = try await onThread { try run(custody, ["show", "0123abcd", "--socket", path]) }
            #expect(show.status == 2)
            #expect(show.stderr.contains("no item has an id starting with 0123abcd"))
            let usage = try await onThread { try run(custody, ["list", "--limit", "0", "--socket", path]) }
            #expect(usage.status == 64)
        }
    }

    @Test func custodyExplainsAMissingDaemon() async throws {
        let (custody, path) = (custody, socketPath)
        let result = try await onThread { try run(custody, ["status", "--socket", path]) }
        #expect(result.status == 2)
        #expect(result.stderr.contains("is custodyd running?"))
        #expect(result.stderr.contains("systemctl status custodyd"))
    }

    /// A real other user (nobody, through `setpriv`), identified by the kernel: first stopped by the
    /// socket's mode, then, with the mode opened up, refused and audited by the server itself.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anotherUserIsStoppedByTheModeThenRefusedByTheServer() async throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try await withServer(configuration()) { _ in
            let (custody, path) = (custody, socketPath)
            let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", custody, "status", "--socket", path]
            let denied = try await onThread { try run("/usr/bin/setpriv", asNobody) }
            #expect(denied.status == 2)
            // The socket's group is root's here: the hint never tells anyone to join it, it names the
            // setting that gives the socket a group of its own.
            #expect(!denied.stderr.contains("usermod"), "\(denied.stderr)")
            #expect(denied.stderr.contains("`group` under `[control]`"), "\(denied.stderr)")
            #expect(denied.stderr.contains("belongs to group root, which gives far more"), "\(denied.stderr)")
            #expect(chmod(path, 0o666) == 0)
            let refused = try await onThread { try run("/usr/bin/setpriv", asNobody) }
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("uid 65534 (nobody) may not use the control socket"), "\(refused.stderr)")
            let entries = try auditEntries("control.refused")
            #expect(entries.map(\.actor) == ["uid:65534(nobody)"])
            #expect(entries.first?.detail.contains(#""gid":"65534""#) == true)
            #expect(try auditEntries("control.request").isEmpty)
        }
    }
}

import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// docs/access.md's set-up walk-through, run as written: the shell block after the
/// `<!-- setup-walkthrough` marker is read from the document and each line run by `/bin/sh` against a
/// fresh daemon — as root, or, after `sudo -u NAME`, as that real Unix account through `setpriv`.
/// Only the account names are changed (given a test prefix), so the document cannot drift from what
/// Custody does. Root only (useradd, groupadd, setpriv); CI runs as root.
@Suite(
    .serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct SetupWalkthroughTests {
    typealias U = UnixUsers

    static let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/access.md")

    /// The walk-through's accounts, and the test accounts that stand for them.
    static let accounts = ["alice", "bob", "pat", "olive", "rita"]
    static func testAccount(_ name: String) -> String { "ctw-" + name }

    /// The lines of the marked shell block, comments and blank lines left out.
    static func walkthrough() throws -> [String] {
        let document = try String(contentsOf: documentURL, encoding: .utf8)
        guard let marker = document.range(of: "<!-- setup-walkthrough"),
            let open = document.range(of: "```sh\n", range: marker.upperBound..<document.endIndex),
            let close = document.range(of: "\n```", range: open.upperBound..<document.endIndex)
        else { throw FixtureError(message: "docs/access.md has no marked setup-walkthrough block") }
        return document[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init).filter {
            !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
    }

    /// `line` with every account name given its test prefix (whole words only: "Pat Park" stays).
    static func mapped(_ line: String) -> String {
        accounts.reduce(line) { line, name in
            line.replacingOccurrences(of: "\\b\(name)\\b", with: testAccount(name), options: .regularExpression)
        }
    }

    @Test func theDocumentedSetupRunsAsWrittenFromNothingToAReviewerGrant() throws {
        for name in Self.accounts { try U.ensureUser(Self.testAccount(name)) }
        try U.ensureGroup("custody")
        let lines = try Self.walkthrough()
        #expect(lines.count >= 15, "\(lines)")

        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        chmod(station.directory.path, 0o755)
        let daemon = try station.start()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        // The documented `custody`, found on PATH; the socket as $CUSTODY_SOCKET, which setpriv keeps.
        let environment = [
            "PATH": BuiltProducts.directory.path + ":/usr/sbin:/usr/bin:/sbin:/bin",
            "CUSTODY_SOCKET": station.socket, "LC_ALL": "C",
        ]
        var outputs: [String: String] = [:]
        for line in lines.map(Self.mapped) {
            let result: ProcessResult
            if let user = line.wholeMatch(of: #/sudo -u (\S+) (.+)/#) {
                result = try run(
                    "/usr/bin/setpriv",
                    [
                        "--reuid", String(user.1), "--regid", U.socketGroup, "--init-groups", "--", "/bin/sh", "-c",
                        String(user.2),
                    ], environment: environment)
            } else {
                result = try run("/bin/sh", ["-c", line], environment: environment)
            }
            #expect(result.status == 0, "\(line): \(result.stderr)")
            outputs[line] = result.stdout
        }

        // What the walk-through promised: the head set, the reviewer's grant active after the head's
        // and an administrator's approvals, the officer an officer, each listing their own grants.
        let rita = Self.testAccount("rita")
        let ritaWhoami = outputs["sudo -u \(rita) custody whoami"] ?? ""
        #expect(ritaWhoami.contains("is R0001") && ritaWhoami.contains("role     reviewer over NORTH"), "\(ritaWhoami)")
        let ritaGrants = outputs["sudo -u \(rita) custody grant list"] ?? ""
        #expect(ritaGrants.contains("R0001") && ritaGrants.contains("active"), "\(ritaGrants)")
        let oliveWhoami = outputs["sudo -u \(Self.testAccount("olive")) custody whoami"] ?? ""
        #expect(oliveWhoami.contains("is P0002") && oliveWhoami.contains("role     officer"), "\(oliveWhoami)")
        let units = outputs["custody unit list"] ?? ""
        #expect(units.split(separator: "\n").contains { $0.hasPrefix("NORTH") && $0.hasSuffix("P0001") }, "\(units)")
        #expect(units.split(separator: "\n").contains { $0.hasPrefix("HQ") && $0.hasSuffix("A0001") }, "\(units)")

        // An officer's `grant list` is their own, not a refusal; setting the head is on record.
        let oliveGrants = try U.custody(as: Self.testAccount("olive"), socket: station.socket, "grant", "list")
        #expect(oliveGrants.status == 0, "\(oliveGrants.stderr)")
        #expect(!oliveGrants.stdout.contains("R0001"), "\(oliveGrants.stdout)")
        let changed =
            try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "unit.changed") as? [[String: Any]]
        let detail = changed?.first?["detail"] as? [String: Any]
        #expect(detail?["unit"] as? String == "NORTH" && detail?["head"] as? String == "P0001", "\(changed ?? [])")
        #expect(detail?["pid"] is NSNumber, "audit log --json gives numbers as numbers: \(detail ?? [:])")

        // The reviewer writes her report as a page: a missing folder, a folder she may not write in,
        // and an export to a missing folder are sentences naming the path and the fix, exit status 2,
        // found before anything is asked of the daemon.
        let missing = try U.custody(as: rita, socket: station.socket, "report", "--html", "/no/such/dir/r.html")
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("--html /no/such/dir/r.html: the folder /no/such/dir does not exist"))
        #expect(missing.stderr.contains("mkdir -p /no/such/dir") && !missing.stderr.contains("NSCocoaErrorDomain"))
        let closed = station.directory.file("closed")
        try FileManager.default.createDirectory(atPath: closed, withIntermediateDirectories: true)
        chmod(closed, 0o755)
        let refused = try U.custody(as: rita, socket: station.socket, "report", "--html", closed + "/r.html")
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("no permission to write in \(closed) as \(rita)"), "\(refused.stderr)")
        let open = station.directory.file("open")
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        let written = try U.custody(as: rita, socket: station.socket, "report", "--html", open + "/r.html")
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try String(contentsOfFile: open + "/r.html", encoding: .utf8).contains("Supervision report"))
        let bag = try U.custody(as: rita, socket: station.socket, "export", "write", "1", "--to", "/no/such/dir/bag")
        #expect(bag.status == 2 && bag.stderr.contains("--to /no/such/dir/bag: the folder /no/such/dir does not exist"))
    }
}

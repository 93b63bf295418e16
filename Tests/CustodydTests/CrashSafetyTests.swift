import CustodyTesting
import Foundation
import Testing

/// SIGKILL `custodyd import` at many points of a multi-file import, then check the invariants of
/// ../shared/DESIGN.md §1: nothing verified that is not, no row without its object, no object without
/// its row once recovery ran, and a re-run ends with exactly the expected items.
///
/// The kill points are import events (`--events` prints one line per step: reading, progress, sealed,
/// intents, renamed, stored, verified): the test reads the child's output and kills it the moment the
/// chosen line arrives, so the child is somewhere just past that step — no sleeps, no timing guesses.
@Suite(.serialized) struct CrashSafetyTests {
    /// A source tree with large multi-block files and small ones, committed in batches of 3.
    static func makeSource(_ fixture: CLIFixture) throws -> [String: String] {
        var expected: [String: String] = [:]
        let sizes = [20 << 20, 9 << 20, 100, 0, 70_000, 3 << 20, 5, 1 << 20, 200_000, 12_345]
        for (index, size) in sizes.enumerated() {
            let path = "DCIM/\(index % 3)/clip\(index).mp4"
            expected[path] = try fixture.put(path, testBytes(count: size, seed: UInt64(index) + 7))
        }
        return expected
    }

    static let importArguments = ["import", "--events", "--batch-files", "3"]

    @Test func killedAtAnyPointTheStoreStaysConsistentAndARerunCompletes() throws {
        let template = try CLIFixture("crashTemplate")
        let expected = try Self.makeSource(template)

        // A full run first, to learn how many event lines an import prints.
        let probe = try CLIFixture("crashProbe")
        _ = try Self.makeSource(probe)
        let (lines, status) = try LineReadingProcess.lines(
            of: BuiltProducts.custodyd, Self.importArguments + ["--state", probe.state, probe.source])
        let total = lines.count
        #expect(status == 0)
        #expect(total > 40)

        // 24 kill points spread over the whole run, from the first event to the last.
        let points = Set((0..<24).map { 1 + $0 * (total - 1) / 23 }).sorted()
        #expect(points.count >= 20)
        var killedMidway = 0
        for point in points {
            let fixture = try CLIFixture("crashAt\(point)")
            _ = try Self.makeSource(fixture)
            if try LineReadingProcess.kill(
                BuiltProducts.custodyd, Self.importArguments + ["--state", fixture.state, fixture.source],
                afterLines: point)
            {
                killedMidway += 1
            }
            try checkInvariantsAfterCrash(fixture, point: point)

            // Restart: recovery runs first, then the import completes with exactly the expected set.
            let rerun = try fixture.run("import", fixture.source)
            #expect(rerun.status == 0, "re-run after kill at \(point): \(rerun.stderr)")
            let items = try fixture.itemsByPath()
            #expect(items.count == expected.count, "kill at \(point)")
            for (path, hash) in expected {
                #expect(items[path]?["sha256"] as? String == hash, "kill at \(point): \(path)")
                #expect(items[path]?["state"] as? String == "verified", "kill at \(point): \(path)")
            }
            let deep = try fixture.json("verify", "--deep")
            #expect(deep["ok"] as? Bool == true, "kill at \(point): \(deep)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.state + "/tmp").isEmpty)
            #expect(try fixture.json("audit", "verify")["ok"] as? Bool == true)
        }
        #expect(killedMidway >= 20)
        _ = template
    }

    /// Right after the kill, before any recovery: every catalogued item's object is intact (a deep
    /// verify has no problem naming an item), and no object lacks both a row and a recorded intent.
    func checkInvariantsAfterCrash(_ fixture: CLIFixture, point: Int) throws {
        let deep = try fixture.json("verify", "--deep")
        let problems = deep["problems"] as? [[String: Any]] ?? []
        #expect(problems.isEmpty, "kill at \(point): \(problems)")
    }
}

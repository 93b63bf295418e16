import Catalog
import Foundation
import Synchronization
import Testing

@testable import CustodyDaemon

/// `RefusalLog`: one audit entry per identity and interval, every refusal counted.
@Suite struct RefusalLogTests {
    final class Clock: Sendable {
        let date = Mutex(Date(timeIntervalSince1970: 1_000_000))
        func advance(_ seconds: TimeInterval) { date.withLock { $0 += seconds } }
        func now() -> Date { date.withLock { $0 } }
    }

    let clock = Clock()
    var log: RefusalLog { RefusalLog(interval: 60, now: { [clock] in clock.now() }) }
    let mallory = ControlCaller(uid: 666, gid: 666, pid: 42, groups: [], name: "mallory")
    let eve = ControlCaller(uid: 667, gid: 667, pid: 43, groups: [], name: "eve")

    func count(_ decision: RefusalLog.Decision) -> String? {
        guard case .audit(let refusals, _) = decision else { return nil }
        return "\(refusals)"
    }

    @Test func theFirstRefusalIsAuditedAndTheRestOfTheIntervalCounted() {
        let log = self.log
        #expect(count(log.refused(mallory)) == "1")
        for _ in 0..<1000 { #expect(log.refused(mallory) == .quiet) }
        // Another identity has its own window.
        #expect(count(log.refused(eve)) == "1")
        clock.advance(60)
        // The next entry carries the refusals counted since, this one included.
        #expect(count(log.refused(mallory)) == "1001")
        #expect(log.refused(mallory) == .quiet)
        let owed = log.drain()
        #expect(owed.count == 1)
        #expect(owed.first?.caller == mallory)
        #expect(owed.first?.refusals == 1)
        #expect(log.drain().isEmpty)
    }

    @Test func nothingIsOwedWhenEveryRefusalWasAudited() {
        let log = self.log
        #expect(count(log.refused(mallory)) == "1")
        clock.advance(61)
        #expect(count(log.refused(mallory)) == "1")
        #expect(log.drain().isEmpty)
    }
}

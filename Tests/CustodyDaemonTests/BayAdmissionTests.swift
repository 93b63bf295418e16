import ControlProtocol
import Devices
import Foundation
import Synchronization
import Testing

@testable import CustodyDaemon

/// Bounded, fair admission of dock sessions, and retries of transient device-layer failures.
@Suite struct SessionGateTests {
    final class QueueLog: Sendable {
        let changes = Mutex<[[String]]>([])
        func record(_ queue: [String]) { changes.withLock { $0.append(queue) } }
        var last: [String]? { changes.withLock { $0.last } }
    }

    @Test func atMostTheLimitRunAndTheFirstDockedRunsNext() async {
        let log = QueueLog()
        let gate = SessionGate(limit: 2) { log.record($0) }
        let tickets = ["usb:1", "usb:2", "usb:3", "usb:4"].map { gate.enqueue($0) }
        #expect(log.last == ["usb:3", "usb:4"])
        #expect(await gate.wait(tickets[0]))
        #expect(await gate.wait(tickets[1]))
        // usb:4 asks before usb:3 does: the line, not the asking, decides.
        async let fourth = gate.wait(tickets[3])
        gate.leave()
        #expect(gate.queuedBays == ["usb:4"])
        #expect(log.last == ["usb:4"])
        #expect(await gate.wait(tickets[2]))
        gate.leave()
        #expect(await fourth)
        #expect(gate.queuedBays.isEmpty)
    }

    @Test func closingSendsTheWaitingAwayAndAdmitsNoOneLater() async {
        let log = QueueLog()
        let gate = SessionGate(limit: 1) { log.record($0) }
        let running = gate.enqueue("usb:1")
        let waiting = gate.enqueue("usb:2")
        #expect(await gate.wait(running))
        async let sentAway = gate.wait(waiting)
        gate.close()
        #expect(await sentAway == false)
        #expect(log.last == [])
        gate.leave()
        #expect(await gate.wait(gate.enqueue("usb:3")) == false)
    }

    @Test func theDefaultFollowsTheCores() {
        #expect(SessionGate.defaultLimit(cores: 1) == 2)
        #expect(SessionGate.defaultLimit(cores: 2) == 4)
        #expect(SessionGate.defaultLimit(cores: 64) == 8)
    }
}

@Suite struct TransientRetryTests {
    final class Waits: Sendable {
        let seen = Mutex<[Duration]>([])
    }

    func retry(_ waits: Waits) -> TransientRetry {
        TransientRetry(wait: { duration in waits.seen.withLock { $0.append(duration) } })
    }

    @Test func aFailureInjectedOnceIsRetriedAndTheStepSucceeds() throws {
        let waits = Waits()
        var calls = 0
        var heard: [Int] = []
        let value = try retry(waits).run({ attempt, _, _ in heard.append(attempt) }) {
            calls += 1
            if calls == 1 { throw DeviceError(code: .io, message: "libudev could not listen for block devices") }
            return "/dev/sdb1"
        }
        #expect(value == "/dev/sdb1")
        #expect(calls == 2)
        #expect(heard == [1])
        #expect(waits.seen.withLock { $0 } == [.milliseconds(500)])
    }

    @Test func aFailureThatDoesNotPassIsNotRetried() {
        let waits = Waits()
        var calls = 0
        #expect(throws: DeviceError.self) {
            try retry(waits).run({ _, _, _ in }) {
                calls += 1
                throw DeviceError(code: .wrongPassword, message: "the device refused the unlock password")
            }
        }
        #expect(calls == 1)
        #expect(waits.seen.withLock { $0 }.isEmpty)
    }

    @Test func aFailureThatPersistsFailsAfterTheLastTryWithDoublingWaits() {
        let waits = Waits()
        var calls = 0
        #expect(throws: DeviceError.self) {
            try retry(waits).run({ _, _, _ in }) {
                calls += 1
                throw DeviceError(code: .io, message: "libudev could not open a monitor")
            }
        }
        #expect(calls == 4)
        #expect(waits.seen.withLock { $0 } == [.milliseconds(500), .seconds(1), .seconds(2)])
    }
}

@Suite struct QueuedBayStatusTests {
    @Test func queuedBaysShowTheirPlaceInLine() {
        var running = BayStatus(id: "usb:1-1", kind: .device, phase: .ingesting)
        running.bytesTotal = 100
        var queued = BayStatus(id: "usb:1-2", kind: .device, phase: .queued)
        queued.queuePosition = 1
        let status = DaemonStatus(state: .ready, version: "t", startedAt: "now", bays: [running, queued], fixity: nil)
        #expect(status.summaryLine.contains("1 ingesting"))
        #expect(status.summaryLine.contains("1 queued"))
        let lines = StatusTable.lines(for: status)
        #expect(lines.contains { $0.hasPrefix("usb:1-2") && $0.contains("queued #1") })
    }
}

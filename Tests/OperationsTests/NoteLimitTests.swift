import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Operations
import Testing

/// Notes are append-only and never deleted: their size and each person's rate are bounded
/// (`NoteLimits`, docs/configuration.md `[notes]`), counted from the catalog, and a refusal names the
/// limit and when the person may add again.
@Suite struct NoteLimitTests {
    typealias F = OperationsFixture

    /// The fixture's operations with `limits`; the same catalog and clock.
    func operations(_ fixture: F, _ limits: NoteLimits) -> Operations {
        var operations = fixture.operations
        operations.noteLimits = limits
        return operations
    }

    func note(_ item: EvidenceID, _ text: String, _ operations: Operations) -> ControlResponse {
        var arguments = ControlArguments(item: item.description)
        arguments.text = text
        return operations.perform(.operation(.noteAdd, arguments), by: F.bootstrap)
    }

    func notes(_ fixture: F, _ item: EvidenceID) throws -> Int {
        try fixture.catalog.reviewFacts(for: item, at: fixture.now).notes.count
    }

    @Test func aNoteOverTheSizeLimitIsRefusedNamingTheLimit() throws {
        let fixture = try F()
        var limits = NoteLimits()
        limits.maxBytes = 100
        let operations = operations(fixture, limits)
        let item = try fixture.item(officer: "P1", seed: 1)
        // 34 characters, 102 bytes: the limit is in bytes.
        let refused = note(item, String(repeating: "€", count: 34), operations)
        #expect(refused.error?.code == .limited)
        #expect(refused.error?.message.contains("at most 100 bytes (notes.max_bytes)") == true, "\(refused)")
        #expect(note(item, String(repeating: "€", count: 33), operations).ok)
        #expect(try notes(fixture, item) == 1)

        // A review's note is bounded the same way, and then nothing of the review is recorded.
        try fixture.expectOK(.reviewClaim, ControlArguments(item: item.description), as: F.bootstrap)
        var done = ControlArguments(item: item.description)
        done.outcome = "ok"
        done.text = String(repeating: "x", count: 101)
        let review = operations.perform(.operation(.reviewDone, done), by: F.bootstrap)
        #expect(review.error?.code == .limited)
        #expect(try fixture.catalog.reviewFacts(for: item, at: fixture.now).reviews.isEmpty)
        #expect(try notes(fixture, item) == 1)
    }

    @Test func theNoteAfterThePerMinuteLimitIsRefusedUntilTheMinuteHasPassed() throws {
        let fixture = try F()
        var limits = NoteLimits()
        limits.perMinute = 3
        let operations = operations(fixture, limits)
        let item = try fixture.item(officer: "P1", seed: 1)
        let first = fixture.now
        for index in 0..<3 {
            #expect(note(item, "note \(index)", operations).ok)
            fixture.advance(by: 10)
        }
        let refused = note(item, "one too many", operations)
        #expect(refused.error?.code == .limited)
        let message = refused.error?.message ?? ""
        #expect(message.contains("added 3 notes in the last minute"), "\(message)")
        #expect(message.contains("notes.per_minute = 3"), "\(message)")
        #expect(message.contains("at or after \(RFC3339.string(first + 60))"), "\(message)")
        #expect(try notes(fixture, item) == 3)
        // Counted from the catalog: fresh operations (a restarted daemon) refuse it too.
        #expect(note(item, "after a restart", self.operations(fixture, limits)).error?.code == .limited)
        fixture.advance(by: 30)  // first + 60
        #expect(note(item, "the first has left the window", operations).ok)
        // Each refusal is on record, as a request that failed with `limited`.
        #expect(try fixture.audited(.requestFailed).first?.detail.contains(#""error":"limited""#) == true)
    }

    @Test func notesBeyondTheHourlyAndDailyAllowanceAreRefused() throws {
        let fixture = try F()
        var limits = NoteLimits()
        limits.perMinute = 100
        limits.perHour = 5
        limits.bytesPerDay = 2000
        let operations = operations(fixture, limits)
        let item = try fixture.item(officer: "P1", seed: 1)
        for index in 0..<5 {
            #expect(note(item, "hourly \(index)", operations).ok)
            fixture.advance(by: 60)
        }
        let hourly = note(item, "sixth", operations)
        #expect(hourly.error?.message.contains("notes.per_hour = 5") == true, "\(hourly)")
        fixture.advance(by: 3600)
        let kilobyte = String(repeating: "a", count: 1000)
        #expect(note(item, kilobyte, operations).ok)
        let daily = note(item, kilobyte, operations)
        #expect(daily.error?.code == .limited)
        #expect(daily.error?.message.contains("notes.bytes_per_day = 2000") == true, "\(daily)")
        #expect(daily.error?.message.contains("at or after") == true, "\(daily)")
        fixture.advance(by: 86_400)
        #expect(note(item, kilobyte, operations).ok)
    }
}

import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Testing

@testable import Operations

/// `list --search`: notes and case numbers through SQLite FTS5, any case, every word, within scope.
@Suite struct ItemSearchTests {
    typealias F = OperationsFixture

    @Test func notesAndCaseNumbersAreFoundByTheirWordsWithinTheCallersScope() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(.reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        let fled = try fixture.item(officer: "P1", seed: 1)
        let cased = try fixture.item(officer: "P1", seed: 2)
        let south = try fixture.item(officer: "P2", seed: 3)
        func note(_ item: EvidenceID, _ text: String) throws {
            var arguments = ControlArguments(item: item.description)
            arguments.text = text
            try fixture.expectOK(.noteAdd, arguments, as: F.bootstrap)
        }
        try note(fled, "Driver fled on foot near Elm Street")
        try fixture.expectOK(.reviewClaim, ControlArguments(item: cased.description), as: F.bootstrap)
        var done = ControlArguments(item: cased.description)
        done.outcome = "ok"
        done.cases = ["2024-001"]
        try fixture.expectOK(.reviewDone, done, as: F.bootstrap)
        try note(south, "Elm street again; case 2024-001 related")

        func found(_ text: String, as caller: Caller = F.root) throws -> Set<String> {
            var query = ItemQuery(limit: 100)
            query.search = text
            return Set(try fixture.expectOK(.list(query), as: caller).items?.map(\.id) ?? [])
        }
        #expect(try found("elm STREET") == [fled.description, south.description])
        #expect(try found("fled elm") == [fled.description])  // every word
        #expect(try found("fled south") == [])
        #expect(try found("2024-001") == [cased.description, south.description])  // the case and the note naming it
        #expect(try found("\"unbalanced: *") == [])  // typed syntax is words, not an FTS5 error
        #expect(try found("elm", as: F.caller("carol")) == [fled.description])  // carol's scope: NORTH only
        #expect(fixture.perform(.list({ var q = ItemQuery(); q.search = "   "; return q }()), as: F.root).error?.code == .badRequest)
    }
}

extension OperationsFixture {
    /// `list` as `caller`, failing when it was refused.
    func expectOK(_ request: ControlRequest, as caller: Caller) throws -> ControlResponse {
        let response = operations.perform(request, by: caller)
        if let error = response.error { throw error }
        return response
    }

    func perform(_ request: ControlRequest, as caller: Caller) -> ControlResponse {
        operations.perform(request, by: caller)
    }
}

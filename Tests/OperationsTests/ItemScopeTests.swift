import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Testing

@testable import Operations

/// Who sees which items: officers their own, reviewers their units and sub-units, administrators
/// all, auditors none of anyone else's; attribution from the registry first.
@Suite struct ItemScopeTests {
    typealias F = OperationsFixture

    @Test func eachRoleSeesWhatItsScopeCovers() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(.reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        try fixture.grant(.auditor, to: "U1", requestedAs: F.caller("erin"), approvers: [F.root, F.bootstrap])
        let alices = try fixture.item(officer: "p1", seed: 1)
        let bobs = try fixture.item(officer: "P2", seed: 2)
        let nobodys = try fixture.item(officer: nil, seed: 3)

        func listed(_ account: String) throws -> Set<String> {
            Set(try fixture.expectOK(.list, as: F.caller(account)).items?.map(\.id) ?? [])
        }
        func shown(_ id: EvidenceID, as account: String) -> ControlError.Code? {
            fixture.operations.perform(.show(id.description), by: F.caller(account)).error?.code
        }
        #expect(try listed("alice") == [alices.description])
        #expect(try listed("bob") == [bobs.description])
        #expect(try listed("carol") == [alices.description])
        #expect(try listed("erin") == [])
        #expect(Set(try fixture.expectOK(.list, as: F.root).items?.map(\.id) ?? []).count == 3)

        #expect(shown(alices, as: "alice") == nil)
        #expect(shown(bobs, as: "alice") == .forbidden)
        #expect(shown(alices, as: "carol") == nil)
        #expect(shown(bobs, as: "carol") == .forbidden)
        #expect(shown(nobodys, as: "carol") == .forbidden)
        #expect(shown(alices, as: "erin") == .forbidden)
        #expect(shown(nobodys, as: "dave") == .forbidden)
        #expect(fixture.operations.perform(.show(nobodys.description), by: F.bootstrap).ok)
        #expect(fixture.perform(.audit, as: F.caller("erin")).ok)

        // Every refusal of a show names the item in the chain.
        let denied = try fixture.audited(.accessDenied).filter { $0.itemID != nil }
        #expect(denied.count == 5)
        let shownToAlice = try fixture.catalog.item(matching: alices.description)
        #expect(shownToAlice.attribution?.unitID == "NORTH-1" && shownToAlice.media?.officerID == "P1")
    }

    @Test func theRegistryAssignmentAtDockingWinsAndADisagreementIsAFlag() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.expectOK(.deviceAdd, ControlArguments(serial: "DEV0001", family: "massStorage"), as: F.root)
        try fixture.expectOK(.deviceAssign, ControlArguments(person: "P2", serial: "DEV0001"), as: F.root)
        let id = try fixture.item(officer: "P1", device: "DEV0001", seed: 9)
        let record = try fixture.catalog.item(matching: id.description)
        #expect(record.media?.officerID == "P2")
        #expect(record.attribution?.source == .registry && record.attribution?.unitID == "SOUTH")
        #expect(record.attribution?.flags == ["the registry says officer P2, the file name says P1"])
        let flagged = try fixture.expectOK(.list, as: F.root)
        #expect(flagged.items?.first?.attribution?.flags.count == 1)
        var query = ItemQuery()
        query.flagged = true
        #expect(fixture.operations.perform(.list(query), by: F.root).items?.count == 1)
        query.flagged = false
        #expect(fixture.operations.perform(.list(query), by: F.root).items?.count == 0)
        // Bob sees it; Alice, whose badge is in the file name, does not.
        #expect(fixture.operations.perform(.show(id.description), by: F.caller("bob")).ok)
        #expect(fixture.operations.perform(.show(id.description), by: F.caller("alice")).error?.code == .forbidden)

        // Returned: later items fall back to the file name.
        try fixture.expectOK(.deviceReturn, ControlArguments(serial: "DEV0001"), as: F.root)
        fixture.advance(by: 1)
        let later = try fixture.catalog.item(matching: try fixture.item(officer: "P1", device: "DEV0001", seed: 10).description)
        #expect(later.media?.officerID == "P1" && later.attribution?.source == .fileName)
        let device = try #require(try fixture.expectOK(.deviceShow, ControlArguments(serial: "DEV0001"), as: F.root).device)
        #expect(device.assignments?.count == 1 && device.assignments?.first?.until != nil && device.holder == nil)
    }

    @Test func devicesAreIssuedMaintainedAndRetiredWithRecords() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.expectOK(.deviceAdd, ControlArguments(serial: "CAM-7", model: "X1", family: "ambarella"), as: F.root)
        try fixture.expectOK(.deviceAssign, ControlArguments(person: "P1", serial: "CAM-7"), as: F.root)
        let twice = fixture.perform(.deviceAssign, ControlArguments(person: "P2", serial: "CAM-7"), as: F.root)
        #expect(twice.error?.code == .badRequest && twice.error?.message.contains("return it first") == true)
        try fixture.expectOK(
            .deviceMaintenance, ControlArguments(serial: "CAM-7", what: "battery", result: "replaced", status: "in_maintenance"),
            as: F.root)
        let retired = try fixture.expectOK(.deviceRetire, ControlArguments(reason: "cracked lens", serial: "CAM-7"), as: F.root)
        #expect(retired.device?.status == "retired" && retired.device?.holder == nil)
        #expect(retired.device?.maintenance?.first?.result == "replaced")
        #expect(fixture.perform(.deviceAssign, ControlArguments(person: "P2", serial: "CAM-7"), as: F.root).error != nil)
        #expect(fixture.perform(.deviceAdd, ControlArguments(serial: "CAM-8"), as: F.caller("alice")).error?.code == .forbidden)
        #expect(fixture.perform(.deviceAdd, ControlArguments(serial: "CAM-8", family: "toaster"), as: F.root).error?.code == .badRequest)
        let person = try fixture.expectOK(.personShow, ControlArguments(id: "p1"), as: F.caller("alice")).person
        #expect(person?.id == "P1")
        #expect(fixture.perform(.personShow, ControlArguments(id: "P2"), as: F.caller("alice")).error?.code == .forbidden)
    }
}

import ControlProtocol
import Testing

@testable import CustodyDaemon

/// `ConnectionTable`: a cap per uid, connections kept for administrators, and the limits made consistent.
@Suite struct ConnectionTableTests {
    func limits(total: Int, perCaller: Int, reserved: Int) -> ConnectionTable.Limits {
        var configuration = DaemonConfiguration.Control()
        configuration.maxConnections = total
        configuration.maxConnectionsPerCaller = perCaller
        configuration.reservedAdministratorConnections = reserved
        return ConnectionTable.Limits(configuration)
    }

    @Test func oneCallerHoldsAtMostItsCapAndOthersAreStillAdmitted() {
        var table = ConnectionTable(limits: limits(total: 10, perCaller: 3, reserved: 2))
        for descriptor in 0..<3 {
            #expect(table.admit(Int32(descriptor), uid: 1000, administrator: false) != .callerLimit)
        }
        #expect(table.admit(3, uid: 1000, administrator: false) == .callerLimit)
        #expect(table.admit(4, uid: 1001, administrator: false) == .admitted(4))
        #expect(table.held(by: 1000) == 3)
        // A connection that ends makes room for its own caller again.
        table.remove(1)
        #expect(table.held(by: 1000) == 2)
        #expect(table.admit(5, uid: 1000, administrator: false) == .admitted(5))
    }

    @Test func theReservedConnectionsAreAdministratorsOnly() {
        var table = ConnectionTable(limits: limits(total: 6, perCaller: 2, reserved: 2))
        for uid in UInt32(1000)..<1002 {
            for _ in 0..<2 { _ = table.admit(0, uid: uid, administrator: false) }
        }
        #expect(table.connections.count == 4)
        #expect(table.admit(0, uid: 1003, administrator: false) == .full(administrator: false))
        #expect(table.admit(0, uid: 0, administrator: true) == .admitted(5))
        #expect(table.admit(0, uid: 0, administrator: true) == .admitted(6))
        #expect(table.admit(0, uid: 999, administrator: true) == .full(administrator: true))
        let refusal = table.refusal(
            .full(administrator: false), caller: ControlCaller(uid: 1003, gid: 1, pid: 1, groups: [], name: nil))
        #expect(refusal.code == .busy)
        #expect(refusal.message.contains("control.reserved_admin_connections 2"))
    }

    @Test func limitsThatCannotHoldAreMadeConsistent() {
        let clamped = limits(total: 1, perCaller: 8, reserved: 4)
        #expect(clamped.perCaller == 1)
        #expect(clamped.reserved == 0)
    }
}

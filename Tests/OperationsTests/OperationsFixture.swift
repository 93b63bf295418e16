import Catalog
import ControlProtocol
import CustodyCore
import CustodyTesting
import Foundation
import Operations
import Synchronization

/// A catalog with the operations over it, a clock the test moves, and callers by account name.
final class OperationsFixture: Sendable {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let operations: Operations
    private let time = TestClock()
    /// The gid that stands for `custody-admin`.
    static let adminGroup: UInt32 = 990

    init(_ name: String = #function) throws {
        directory = try TemporaryDirectory(name)
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
        let time = self.time
        operations = Operations(
            catalog: catalog,
            resolver: PrincipalResolver(systemUIDs: [0], administratorGroups: ["custody-admin": Self.adminGroup]),
            status: { DaemonStatus(state: .ready, version: "test", startedAt: "2026-01-01T00:00:00Z", bays: []) },
            clock: { time.now })
    }

    var now: Date { time.now }

    func advance(by seconds: TimeInterval) { time.advance(by: seconds) }

    /// A caller with this account name (uid derived from it), in `groups`.
    static func caller(_ account: String, uid: UInt32? = nil, groups: [UInt32] = []) -> Caller {
        Caller(uid: uid ?? 2000 + UInt32(account.unicodeScalars.reduce(0) { ($0 &* 31 &+ $1.value) % 5000 }), gid: 100, pid: 1, groups: groups, name: account)
    }

    static let root = Caller(uid: 0, gid: 0, pid: 1, groups: [], name: "root")
    /// A member of `custody-admin` with no person record: the bootstrap administrator.
    static let bootstrap = caller("boot", groups: [adminGroup])

    /// Performs `kind` as `caller` and returns the response, ok or not.
    @discardableResult
    func perform(_ kind: ControlRequest.Kind, _ arguments: ControlArguments = ControlArguments(), as caller: Caller)
        -> ControlResponse
    {
        operations.perform(.operation(kind, arguments), by: caller)
    }

    /// Performs `kind` and fails the test's expectation by throwing when it was not served.
    @discardableResult
    func expectOK(_ kind: ControlRequest.Kind, _ arguments: ControlArguments = ControlArguments(), as caller: Caller)
        throws -> ControlResponse
    {
        let response = perform(kind, arguments, as: caller)
        if let error = response.error { throw error }
        return response
    }

    /// Units NORTH ⊃ NORTH-1, and SOUTH; officers alice (P1, NORTH-1) and bob (P2, SOUTH), carol (R1, NORTH),
    /// dave (A1, NORTH), erin (U1, NORTH).
    func seedPeople() throws {
        try expectOK(.unitAdd, ControlArguments(id: "NORTH", name: "North district"), as: Self.root)
        try expectOK(.unitAdd, ControlArguments(id: "NORTH-1", name: "North patrol", parent: "NORTH"), as: Self.root)
        try expectOK(.unitAdd, ControlArguments(id: "SOUTH", name: "South district"), as: Self.root)
        for (id, name, unit, account) in [
            ("P1", "Alice", "NORTH-1", "alice"), ("P2", "Bob", "SOUTH", "bob"), ("R1", "Carol", "NORTH", "carol"),
            ("A1", "Dave", "NORTH", "dave"), ("U1", "Erin", "NORTH", "erin"),
        ] {
            try expectOK(.personAdd, ControlArguments(id: id, name: name, unit: unit, account: account), as: Self.root)
        }
    }

    /// Requests `role` for `person` as root, approves it first as the bootstrap administrator and
    /// second as `second` (default: root cannot, so `dave` once he is an administrator… or root when
    /// root did not request). Returns the grant number.
    @discardableResult
    func grant(
        _ role: Role, to person: String, scope: String? = nil, until: Date? = nil, requestedAs requester: Caller,
        approvers: [Caller]
    ) throws -> Int64 {
        let until = until ?? now.addingTimeInterval(30 * 86_400)
        let requested = try expectOK(
            .grantRequest,
            ControlArguments(
                reason: "test", person: person, role: role.rawValue, scope: scope,
                until: Timestamps.rfc3339(until)), as: requester)
        let id = requested.grant!.id
        for approver in approvers { try expectOK(.grantApprove, ControlArguments(grant: id), as: approver) }
        return id
    }

    /// An item attributed by its file name to `officer` (with the registry's say, if any).
    @discardableResult
    func item(officer: String?, device: String? = nil, seed: UInt64) throws -> EvidenceID {
        let record = ItemRecord(
            id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: seed))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: seed + 1000))!, size: 10,
            ciphertextSize: 90, wrappedKey: [UInt8](repeating: 9, count: 60),
            source: SourceReference(
                deviceID: device, root: "/import", path: RawPath("DCIM/\(seed).mp4"), size: 10,
                modificationTimeNanoseconds: 5),
            ingestedAt: now, verifiedAt: nil)
        // The entries ingest writes, so the chain records each item as it would in a real store.
        try catalog.recordStored([record], events: [AuditEvent(action: .itemStored, itemID: record.id, detail: record.storedFacts)])
        try catalog.recordVerified(
            [record.id], events: [AuditEvent(action: .itemVerified, itemID: record.id, detail: ["sha256": record.sha256.hex])])
        var metadata = MediaMetadata(kind: .video)
        metadata.nameFields = MediaMetadata.NameFields(
            rule: "test", deviceID: nil, officerID: officer, dateTime: nil, sequence: nil)
        try catalog.recordMedia([(record.id, metadata)])
        return record.id
    }

    /// The audit entries with `action`, newest last.
    func audited(_ action: AuditAction) throws -> [AuditEntry] {
        try catalog.auditEntries(after: 0, limit: 1000, action: action.rawValue)
    }
}

/// The time the operations judge grants at, moved by the test.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_760_000_000))

    var now: Date { time.withLock { $0 } }

    func advance(by seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
